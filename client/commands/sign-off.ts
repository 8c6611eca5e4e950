import { signOffSchema } from '../../domain/schemas.js';
import type { CommandEdge } from './spec.js';

export const signOff = {
  name: 'sign-off',
  summary: "Sign off a milestone (the program's supervisor or program manager)",
  description: 'Signing off a milestone already signed off answers 200 and records nothing new.',
  path: '/v1/programs/:programId/milestones/:milestoneId/sign-off',
  body: signOffSchema.meta({ id: 'SignOff' }),
  cli: {
    options: {
      on: { field: 'signedOn', description: 'the date of the sign-off, YYYY-MM-DD', required: true },
      comments: { field: 'comments', description: 'comments on the milestone' },
    },
  },
} as const satisfies CommandEdge;
