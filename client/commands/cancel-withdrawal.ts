import { withdrawalCancellationSchema } from '../../domain/schemas.js';
import type { CommandEdge } from './spec.js';

export const cancelWithdrawal = {
  name: 'cancel-withdrawal',
  summary: 'Cancel a withdrawal scheduled ahead, before its date (hr)',
  description:
    'A correction: the `withdrawn` event stays in the log and a `withdrawal-cancelled` event points at it; the program goes on. Cancelling again answers 200 and records nothing new; with no withdrawal scheduled ahead it is 422 `no-scheduled-withdrawal`.',
  path: '/v1/programs/:programId/withdrawal/cancellation',
  body: withdrawalCancellationSchema.meta({
    id: 'WithdrawalCancellation',
    description: 'A correction: the withdrawal scheduled ahead is called off before its date.',
  }),
  cli: {
    options: {
      reason: { field: 'reason', description: 'why the scheduled withdrawal is called off', required: true },
    },
  },
} as const satisfies CommandEdge;
