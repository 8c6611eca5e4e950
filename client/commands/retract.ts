import { retractionSchema } from '../../domain/schemas.js';
import type { CommandEdge } from './spec.js';

export const retract = {
  name: 'retract',
  summary: "Retract a sign-off recorded in error (hr, or the program's supervisor or program manager)",
  description:
    'A correction: the sign-off stays in the event log and a `sign-off-retracted` event points at it. The milestone is open again, and overdue at once if its due date has passed. Retracting again answers 200 and records nothing new; a milestone never signed off is 422 `milestone-not-signed-off`.',
  path: '/v1/programs/:programId/milestones/:milestoneId/retraction',
  body: retractionSchema.meta({ id: 'SignOffRetraction', description: 'A correction: the sign-off was recorded in error.' }),
  cli: {
    options: {
      reason: { field: 'reason', description: 'why the sign-off was in error', required: true },
    },
  },
} as const satisfies CommandEdge;
