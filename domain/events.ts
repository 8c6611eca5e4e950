/** What happens to a development program: its events, the people who cause them, and their roles. */
import type { CivilDate } from './dates.js';
import type { PolicySettings } from './policy.js';
import type { Enrollment, Leave, Milestone, QualificationProjection } from './rules.js';
import type { TargetClass } from './target-classes.js';

export type Role = 'hr' | 'supervisor' | 'program-manager' | 'das' | 'trainee' | 'auditor' | 'system';

/** Who did something. `id` is a staff identifier, never a name. */
export interface Actor {
  id: string;
  role: Role;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', role: 'system' };

export type ProgramStatus = 'active' | 'awaiting-minimum' | 'reclassified' | 'expired' | 'ended';
export type MilestoneStatus = 'pending' | 'overdue' | 'signed-off';
export type ServiceRatingValue = 'satisfactory' | 'unsatisfactory';
export type EndReason = 'unsatisfactory-service' | 'withdrawn';

// --- Events --------------------------------------------------------------------------------

export interface EventPayloads {
  enrolled: {
    enrollment: Enrollment;
    /** The class and policy as they stood at enrollment: they govern this program from then on. */
    targetClass: TargetClass;
    policy: PolicySettings;
    earliestReclassificationDate: CivilDate;
    latestCompletionDate: CivilDate;
    workingTestPeriodEndsOn: CivilDate;
  };
  'schedule-approved': { dasApprovalRef: string; approvedOn: CivilDate; plannedEndDate: CivilDate; milestones: Milestone[] };
  'qualification-shortfall-projected': { projection: QualificationProjection };
  'schedule-amended': {
    dasApprovalRef: string;
    approvedOn: CivilDate;
    plannedEndDate: CivilDate;
    milestones: Milestone[];
    previousPlannedEndDate: CivilDate;
  };
  'milestone-signed-off': { milestoneId: string; signedOn: CivilDate; comments?: string };
  'milestone-overdue': { milestoneId: string; dueDate: CivilDate; on: CivilDate };
  'service-rated': { rating: ServiceRatingValue; ratedOn: CivilDate; comments?: string };
  'service-rating-overdue': { workingTestPeriodEndsOn: CivilDate; on: CivilDate };
  'leave-recorded': Leave & { workingDays: number; extendsMinimumByDays: number; earliestReclassificationDate: CivilDate };
  withdrawn: { effectiveOn: CivilDate; reason: string };
  /** A correction: a withdrawal dated ahead is called off before its date (decision 6). */
  'withdrawal-cancelled': { effectiveOn: CivilDate; corrects: string | null };
  /** HR confirms the trainee meets a target class whose minimum qualifications the catalogue lacks (decision 8). */
  'qualification-confirmed': { targetClassCode: string; on: CivilDate };
  /** Decision 7: an unsatisfactory rating waits for HR's decision; escalated after `escalatesOn` (working days). */
  'hr-decision-requested': { ratedOn: CivilDate; on: CivilDate; escalatesOn: CivilDate };
  'hr-decision-reminder-issued': { ratedOn: CivilDate; on: CivilDate; daysWaiting: number; escalated: boolean };
  'hr-decision-escalated': { ratedOn: CivilDate; on: CivilDate; daysWaiting: number };
  /** HR confirms removal: the program ends at the start of `effectiveOn` (at once if that has come). */
  'removal-confirmed': { ratedOn: CivilDate; effectiveOn: CivilDate };
  /** HR records remediation; the DAS-approved amendment follows as its own event, and a new rating is needed. */
  'remediation-recorded': { ratedOn: CivilDate; plan: string; dasApprovalRef: string; on: CivilDate };
  /** Corrections: each points at the event it corrects (null only for one recorded before ids were kept). */
  'sign-off-retracted': { milestoneId: string; corrects: string | null; signedOffBy: string | null; signedOn: CivilDate | null };
  'leave-cancelled': Leave & { corrects: string | null; earliestReclassificationDate: CivilDate };
  'progress-report-submitted': { periodEnding: CivilDate; submittedOn: CivilDate; summary: string };
  'progress-report-reviewed': { periodEnding: CivilDate; reviewedOn: CivilDate; comments?: string; reportedBy: string };
  /** A move to another agency, supervisor or program manager. The program's clock runs on. */
  transferred: { effectiveOn: CivilDate; from: Assignment; to: Assignment };
  'minimum-period-reached': { on: CivilDate };
  'cap-warning-issued': { daysBefore: number; daysRemaining: number; latestCompletionDate: CivilDate; on: CivilDate };
  'eligible-for-reclassification': { on: CivilDate; qualification: QualificationProjection };
  'reclassification-notice-issued': { noticeId: string; effectiveOn: CivilDate; targetClassCode: string; dasApprovalRef: string };
  'program-expired-at-maximum': { on: CivilDate; latestCompletionDate: CivilDate; openMilestones: string[] };
  'program-ended': { on: CivilDate; reason: EndReason };
  'milestone-due-soon': { milestoneId: string; dueDate: CivilDate; on: CivilDate; daysBefore: number };
  'milestone-escalated': { milestoneId: string; dueDate: CivilDate; on: CivilDate; daysOverdue: number };
  'overdue-reminder-issued': { on: CivilDate; milestones: OverdueMilestone[] };
}

/** Where a trainee is placed, and who supervises and coordinates the program. */
export interface Assignment {
  agency: string;
  supervisorId: string;
  programManagerId: string;
}

/** One line of an overdue reminder. */
export interface OverdueMilestone {
  milestoneId: string;
  dueDate: CivilDate;
  daysOverdue: number;
  /** Escalated to the program manager by now. */
  escalated: boolean;
}

export type EventType = keyof EventPayloads;

/** Every event type, for validating rows read back from storage. */
export const EVENT_TYPES = [
  'enrolled',
  'schedule-approved',
  'qualification-shortfall-projected',
  'schedule-amended',
  'milestone-signed-off',
  'milestone-overdue',
  'service-rated',
  'service-rating-overdue',
  'leave-recorded',
  'withdrawn',
  'withdrawal-cancelled',
  'qualification-confirmed',
  'hr-decision-requested',
  'hr-decision-reminder-issued',
  'hr-decision-escalated',
  'removal-confirmed',
  'remediation-recorded',
  'transferred',
  'sign-off-retracted',
  'leave-cancelled',
  'progress-report-submitted',
  'progress-report-reviewed',
  'minimum-period-reached',
  'cap-warning-issued',
  'eligible-for-reclassification',
  'reclassification-notice-issued',
  'program-expired-at-maximum',
  'program-ended',
  'milestone-due-soon',
  'milestone-escalated',
  'overdue-reminder-issued',
] as const satisfies readonly EventType[];
// Fails to compile when an event type is added without being listed above.
const everyEventTypeListed: Record<EventType, true> = Object.fromEntries(EVENT_TYPES.map((t) => [t, true])) as Record<
  (typeof EVENT_TYPES)[number],
  true
>;
void everyEventTypeListed;

/** An event as `decide` produces it, before it has an id and a place in the stream. */
export type EventDraft = { [T in EventType]: { type: T; data: EventPayloads[T]; actor: Actor; reason?: string } }[EventType];

/** A recorded domain event: the audit trail. `id` is `${programId}/${version}`, so it is deterministic. */
export type ProgramEvent = EventDraft & {
  id: string;
  programId: string;
  version: number;
  occurredAt: string;
  schemaVersion: 1;
};

export type EventOf<T extends EventType> = Extract<ProgramEvent, { type: T }>;
