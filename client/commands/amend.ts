import { amendmentSchema } from '../../domain/schemas.js';
import type { CommandEdge } from './spec.js';

export const amend = {
  name: 'amend',
  summary: 'Amend the schedule (das)',
  description: '422 `exceeds-statutory-maximum` past the three-year cap, `below-minimum-length` under one year.',
  path: '/v1/programs/:programId/schedule-amendments',
  body: amendmentSchema.meta({
    id: 'ScheduleAmendment',
    description: 'A DAS-approved change of the planned end date, the milestones, or both.',
  }),
  cli: { options: {}, file: true },
} as const satisfies CommandEdge;
