/** The event history in words: what each domain event type means, with the facts it carries. */
import type { ProgramEventRecord } from '../api-types.js';
import { formatDate } from '../format.js';

export const EVENT_LABELS: Record<string, string> = {
  enrolled: 'Enrolled',
  'schedule-approved': 'Schedule approved',
  'qualification-shortfall-projected': 'Qualification shortfall projected',
  'schedule-amended': 'Schedule amended',
  'milestone-signed-off': 'Milestone signed off',
  'milestone-overdue': 'Milestone overdue',
  'milestone-escalated': 'Milestone escalated',
  'service-rated': 'Service rated',
  'service-rating-overdue': 'Service rating overdue',
  'leave-recorded': 'Leave recorded',
  withdrawn: 'Withdrawn',
  'withdrawal-cancelled': 'Scheduled withdrawal cancelled (correction)',
  'qualification-confirmed': 'Qualification confirmed by HR',
  'hr-decision-requested': 'HR decision requested (unsatisfactory rating)',
  'hr-decision-reminder-issued': 'HR reminded of the decision',
  'hr-decision-escalated': 'HR decision escalated to DAS',
  'removal-confirmed': 'Removal confirmed by HR',
  'remediation-recorded': 'Remediation recorded by HR',
  transferred: 'Transferred',
  'progress-report-submitted': 'Progress report submitted',
  'progress-report-reviewed': 'Progress report reviewed',
  'sign-off-retracted': 'Sign-off retracted (correction)',
  'leave-cancelled': 'Leave cancelled (correction)',
  'minimum-period-reached': 'Minimum period reached',
  'cap-warning-issued': 'Cap warning issued',
  'eligible-for-reclassification': 'Eligible for reclassification',
  'reclassification-notice-issued': 'Reclassification notice issued',
  'program-expired-at-maximum': 'Program expired at the three-year maximum',
  'program-ended': 'Program ended',
};

/** A field of the event's data as text, if it is one. */
const text = (data: Record<string, unknown>, key: string): string | null => {
  const value = data[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
};
const date = (data: Record<string, unknown>, key: string): string | null => {
  const value = text(data, key);
  return value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDate(value) : value;
};

/** An event id (`<programId>/<version>`) as the history numbers it: "event #5". */
const eventNumber = (id: string | null): string =>
  id ? `event #${id.slice(id.lastIndexOf('/') + 1)}` : 'an event recorded before ids were kept';

/** "milestone-due-soon" → "Milestone due soon" for a type without a label of its own. */
export const eventLabel = (type: string): string =>
  EVENT_LABELS[type] ?? `${type.charAt(0).toUpperCase()}${type.slice(1).replace(/-/g, ' ')}`;

export function describeEvent({ type, data }: ProgramEventRecord): string {
  switch (type) {
    case 'enrolled': {
      const enrollment = data.enrollment;
      const appointed =
        typeof enrollment === 'object' && enrollment !== null ? date(enrollment as Record<string, unknown>, 'appointmentDate') : null;
      return [appointed && `appointed ${appointed}`, date(data, 'latestCompletionDate') && `cap ${date(data, 'latestCompletionDate')}`]
        .filter(Boolean)
        .join(', ');
    }
    case 'schedule-approved':
      return `${text(data, 'dasApprovalRef') ?? ''}, approved ${date(data, 'approvedOn') ?? ''}; planned end ${date(data, 'plannedEndDate') ?? ''}`;
    case 'schedule-amended':
      return `${text(data, 'dasApprovalRef') ?? ''}, approved ${date(data, 'approvedOn') ?? ''}; planned end ${date(data, 'previousPlannedEndDate') ?? ''} → ${date(data, 'plannedEndDate') ?? ''}`;
    case 'milestone-signed-off':
      return `${text(data, 'milestoneId') ?? ''} on ${date(data, 'signedOn') ?? ''}${text(data, 'comments') ? ` (“${text(data, 'comments')}”)` : ''}`;
    case 'milestone-overdue':
      return `${text(data, 'milestoneId') ?? ''}, due ${date(data, 'dueDate') ?? ''}`;
    case 'milestone-escalated':
      return `${text(data, 'milestoneId') ?? ''}, ${text(data, 'daysOverdue') ?? ''} days past its due date ${date(data, 'dueDate') ?? ''}`;
    case 'service-rated':
      return `${text(data, 'rating') ?? ''} on ${date(data, 'ratedOn') ?? ''}${text(data, 'comments') ? ` (“${text(data, 'comments')}”)` : ''}`;
    case 'service-rating-overdue':
      return `the working test period ended ${date(data, 'workingTestPeriodEndsOn') ?? ''}`;
    case 'leave-recorded':
      return `${text(data, 'kind') ?? ''} leave, ${date(data, 'from') ?? ''} to ${date(data, 'to') ?? ''}; first anniversary now ${date(data, 'earliestReclassificationDate') ?? ''}`;
    case 'withdrawn':
      return `effective ${date(data, 'effectiveOn') ?? ''}: ${text(data, 'reason') ?? ''}`;
    case 'progress-report-submitted':
      return `for the period ending ${date(data, 'periodEnding') ?? ''}`;
    case 'progress-report-reviewed':
      return `the report for the period ending ${date(data, 'periodEnding') ?? ''}${text(data, 'comments') ? ` (“${text(data, 'comments')}”)` : ''}`;
    case 'sign-off-retracted':
      return `${text(data, 'milestoneId') ?? ''}, signed off ${date(data, 'signedOn') ?? ''} by ${text(data, 'signedOffBy') ?? 'unknown'}; corrects ${eventNumber(text(data, 'corrects'))}`;
    case 'withdrawal-cancelled':
      return `the withdrawal effective ${date(data, 'effectiveOn') ?? ''}; corrects ${eventNumber(text(data, 'corrects'))}`;
    case 'leave-cancelled':
      return `${text(data, 'kind') ?? ''} leave, ${date(data, 'from') ?? ''} to ${date(data, 'to') ?? ''}; first anniversary now ${date(data, 'earliestReclassificationDate') ?? ''}; corrects ${eventNumber(text(data, 'corrects'))}`;
    case 'transferred': {
      const record = (key: string): Record<string, unknown> => {
        const value = data[key];
        return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
      };
      const [from, to] = [record('from'), record('to')];
      const names: [string, string][] = [
        ['agency', 'agency'],
        ['supervisorId', 'supervisor'],
        ['programManagerId', 'program manager'],
      ];
      const changes = names
        .filter(([key]) => text(from, key) !== text(to, key))
        .map(([key, name]) => `${name} ${text(from, key) ?? ''} → ${text(to, key) ?? ''}`);
      return `effective ${date(data, 'effectiveOn') ?? ''}: ${changes.join('; ')}`;
    }
    case 'minimum-period-reached':
    case 'eligible-for-reclassification':
      return `on ${date(data, 'on') ?? ''}`;
    case 'cap-warning-issued':
      return `${text(data, 'daysRemaining') ?? ''} days to the cap, ${date(data, 'latestCompletionDate') ?? ''}`;
    case 'reclassification-notice-issued':
      return `effective ${date(data, 'effectiveOn') ?? ''}, class ${text(data, 'targetClassCode') ?? ''}`;
    case 'program-expired-at-maximum':
      return `on ${date(data, 'on') ?? ''}`;
    case 'program-ended':
      return `on ${date(data, 'on') ?? ''} (${text(data, 'reason') ?? ''})`;
    case 'qualification-shortfall-projected': {
      const projection = data.projection;
      const shortfall =
        typeof projection === 'object' && projection !== null ? text(projection as Record<string, unknown>, 'shortfallYears') : null;
      return shortfall ? `short by ${shortfall} years at the planned end` : '';
    }
    default:
      // A type this page does not know yet still says which milestone it is about, if any.
      return text(data, 'milestoneId') ?? '';
  }
}
