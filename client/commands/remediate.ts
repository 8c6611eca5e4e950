import { remediationSchema } from '../../domain/schemas.js';
import type { CommandEdge } from './spec.js';

export const remediate = {
  name: 'remediate',
  summary: 'Record remediation after an unsatisfactory service rating, with a DAS-approved amendment (hr)',
  description:
    "HR's decision on a program whose unsatisfactory rating awaits it (otherwise 422 `hr-decision-not-pending`): the remediation plan and the amendment DAS approved for it, checked as any amendment (`exceeds-statutory-maximum`, `below-minimum-length`, `das-approval-ref-reused`, …). The program goes on under the amended schedule and needs a new satisfactory rating before it can be reclassified.",
  path: '/v1/programs/:programId/hr-decision/remediation',
  body: remediationSchema.meta({
    id: 'Remediation',
    description:
      "HR's decision after an unsatisfactory service rating: remediation, with the DAS-approved amendment of the schedule it rests on.",
  }),
  cli: { options: {}, file: true },
} as const satisfies CommandEdge;
