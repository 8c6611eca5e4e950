import { transferSchema } from '../../domain/schemas.js';
import type { CommandEdge } from './spec.js';

export const transfer = {
  name: 'transfer',
  summary: 'Transfer the trainee to another agency, supervisor or program manager (hr)',
  description:
    'The program, its DAS-approved schedule and its three-year clock carry on. The new supervisor and program manager act on it from then on; the former ones no longer see it. The same transfer again is 200 with no new event.',
  path: '/v1/programs/:programId/transfers',
  body: transferSchema.meta({
    id: 'Transfer',
    description: 'A move to another agency, supervisor or program manager (any of them); the three-year clock runs on.',
  }),
  cli: {
    options: {
      on: { field: 'effectiveOn', description: 'the day the transfer takes effect, YYYY-MM-DD', required: true },
      agency: { field: 'agency', description: 'the new agency code' },
      supervisor: { field: 'supervisorId', description: "the new supervisor's staff id" },
      'program-manager': { field: 'programManagerId', description: "the new program manager's staff id" },
      reason: { field: 'reason', description: 'why the trainee moves' },
    },
  },
} as const satisfies CommandEdge;
