/**
 * What the API answers, as the UI reads it. Plain types only, so the server can check them against
 * its response schemas at compile time (api/dashboard.ts, api/ui.ts) and the browser bundle carries
 * none of the server's code.
 */
import type { CivilDate } from '../domain/dates.js';
import type { ProgramStatus } from '../domain/program.js';
import type { TargetClass } from '../domain/target-classes.js';
import type { ProgramView } from '../domain/view.js';

export type { CivilDate, ProgramStatus, ProgramView, TargetClass };

export type ApiRole = 'hr' | 'supervisor' | 'program-manager' | 'das' | 'trainee' | 'auditor';

export interface Me {
  sub: string;
  roles: ApiRole[];
}

export type StatusCounts = Record<ProgramStatus, number>;

export type AtRiskReason = 'cap-within-90-days' | 'overdue-milestones';

export interface Dashboard {
  asOf: CivilDate;
  scope: 'all' | 'assigned';
  counts: StatusCounts;
  atRisk: { items: { program: ProgramView; reasons: AtRiskReason[] }[]; truncated: boolean };
}

/** One period's open programs by status (`from` inclusive, `before` exclusive). */
export interface ChartPeriod {
  from: CivilDate;
  before: CivilDate;
  active: number;
  awaitingMinimum: number;
}

/** Overdue milestones of one agency or supervisor (`name` from the staff directory, for supervisors). */
export interface OverdueBar {
  key: string;
  name: string | null;
  overdueMilestones: number;
  programs: number;
}

export interface DashboardCharts {
  asOf: CivilDate;
  reclassificationsByMonth: ChartPeriod[];
  capsByQuarter: ChartPeriod[];
  overdueByAgency: { items: OverdueBar[]; truncated: boolean };
  overdueBySupervisor: { items: OverdueBar[]; truncated: boolean };
}

/** How soon a milestone is due: overdue, due in the next 30 days, or later. */
export type InboxSection = 'overdue' | 'due-soon' | 'later';
/** Which sections an inbox page shows: overdue and due soon (`due`, the first view), `later`, or `all`. */
export type InboxShow = 'due' | 'later' | 'all';

export interface InboxMilestone {
  id: string;
  title: string;
  dueDate: CivilDate;
  status: 'pending' | 'overdue';
  section: InboxSection;
  daysUntilDue: number;
}

/** One trainee's milestones awaiting the caller, by due date. */
export interface InboxGroup {
  programId: string;
  traineeEmployeeId: string;
  traineeName: string;
  agency: string;
  targetClassCode: string;
  as: 'supervisor' | 'program-manager';
  milestones: InboxMilestone[];
}

export interface Inbox {
  asOf: CivilDate;
  show: InboxShow;
  counts: Record<InboxSection, { milestones: number; trainees: number }>;
  groups: InboxGroup[];
  nextCursor: string | null;
}

/** Supervisors and program managers of the staff directory (GET /v1/staff). */
export interface StaffList {
  items: { staffId: string; name: string }[];
}

export interface OwnPrograms {
  items: ProgramView[];
}

export interface ProgramPage {
  items: ProgramView[];
  nextCursor: string | null;
}

export interface ProgramEventRecord {
  id: string;
  version: number;
  type: string;
  at: string;
  actor: { id: string; role: string };
  reason: string | null;
  data: Record<string, unknown>;
}

export interface NoticeRecord {
  noticeId: string;
  programId: string;
  kind: string;
  eventId: string;
  issuedOn: CivilDate;
  recipients: { role: string; ref: string }[];
  subject: string;
  body: string;
}

export interface Issue {
  path: string;
  message: string;
  code?: string | undefined;
}

export interface ErrorBody {
  code: string;
  message: string;
  issues?: Issue[] | undefined;
}

export interface ImportRowResult {
  row: number;
  status: 'created' | 'already-enrolled' | 'invalid' | 'rejected' | 'failed';
  trainee?: { employeeId: string; name: string } | undefined;
  programId?: string | undefined;
  error?: ErrorBody | undefined;
}

export interface ImportResult {
  results: ImportRowResult[];
  summary: { rows: number; created: number; alreadyEnrolled: number; invalid: number; rejected: number; failed: number };
}

/** The dry run of an import (POST /v1/programs/import/preview): what each row would do. */
export interface ImportPreviewRow {
  row: number;
  action: 'enroll' | 'fix';
  trainee?: { employeeId: string; name: string } | undefined;
  appointmentDate?: string | undefined;
  earliestReclassificationDate?: string | undefined;
  latestCompletionDate?: string | undefined;
  milestones?: number | undefined;
  problems: { field: string; code: string; message: string }[];
  /** The row read as an enrollment: what the import is sent. */
  enrollment?: unknown;
  /** The row as the import's CSV cells, in the order of the preview's `columns`. */
  cells: string[] | null;
  raw?: string | undefined;
}

export interface ImportPreview {
  columns: string[];
  rows: ImportPreviewRow[];
  summary: { rows: number; toEnroll: number; toFix: number };
}

/** One recipient's e-mail of a notice (GET /v1/programs/{id}/deliveries). */
export interface RecipientDelivery {
  role: string;
  ref: string;
  state: 'delivered' | 'waiting' | 'failed';
  reason: string | null;
  attempts: number;
  deliveredAt: string | null;
}

export interface NoticeDeliveries {
  noticeId: string;
  recipients: RecipientDelivery[];
  resends: { resentBy: string; resentAt: string }[];
}

/** The answer to POST /v1/notices/{id}/resend. */
export interface NoticeResend {
  noticeId: string;
  outcome: 'delivered' | 'waiting' | 'failed' | 'nothing-to-send';
  recipients: RecipientDelivery[];
}

export interface DevelopmentToken {
  token: string;
  expiresAt: string;
}

/** What the server tells the sign-in page (GET /ui-config.json). */
export interface UiConfig {
  developmentSignIn: boolean;
  /** Sign-in with the organisation's OpenID Connect provider (authorization code with PKCE), when configured. */
  oidc?: { issuer: string; clientId: string; providerName: string; scope: string };
}
