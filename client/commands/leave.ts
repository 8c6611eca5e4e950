import { leaveSchema } from '../../domain/schemas.js';
import type { CommandEdge } from './spec.js';

export const leave = {
  name: 'leave',
  summary: 'Record leave (hr)',
  path: '/v1/programs/:programId/leaves',
  body: leaveSchema.meta({ id: 'Leave' }),
  cli: {
    options: {
      from: { field: 'from', description: 'the first day of leave, YYYY-MM-DD', required: true },
      to: { field: 'to', description: 'the last day of leave, YYYY-MM-DD', required: true },
      kind: { field: 'kind', description: 'unpaid, sick, workers-comp or other', required: true },
    },
  },
} as const satisfies CommandEdge;
