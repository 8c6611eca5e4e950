/** Words and dates as the pages show them. Dates are civil dates in America/New_York (DOMAIN.md). */
import { civilDateInNewYork, daysBetween } from '../../domain/dates.js';
import type { ApiRole, AtRiskReason, CivilDate, ProgramStatus, ProgramView } from './api-types.js';

export const todayInNewYork = (): CivilDate => civilDateInNewYork(Date.now());

export const STATUS_LABELS: Record<ProgramStatus, string> = {
  active: 'Active',
  'awaiting-minimum': 'Awaiting first anniversary',
  reclassified: 'Reclassified',
  expired: 'Expired at the cap',
  ended: 'Ended',
};

/** The kinds of leave HR records (shared/API.md), as people name them. */
export const LEAVE_KIND_LABELS: Record<ProgramView['leaves'][number]['kind'], string> = {
  unpaid: 'Unpaid leave',
  sick: 'Sick leave',
  'workers-comp': "Workers' compensation",
  other: 'Other leave',
};

export const PROGRAM_STATUSES = Object.keys(STATUS_LABELS) as ProgramStatus[];

export const ROLE_LABELS: Record<ApiRole, string> = {
  hr: 'HR',
  supervisor: 'Supervisor',
  'program-manager': 'Program manager',
  das: 'DAS',
  trainee: 'Trainee',
  auditor: 'Auditor',
};

export const AT_RISK_LABELS: Record<AtRiskReason, string> = {
  'cap-within-90-days': 'Cap within 90 days',
  'overdue-milestones': 'Overdue milestones',
};

export const MILESTONE_STATUS_LABELS: Record<'pending' | 'overdue' | 'signed-off', string> = {
  pending: 'Pending',
  overdue: 'Overdue',
  'signed-off': 'Signed off',
};

const dateFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' });
const instantFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', dateStyle: 'medium', timeStyle: 'short' });

/** "Nov 23, 2026" for a civil date (formatted in UTC so the day never shifts). */
export const formatDate = (date: CivilDate): string => dateFormat.format(new Date(`${date}T00:00:00Z`));

/** "Nov 23, 2026, 9:15 AM" in New York, for a timestamp. */
export const formatInstant = (iso: string): string => instantFormat.format(new Date(iso));

/** "in 12 days", "today", "3 days ago". */
export function relativeDays(from: CivilDate, to: CivilDate): string {
  const days = daysBetween(from, to);
  if (days === 0) return 'today';
  const unit = Math.abs(days) === 1 ? 'day' : 'days';
  return days > 0 ? `in ${days} ${unit}` : `${-days} ${unit} ago`;
}

/** A trainee as people know them: "Robin Formfill (E7755745)". */
export const traineeLabel = (program: { trainee: { name: string; employeeId: string } }): string =>
  `${program.trainee.name} (${program.trainee.employeeId})`;

export const plural = (count: number, one: string, many = `${one}s`): string =>
  `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
