import { qualificationConfirmationSchema } from '../../domain/schemas.js';
import type { CommandEdge } from './spec.js';

export const confirmQualification = {
  name: 'confirm-qualification',
  summary: 'Confirm the trainee meets the target class (hr)',
  description:
    'Only for a target class whose minimum qualifications the catalogue does not state (otherwise 422 `qualification-confirmation-not-needed`): such a program is never reclassified until HR confirms, with a reason.',
  path: '/v1/programs/:programId/qualification-confirmation',
  body: qualificationConfirmationSchema.meta({
    id: 'QualificationConfirmation',
    description: "HR's confirmation that the trainee meets a target class whose minimum qualifications the catalogue does not state.",
  }),
  cli: {
    options: {
      reason: { field: 'reason', description: 'why the trainee meets the target class', required: true },
    },
  },
} as const satisfies CommandEdge;
