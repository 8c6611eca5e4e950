import { progressReportSchema } from '../../domain/schemas.js';
import type { CommandEdge } from './spec.js';

export const report = {
  name: 'report',
  summary: 'Submit a progress report (the trainee of the program)',
  description:
    'One report for each period, named by the last day it covers. The same report again answers 200 and records nothing new; a different one for a period already reported is 422 `progress-report-exists`.',
  path: '/v1/programs/:programId/progress-reports',
  body: progressReportSchema.meta({ id: 'ProgressReport', description: "The trainee's report on their progress over a period." }),
  cli: {
    options: {
      'period-ending': { field: 'periodEnding', description: 'the last day the report covers, YYYY-MM-DD', required: true },
      summary: { field: 'summary', description: "the trainee's report", required: true },
    },
  },
} as const satisfies CommandEdge;
