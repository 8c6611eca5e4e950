import { removalConfirmationSchema } from '../../domain/schemas.js';
import type { CommandEdge } from './spec.js';

export const confirmRemoval = {
  name: 'confirm-removal',
  summary: 'Confirm removal after an unsatisfactory service rating (hr)',
  description:
    "HR's decision on a program whose unsatisfactory rating awaits it (`hrDecision` on the program; otherwise 422 `hr-decision-not-pending`). The program ends with its notice at the start of `effectiveOn`: at once when that day has come, otherwise it stays active until then. `effectiveOn` runs from the rating date to the latest completion date (422 `removal-date-outside-program`). Programs enrolled before the decisions of 2026-11-29 end at the rating itself.",
  path: '/v1/programs/:programId/hr-decision/removal',
  body: removalConfirmationSchema.meta({
    id: 'RemovalConfirmation',
    description: "HR's decision after an unsatisfactory service rating: removal from the program, effective at the start of `effectiveOn`.",
  }),
  cli: {
    options: {
      on: { field: 'effectiveOn', description: 'the day the program ends (at its start), YYYY-MM-DD', required: true },
      reason: { field: 'reason', description: 'the reason for removal', required: true },
    },
  },
} as const satisfies CommandEdge;
