import { leaveCancellationSchema } from '../../domain/schemas.js';
import type { CommandEdge } from './spec.js';

export const cancelLeave = {
  name: 'cancel-leave',
  summary: 'Cancel leave recorded in error (hr)',
  description:
    'A correction: the `leave-recorded` event stays in the log and a `leave-cancelled` event points at it; the first anniversary is reckoned again without the leave. Cancelling again answers 200 and records nothing new; leave never recorded is 422 `unknown-leave`.',
  path: '/v1/programs/:programId/leaves/cancellations',
  body: leaveCancellationSchema.meta({
    id: 'LeaveCancellation',
    description: 'A correction: the leave from `from` to `to` was recorded in error.',
  }),
  cli: {
    options: {
      from: { field: 'from', description: 'the first day of the leave recorded in error, YYYY-MM-DD', required: true },
      to: { field: 'to', description: 'its last day, YYYY-MM-DD', required: true },
      reason: { field: 'reason', description: 'why it was in error', required: true },
    },
  },
} as const satisfies CommandEdge;
