import { withdrawalSchema } from '../../domain/schemas.js';
import type { CommandEdge } from './spec.js';

export const withdraw = {
  name: 'withdraw',
  summary: 'End the program (hr)',
  description:
    'Effective today or earlier, the program ends now; dated ahead, the withdrawal is scheduled and the program ends at the start of that day (HR can cancel it before then).',
  path: '/v1/programs/:programId/withdrawal',
  body: withdrawalSchema.meta({ id: 'Withdrawal' }),
  cli: {
    options: {
      on: {
        field: 'effectiveOn',
        description: 'the day it takes effect, YYYY-MM-DD; dated ahead, the withdrawal is scheduled',
        required: true,
      },
      reason: { field: 'reason', description: 'why the program ends', required: true },
    },
  },
} as const satisfies CommandEdge;
