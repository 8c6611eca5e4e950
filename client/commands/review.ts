import { progressReviewSchema } from '../../domain/schemas.js';
import type { CommandEdge } from './spec.js';

export const review = {
  name: 'review',
  summary: "Review a progress report (the program's program manager or supervisor)",
  description: 'Reviewing a report already reviewed answers 200 and records nothing new.',
  path: '/v1/programs/:programId/progress-reports/:periodEnding/review',
  body: progressReviewSchema.meta({ id: 'ProgressReview' }),
  cli: {
    options: {
      on: { field: 'reviewedOn', description: 'the date of the review, YYYY-MM-DD', required: true },
      comments: { field: 'comments', description: 'comments on the report' },
    },
  },
} as const satisfies CommandEdge;
