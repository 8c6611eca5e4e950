/**
 * A development program as an event-sourced aggregate: `decide(command, state, clock)` returns the
 * events a command causes (or the rule it breaks) and `evolve(state, event)` folds one event into
 * the state. Time-driven rules are the `advance-clock` command, so a timer in the workflow and a
 * migrated program's past dates go through the same code.
 */
import { addDays, daysBetween, minDate, type CivilDate } from './dates.js';
import { rulesEditionOf, type MilestoneReminderPolicy, type PolicySettings } from './policy.js';
import {
  addWorkingDays,
  checkEnrollment,
  checkNotTrainee,
  checkMilestones,
  checkProgramLength,
  earliestReclassificationDate,
  latestCompletionDate,
  leaveWorkingDays,
  minimumPeriodExtensionDays,
  projectQualification,
  violation,
  workingTestPeriodEndDate,
  type Enrollment,
  type Leave,
  type LeaveKind,
  type Milestone,
  type QualificationProjection,
  type RuleViolation,
} from './rules.js';
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

interface EventPayloads {
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
const everyEventTypeListed: Record<EventType, true> = Object.fromEntries(EVENT_TYPES.map((t) => [t, true])) as Record<(typeof EVENT_TYPES)[number], true>;
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

// --- State ---------------------------------------------------------------------------------

export interface MilestoneState extends Milestone {
  status: MilestoneStatus;
  signedOffBy?: string;
  signedOffOn?: CivilDate;
}

export interface ProgramState {
  programId: string;
  version: number;
  status: ProgramStatus;
  enrollment: Enrollment;
  targetClass: TargetClass;
  policy: PolicySettings;
  schedule: { dasApprovalRef: string; approvedOn: CivilDate; plannedEndDate: CivilDate; approvalRefs: string[] };
  milestones: MilestoneState[];
  appointmentDate: CivilDate;
  earliestReclassificationDate: CivilDate;
  latestCompletionDate: CivilDate;
  workingTestPeriodEndsOn: CivilDate;
  leaves: Leave[];
  serviceRating: { rating: ServiceRatingValue; ratedOn: CivilDate; ratedBy: string } | null;
  serviceRatingOverdue: boolean;
  minimumPeriodReachedOn: CivilDate | null;
  /** Smallest cap-warning threshold issued so far (warnings go 90, then 30). */
  lastCapWarningDays: number | null;
  reclassification: { effectiveOn: CivilDate; noticeId: string } | null;
  ended: { on: CivilDate; reason: EndReason | 'expired' } | null;
  /** Which milestone reminders went out; absent in states carried over from before reminders existed. */
  reminders?: ReminderState;
  /** Transfers, oldest first; absent in states carried over from before transfers existed. */
  transfers?: (Assignment & { effectiveOn: CivilDate })[];
  /**
   * The ids of the events a correction may point at, by what they recorded (`sign-off:m1`,
   * `leave:2027-02-01:2027-02-12`), and of the corrections made (`retracted:m1`, `cancelled:…`).
   */
  eventIds?: Record<string, string>;
  /** The trainee's progress reports, by the date their period ends; absent before reports existed. */
  progressReports?: ProgressReportState[];
  /** A withdrawal dated ahead, to take effect at the start of `effectiveOn` (rules edition 2). */
  scheduledWithdrawal?: { effectiveOn: CivilDate; reason: string } | null;
  /** HR's confirmation of the qualification, for a class the catalogue states none for. */
  qualificationConfirmed?: { by: string; on: CivilDate; reason: string } | null;
  /** An unsatisfactory rating waiting for HR's decision (decision 7); absent or null when none is. */
  hrDecision?: HrDecisionState | null;
  /** A removal HR confirmed with an effective date ahead: the program ends at the start of that day. */
  scheduledRemoval?: { effectiveOn: CivilDate } | null;
}

export interface HrDecisionState {
  ratedOn: CivilDate;
  requestedOn: CivilDate;
  escalatesOn: CivilDate;
  escalatedOn: CivilDate | null;
  lastReminderOn: CivilDate | null;
}

export interface ProgressReportState {
  periodEnding: CivilDate;
  submittedOn: CivilDate;
  submittedBy: string;
  summary: string;
  reviewedOn?: CivilDate;
  reviewedBy?: string;
  reviewComments?: string;
}

/** A milestone and the due date a reminder went out for: an amended due date starts again. */
export interface MilestoneDueDate {
  milestoneId: string;
  dueDate: CivilDate;
}

export interface ReminderState {
  dueSoon: MilestoneDueDate[];
  escalated: MilestoneDueDate[];
  /** Since when some milestone has been overdue without a break, and the last reminder since then. */
  overdue: { since: CivilDate; lastReminderOn: CivilDate | null } | null;
}

const NO_REMINDERS: ReminderState = { dueSoon: [], escalated: [], overdue: null };

const remindersOf = (state: ProgramState): ReminderState => state.reminders ?? NO_REMINDERS;

// --- Commands ------------------------------------------------------------------------------

export interface SignOffMilestone {
  type: 'sign-off-milestone';
  milestoneId: string;
  signedOn: CivilDate;
  comments?: string;
}
export interface AmendSchedule {
  type: 'amend-schedule';
  dasApprovalRef: string;
  approvedOn: CivilDate;
  plannedEndDate?: CivilDate;
  milestones?: Milestone[];
  reason?: string;
}
export interface RateService {
  type: 'rate-service';
  rating: ServiceRatingValue;
  ratedOn: CivilDate;
  comments?: string;
}
export interface RecordLeave {
  type: 'record-leave';
  from: CivilDate;
  to: CivilDate;
  kind: LeaveKind;
}
export interface Withdraw {
  type: 'withdraw';
  effectiveOn: CivilDate;
  reason: string;
}
/** A correction: the withdrawal scheduled ahead is called off before its date. */
export interface CancelWithdrawal {
  type: 'cancel-withdrawal';
  reason: string;
}
/** HR confirms the trainee meets a target class whose minimum qualifications the catalogue lacks. */
export interface ConfirmQualification {
  type: 'confirm-qualification';
  reason: string;
}
/** HR's decision after an unsatisfactory rating: removal, effective on a date of HR's (decision 7). */
export interface ConfirmRemoval {
  type: 'confirm-removal';
  effectiveOn: CivilDate;
  reason: string;
}
/** HR's decision after an unsatisfactory rating: remediation, with the DAS-approved amendment it rests on. */
export interface RecordRemediation {
  type: 'record-remediation';
  plan: string;
  dasApprovalRef: string;
  approvedOn: CivilDate;
  plannedEndDate?: CivilDate;
  milestones?: Milestone[];
}
/** Names at least one of the three; those left out stay as they are. */
export interface Transfer {
  type: 'transfer';
  effectiveOn: CivilDate;
  agency?: string;
  supervisorId?: string;
  programManagerId?: string;
  reason?: string;
}
/** A correction: the milestone's sign-off was recorded in error. */
export interface RetractSignOff {
  type: 'retract-sign-off';
  milestoneId: string;
  reason: string;
}
/** A correction: the leave from `from` to `to` was recorded in error. */
export interface CancelLeave {
  type: 'cancel-leave';
  from: CivilDate;
  to: CivilDate;
  reason: string;
}
/** The trainee reports on their progress over a period (DOMAIN.md: the trainee submits progress reports). */
export interface SubmitProgressReport {
  type: 'submit-progress-report';
  periodEnding: CivilDate;
  summary: string;
}
/** The program manager (or supervisor) reviews a report (DOMAIN.md: the program manager reviews progress reports). */
export interface ReviewProgressReport {
  type: 'review-progress-report';
  periodEnding: CivilDate;
  reviewedOn: CivilDate;
  comments?: string;
}
export interface AdvanceClock {
  type: 'advance-clock';
}

export type ProgramCommand =
  | SignOffMilestone
  | AmendSchedule
  | RateService
  | RecordLeave
  | Withdraw
  | CancelWithdrawal
  | ConfirmQualification
  | ConfirmRemoval
  | RecordRemediation
  | Transfer
  | RetractSignOff
  | CancelLeave
  | SubmitProgressReport
  | ReviewProgressReport
  | AdvanceClock;

export type Decision = { ok: true; events: EventDraft[] } | { ok: false; violations: RuleViolation[] };

const accept = (events: EventDraft[]): Decision => ({ ok: true, events });
const reject = (...violations: RuleViolation[]): Decision => ({ ok: false, violations });

export const isTerminal = (status: ProgramStatus): boolean =>
  status === 'reclassified' || status === 'expired' || status === 'ended';

// --- Enrollment ----------------------------------------------------------------------------

/** The events that open a program, or the rules the enrollment breaks. */
export function decideEnrollment(
  enrollment: Enrollment,
  targetClass: TargetClass | undefined,
  policy: PolicySettings,
  actor: Actor,
  clock?: Clock,
): Decision {
  const problems = checkEnrollment(enrollment, targetClass, policy, clock?.today);
  if (problems.length > 0 || !targetClass) return reject(...problems);
  return accept(enrollmentEvents(enrollment, targetClass, policy, actor));
}

/** The events that open a program, whatever the rules say of it (decideEnrollment checks them first). */
export function enrollmentEvents(enrollment: Enrollment, targetClass: TargetClass, policy: PolicySettings, actor: Actor): EventDraft[] {
  const { appointmentDate, schedule } = enrollment;
  const events: EventDraft[] = [
    {
      type: 'enrolled',
      actor,
      data: {
        enrollment,
        targetClass,
        policy,
        earliestReclassificationDate: earliestReclassificationDate(appointmentDate, [], policy),
        latestCompletionDate: latestCompletionDate(appointmentDate),
        workingTestPeriodEndsOn: workingTestPeriodEndDate(appointmentDate, policy),
      },
    },
    { type: 'schedule-approved', actor, data: { ...schedule } },
  ];
  const projection = projectQualification(enrollment, targetClass, schedule.plannedEndDate, policy);
  if (projection.meetsTargetClass === false) {
    events.push({ type: 'qualification-shortfall-projected', actor: SYSTEM_ACTOR, data: { projection } });
  }
  return [...events, ...migrationEvents(enrollment, policy, actor)];
}

/**
 * A migrated program's past, as events of the migration in the order it happened (decision 10):
 * leave, sign-offs and ratings, each with its own date and the person who recorded it. Applied
 * before the clock first runs, so work already done is never overdue.
 */
function migrationEvents(enrollment: Enrollment, policy: PolicySettings, enrolledBy: Actor): EventDraft[] {
  const prior = enrollment.priorRecords;
  if (!prior) return [];
  const reason = 'migrated: recorded before the program came to this system';
  const dated: { on: CivilDate; order: number; draft: (leaves: Leave[]) => EventDraft[] }[] = [];
  for (const leave of prior.leaves ?? []) {
    dated.push({
      on: leave.from,
      order: 0,
      draft: (leaves) => {
        const before = earliestReclassificationDate(enrollment.appointmentDate, leaves, policy);
        leaves.push({ from: leave.from, to: leave.to, kind: leave.kind });
        const earliest = earliestReclassificationDate(enrollment.appointmentDate, leaves, policy);
        const extendsMinimumByDays = rulesEditionOf(policy) >= 2 ? daysBetween(before, earliest) : minimumPeriodExtensionDays(leave, policy);
        const data = { from: leave.from, to: leave.to, kind: leave.kind, workingDays: leaveWorkingDays(leave, policy), extendsMinimumByDays, earliestReclassificationDate: earliest };
        return [{ type: 'leave-recorded', actor: enrolledBy, reason, data }];
      },
    });
  }
  for (const s of prior.signOffs ?? []) {
    dated.push({
      on: s.signedOn,
      order: 1,
      draft: () => [{ type: 'milestone-signed-off', actor: { id: s.signedOffBy, role: 'supervisor' }, reason, data: { milestoneId: s.milestoneId, signedOn: s.signedOn } }],
    });
  }
  const ratings = [...(prior.serviceRatings ?? [])].sort((a, b) => (a.ratedOn < b.ratedOn ? -1 : a.ratedOn > b.ratedOn ? 1 : 0));
  ratings.forEach((r, i) => {
    dated.push({
      on: r.ratedOn,
      order: 2,
      draft: () => {
        const rated: EventDraft = { type: 'service-rated', actor: { id: r.ratedBy, role: 'supervisor' }, reason, data: { rating: r.rating, ratedOn: r.ratedOn } };
        // The latest rating, if unsatisfactory, is still for HR to decide on (decision 7).
        if (i < ratings.length - 1 || r.rating === 'satisfactory' || rulesEditionOf(policy) < 2) return [rated];
        const escalatesOn = addWorkingDays(r.ratedOn, policy.hrDecisionEscalateAfterWorkingDays ?? 10);
        return [rated, { type: 'hr-decision-requested', actor: SYSTEM_ACTOR, data: { ratedOn: r.ratedOn, on: r.ratedOn, escalatesOn } }];
      },
    });
  });
  dated.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : a.order - b.order));
  const leaves: Leave[] = [];
  return dated.flatMap((d) => d.draft(leaves));
}

// --- decide ----------------------------------------------------------------------------------

export interface Clock {
  /** Today's civil date in America/New_York. */
  today: CivilDate;
}

/**
 * Decides a command, folds its events in, then applies every time-driven rule whose date has come,
 * so that a sign-off that completes a program past its first anniversary reclassifies at once.
 */
export function execute(
  state: ProgramState,
  command: ProgramCommand,
  actor: Actor,
  clock: Clock,
): { ok: true; events: EventDraft[]; state: ProgramState } | { ok: false; violations: RuleViolation[] } {
  const decision = decide(command, state, actor, clock);
  if (!decision.ok) return decision;
  const afterCommand = applyDrafts(state, decision.events);
  const timed = command.type === 'advance-clock' ? [] : advance(afterCommand, clock.today);
  return { ok: true, events: [...decision.events, ...timed], state: applyDrafts(afterCommand, timed) };
}

export function decide(command: ProgramCommand, state: ProgramState, actor: Actor, clock: Clock): Decision {
  if (command.type === 'advance-clock') return accept(advance(state, clock.today));
  if (isTerminal(state.status)) {
    return reject(violation('program-closed', 'programId', `The program is ${state.status}; it accepts no further changes.`));
  }
  const scheduledEnd = [state.scheduledWithdrawal?.effectiveOn, state.scheduledRemoval?.effectiveOn].find((d) => d !== undefined && d <= clock.today);
  if (scheduledEnd !== undefined) {
    // The program ended at the start of that day, though the clock has not yet recorded it: nothing more counts.
    return reject(violation('program-closed', 'programId', `The program ended on ${scheduledEnd}; it accepts no further changes.`));
  }
  switch (command.type) {
    case 'sign-off-milestone':
      return decideSignOff(command, state, actor, clock);
    case 'amend-schedule':
      return decideAmendment(command, state, actor, clock);
    case 'rate-service':
      return decideRating(command, state, actor, clock);
    case 'record-leave':
      return decideLeave(command, state, actor);
    case 'withdraw':
      return decideWithdrawal(command, state, actor, clock);
    case 'cancel-withdrawal':
      return decideWithdrawalCancellation(command, state, actor, clock);
    case 'confirm-qualification':
      return decideQualificationConfirmation(command, state, actor, clock);
    case 'confirm-removal':
      return decideRemoval(command, state, actor, clock);
    case 'record-remediation':
      return decideRemediation(command, state, actor, clock);
    case 'transfer':
      return decideTransfer(command, state, actor, clock);
    case 'retract-sign-off':
      return decideRetraction(command, state, actor);
    case 'cancel-leave':
      return decideLeaveCancellation(command, state, actor);
    case 'submit-progress-report':
      return decideProgressReport(command, state, actor, clock);
    case 'review-progress-report':
      return decideReview(command, state, actor, clock);
  }
}

function checkServiceDate(date: CivilDate, field: string, state: ProgramState, clock: Clock): RuleViolation[] {
  if (date < state.appointmentDate) {
    return [violation('date-before-appointment', field, `${date} is before the appointment date ${state.appointmentDate}.`)];
  }
  if (date > clock.today) return [violation('date-in-future', field, `${date} is after today (${clock.today}).`)];
  return [];
}

/** Supervisors and program managers act only on the programs assigned to them. */
function checkAssigned(state: ProgramState, actor: Actor): RuleViolation[] {
  const { supervisorId, programManagerId } = state.enrollment;
  if (actor.id === supervisorId || actor.id === programManagerId) return [];
  return [violation('not-assigned-to-program', 'actor', 'Only the program\'s supervisor or program manager may do this.')];
}

function decideSignOff(command: SignOffMilestone, state: ProgramState, actor: Actor, clock: Clock): Decision {
  const milestone = state.milestones.find((m) => m.id === command.milestoneId);
  if (!milestone) {
    return reject(violation('unknown-milestone', 'milestoneId', `The schedule has no milestone "${command.milestoneId}".`));
  }
  const problems = [...checkAssigned(state, actor), ...checkServiceDate(command.signedOn, 'signedOn', state, clock)];
  if (problems.length > 0) return reject(...problems);
  if (milestone.status === 'signed-off') return accept([]); // the same sign-off again changes nothing
  const data: EventPayloads['milestone-signed-off'] = { milestoneId: milestone.id, signedOn: command.signedOn };
  if (command.comments !== undefined) data.comments = command.comments;
  return accept([{ type: 'milestone-signed-off', actor, data }]);
}

function decideRating(command: RateService, state: ProgramState, actor: Actor, clock: Clock): Decision {
  const problems = [...checkAssigned(state, actor), ...checkServiceDate(command.ratedOn, 'ratedOn', state, clock)];
  if (problems.length > 0) return reject(...problems);
  const current = state.serviceRating;
  if (current && current.rating === command.rating && current.ratedOn === command.ratedOn && current.ratedBy === actor.id) {
    return accept([]); // a repeated submission of the same rating
  }
  const data: EventPayloads['service-rated'] = { rating: command.rating, ratedOn: command.ratedOn };
  if (command.comments !== undefined) data.comments = command.comments;
  const rated: EventDraft = { type: 'service-rated', actor, data };
  if (rulesEditionOf(state.policy) >= 2) {
    // Decision 7: the rating HR is deciding on stands until HR decides; nothing ends on its own.
    if (state.hrDecision) {
      return reject(violation('hr-decision-pending', 'rating', `HR has yet to decide on the unsatisfactory rating of ${state.hrDecision.ratedOn}.`));
    }
    if (command.rating === 'satisfactory') return accept([rated]);
    const escalatesOn = addWorkingDays(clock.today, state.policy.hrDecisionEscalateAfterWorkingDays ?? 10);
    return accept([rated, { type: 'hr-decision-requested', actor: SYSTEM_ACTOR, data: { ratedOn: command.ratedOn, on: clock.today, escalatesOn } }]);
  }
  if (command.rating === 'unsatisfactory') {
    // Removal after fair trial (C.G.S. 5-230) ends the program; HR may instead record remediation
    // and a DAS-approved amendment before rating.
    return accept([rated, { type: 'program-ended', actor, data: { on: clock.today, reason: 'unsatisfactory-service' } }]);
  }
  return accept([rated]);
}

function decideAmendment(command: AmendSchedule, state: ProgramState, actor: Actor, clock: Clock): Decision {
  const plannedEndDate = command.plannedEndDate ?? state.schedule.plannedEndDate;
  const milestones = command.milestones ?? state.milestones.map(({ id, title, dueDate }) => ({ id, title, dueDate }));
  const problems: RuleViolation[] = [];
  if (command.approvedOn > clock.today) {
    // Decision 3: DAS approves an amendment before it is used.
    problems.push(violation('schedule-approved-in-future', 'approvedOn', `The amendment's DAS approval is dated ${command.approvedOn}, after today (${clock.today}).`));
  }
  if (command.approvedOn < state.schedule.approvedOn) {
    problems.push(
      violation(
        'amendment-approved-before-current-schedule',
        'approvedOn',
        `The amendment is dated ${command.approvedOn}, before the schedule it amends (approved ${state.schedule.approvedOn}).`,
      ),
    );
  }
  problems.push(...checkProgramLength(state.appointmentDate, plannedEndDate, 'plannedEndDate'));
  problems.push(...checkMilestones(state.appointmentDate, plannedEndDate, milestones, 'milestones'));
  for (const signed of state.milestones.filter((m) => m.status === 'signed-off')) {
    if (!milestones.some((m) => m.id === signed.id)) {
      problems.push(
        violation('signed-off-milestone-removed', 'milestones', `Milestone "${signed.id}" is signed off and cannot be removed.`),
      );
    }
  }
  if (state.schedule.approvalRefs.includes(command.dasApprovalRef)) {
    const unchanged =
      plannedEndDate === state.schedule.plannedEndDate &&
      JSON.stringify(milestones) === JSON.stringify(state.milestones.map(({ id, title, dueDate }) => ({ id, title, dueDate })));
    if (unchanged && command.dasApprovalRef === state.schedule.dasApprovalRef) return accept([]); // a retried amendment
    problems.push(
      violation('das-approval-ref-reused', 'dasApprovalRef', `DAS approval ${command.dasApprovalRef} was already applied to this program.`),
    );
  }
  if (command.plannedEndDate === undefined && command.milestones === undefined) {
    problems.push(violation('amendment-changes-nothing', 'plannedEndDate', 'An amendment must change the planned end date or the milestones.'));
  }
  if (problems.length > 0) return reject(...problems);
  const amended: EventDraft = {
    type: 'schedule-amended',
    actor,
    data: {
      dasApprovalRef: command.dasApprovalRef,
      approvedOn: command.approvedOn,
      plannedEndDate,
      milestones,
      previousPlannedEndDate: state.schedule.plannedEndDate,
    },
  };
  if (command.reason !== undefined) amended.reason = command.reason;
  return accept([amended]);
}

function decideLeave(command: RecordLeave, state: ProgramState, actor: Actor): Decision {
  const leave: Leave = { from: command.from, to: command.to, kind: command.kind };
  if (leave.from > leave.to) return reject(violation('leave-dates-reversed', 'to', `The leave ends (${leave.to}) before it starts (${leave.from}).`));
  if (leave.from < state.appointmentDate || leave.to > state.latestCompletionDate) {
    return reject(
      violation(
        'leave-outside-program',
        leave.from < state.appointmentDate ? 'from' : 'to',
        `Leave must fall within the program (${state.appointmentDate} to ${state.latestCompletionDate}).`,
      ),
    );
  }
  const same = state.leaves.find((l) => l.from === leave.from && l.to === leave.to && l.kind === leave.kind);
  if (same) return accept([]); // recorded already
  const overlapping = state.leaves.find((l) => l.from <= leave.to && leave.from <= l.to);
  if (overlapping) {
    return reject(violation('leave-overlaps', 'from', `The leave overlaps leave already recorded (${overlapping.from} to ${overlapping.to}).`));
  }
  const leaves = [...state.leaves, leave];
  const earliest = earliestReclassificationDate(state.appointmentDate, leaves, state.policy);
  return accept([
    {
      type: 'leave-recorded',
      actor,
      data: {
        ...leave,
        workingDays: leaveWorkingDays(leave, state.policy),
        // Edition 2 merges one absence's records, so the move is the change this record makes.
        extendsMinimumByDays:
          rulesEditionOf(state.policy) >= 2 ? daysBetween(state.earliestReclassificationDate, earliest) : minimumPeriodExtensionDays(leave, state.policy),
        earliestReclassificationDate: earliest,
      },
    },
  ]);
}

function decideWithdrawal(command: Withdraw, state: ProgramState, actor: Actor, clock: Clock): Decision {
  if (command.effectiveOn < state.appointmentDate || command.effectiveOn > state.latestCompletionDate) {
    return reject(
      violation(
        'withdrawal-outside-program',
        'effectiveOn',
        `The withdrawal must take effect within the program (${state.appointmentDate} to ${state.latestCompletionDate}).`,
      ),
    );
  }
  const withdrawn: EventDraft = { type: 'withdrawn', actor, data: { effectiveOn: command.effectiveOn, reason: command.reason } };
  if (rulesEditionOf(state.policy) >= 2 && command.effectiveOn > clock.today) {
    // Decision 6: dated ahead, it is scheduled; the program runs until the start of that day.
    const scheduled = state.scheduledWithdrawal;
    if (scheduled) {
      if (scheduled.effectiveOn === command.effectiveOn && scheduled.reason === command.reason) return accept([]);
      return reject(
        violation('withdrawal-already-scheduled', 'effectiveOn', `A withdrawal is already scheduled for ${scheduled.effectiveOn}; cancel it first.`),
      );
    }
    return accept([withdrawn]);
  }
  return accept([withdrawn, { type: 'program-ended', actor, data: { on: command.effectiveOn, reason: 'withdrawn' } }]);
}

/** HR calls off a withdrawal scheduled ahead, before its date: a correction pointing at it. */
function decideWithdrawalCancellation(command: CancelWithdrawal, state: ProgramState, actor: Actor, clock: Clock): Decision {
  const scheduled = state.scheduledWithdrawal;
  if (!scheduled || scheduled.effectiveOn <= clock.today) {
    if (state.eventIds?.['withdrawal-cancelled'] && !scheduled) return accept([]); // cancelled already: the same request again
    return reject(violation('no-scheduled-withdrawal', 'effectiveOn', 'No withdrawal dated ahead is scheduled for this program.'));
  }
  return accept([
    {
      type: 'withdrawal-cancelled',
      actor,
      reason: command.reason,
      data: { effectiveOn: scheduled.effectiveOn, corrects: state.eventIds?.['withdrawn'] ?? null },
    },
  ]);
}

/**
 * Decision 8: a class whose minimum qualifications the catalogue does not state is never
 * reclassified automatically; HR confirms the trainee meets it, with a reason.
 */
function decideQualificationConfirmation(command: ConfirmQualification, state: ProgramState, actor: Actor, clock: Clock): Decision {
  if (state.targetClass.minimumQualifications !== null) {
    return reject(
      violation(
        'qualification-confirmation-not-needed',
        'targetClassCode',
        `The catalogue states the minimum qualifications of ${state.targetClass.code}; the engine assesses them itself.`,
      ),
    );
  }
  if (state.qualificationConfirmed) return accept([]); // confirmed already
  return accept([{ type: 'qualification-confirmed', actor, reason: command.reason, data: { targetClassCode: state.targetClass.code, on: clock.today } }]);
}

// --- HR's decision after an unsatisfactory rating (decision 7) --------------------------------

/**
 * HR confirms removal (C.G.S. 5-230: removal after fair trial), effective on a date from the rating
 * to the latest completion date: at once if that day has come, otherwise at the start of that day.
 */
function decideRemoval(command: ConfirmRemoval, state: ProgramState, actor: Actor, clock: Clock): Decision {
  const pending = state.hrDecision;
  if (!pending) {
    if (state.scheduledRemoval?.effectiveOn === command.effectiveOn) return accept([]); // the same confirmation again
    return reject(violation('hr-decision-not-pending', 'effectiveOn', 'No unsatisfactory rating is waiting for HR\'s decision on this program.'));
  }
  if (command.effectiveOn < pending.ratedOn || command.effectiveOn > state.latestCompletionDate) {
    return reject(
      violation(
        'removal-date-outside-program',
        'effectiveOn',
        `The removal must take effect from the rating (${pending.ratedOn}) to the latest completion date (${state.latestCompletionDate}).`,
      ),
    );
  }
  const confirmed: EventDraft = { type: 'removal-confirmed', actor, reason: command.reason, data: { ratedOn: pending.ratedOn, effectiveOn: command.effectiveOn } };
  if (command.effectiveOn > clock.today) return accept([confirmed]);
  return accept([confirmed, { type: 'program-ended', actor, data: { on: command.effectiveOn, reason: 'unsatisfactory-service' } }]);
}

/**
 * HR records remediation together with the DAS-approved amendment it rests on: the program goes on
 * under the amended schedule and needs a new satisfactory rating.
 */
function decideRemediation(command: RecordRemediation, state: ProgramState, actor: Actor, clock: Clock): Decision {
  const pending = state.hrDecision;
  if (!pending) {
    if (state.eventIds?.['remediation-recorded'] && state.schedule.dasApprovalRef === command.dasApprovalRef) return accept([]); // recorded already
    return reject(violation('hr-decision-not-pending', 'plan', 'No unsatisfactory rating is waiting for HR\'s decision on this program.'));
  }
  if (command.plannedEndDate === undefined && command.milestones === undefined) {
    return reject(
      violation('remediation-amendment-missing', 'milestones', 'Remediation comes with a DAS-approved amendment: give the new milestones or planned end date.'),
    );
  }
  const amend: AmendSchedule = { type: 'amend-schedule', dasApprovalRef: command.dasApprovalRef, approvedOn: command.approvedOn, reason: 'remediation' };
  if (command.plannedEndDate !== undefined) amend.plannedEndDate = command.plannedEndDate;
  if (command.milestones !== undefined) amend.milestones = command.milestones;
  const amendment = decideAmendment(amend, state, actor, clock);
  if (!amendment.ok) return amendment;
  if (amendment.events.length === 0) {
    return reject(violation('das-approval-ref-reused', 'dasApprovalRef', `DAS approval ${command.dasApprovalRef} was already applied to this program.`));
  }
  return accept([
    { type: 'remediation-recorded', actor, data: { ratedOn: pending.ratedOn, plan: command.plan, dasApprovalRef: command.dasApprovalRef, on: clock.today } },
    ...amendment.events,
  ]);
}

/**
 * While HR has not decided: a reminder to HR every `repeatEveryDays` days (the milestone reminders'
 * rhythm), and escalation to DAS once the policy's working days have passed, like an overdue milestone.
 */
function hrDecisionReminders(state: ProgramState, today: CivilDate): EventDraft[] {
  const pending = state.hrDecision;
  if (!pending) return [];
  const events: EventDraft[] = [];
  const escalated = pending.escalatedOn !== null || today >= pending.escalatesOn;
  if (pending.escalatedOn === null && today >= pending.escalatesOn) {
    events.push({ type: 'hr-decision-escalated', actor: SYSTEM_ACTOR, data: { ratedOn: pending.ratedOn, on: today, daysWaiting: daysBetween(pending.requestedOn, today) } });
  } else if (today >= nextHrReminderDate(state, pending)) {
    events.push({
      type: 'hr-decision-reminder-issued',
      actor: SYSTEM_ACTOR,
      data: { ratedOn: pending.ratedOn, on: today, daysWaiting: daysBetween(pending.requestedOn, today), escalated },
    });
  }
  return events;
}

/** A week (the reminders' rhythm) after the last word to HR: the request, a reminder or the escalation. */
const nextHrReminderDate = (state: ProgramState, pending: HrDecisionState): CivilDate => {
  const lastWord = [pending.requestedOn, pending.lastReminderOn, pending.escalatedOn].reduce<CivilDate>((a, b) => (b !== null && b > a ? b : a), pending.requestedOn);
  return addDays(lastWord, state.policy.milestoneReminders?.repeatEveryDays ?? 7);
};

export const assignmentOf = ({ enrollment }: ProgramState): Assignment => ({
  agency: enrollment.agency,
  supervisorId: enrollment.supervisorId,
  programManagerId: enrollment.programManagerId,
});

/**
 * A transfer between agencies, or a new supervisor or program manager. The three-year clock runs on
 * (C.G.S. 5-234 counts service in the trainee class, which a transfer does not leave; DOMAIN.md's
 * open question), and so does the DAS-approved schedule: a new schedule is an amendment by DAS.
 */
function decideTransfer(command: Transfer, state: ProgramState, actor: Actor, clock: Clock): Decision {
  const from = assignmentOf(state);
  const to: Assignment = {
    agency: command.agency ?? from.agency,
    supervisorId: command.supervisorId ?? from.supervisorId,
    programManagerId: command.programManagerId ?? from.programManagerId,
  };
  const problems = checkServiceDate(command.effectiveOn, 'effectiveOn', state, clock);
  problems.push(...checkNotTrainee(state.enrollment.trainee.employeeId, to).slice(0, 1));
  const last = state.transfers?.at(-1);
  if (last && command.effectiveOn < last.effectiveOn) {
    problems.push(violation('transfer-before-last-transfer', 'effectiveOn', `${command.effectiveOn} is before the last transfer, effective ${last.effectiveOn}.`));
  }
  if (problems.length > 0) return reject(...problems);
  if (to.agency === from.agency && to.supervisorId === from.supervisorId && to.programManagerId === from.programManagerId) {
    return accept([]); // already so: the same transfer again changes nothing
  }
  const transferred: EventDraft = { type: 'transferred', actor, data: { effectiveOn: command.effectiveOn, from, to } };
  if (command.reason !== undefined) transferred.reason = command.reason;
  return accept([transferred]);
}

// --- Progress reports ---------------------------------------------------------------------------

/** One report per period: the same report again adds nothing; a different one for a reported period is refused. */
function decideProgressReport(command: SubmitProgressReport, state: ProgramState, actor: Actor, clock: Clock): Decision {
  if (actor.id !== state.enrollment.trainee.employeeId) {
    return reject(violation('not-the-trainee', 'actor', 'Only the trainee of the program submits its progress reports.'));
  }
  const problems = checkServiceDate(command.periodEnding, 'periodEnding', state, clock);
  if (problems.length > 0) return reject(...problems);
  const existing = state.progressReports?.find((r) => r.periodEnding === command.periodEnding);
  if (existing) {
    if (existing.summary === command.summary) return accept([]);
    return reject(violation('progress-report-exists', 'periodEnding', `A report for the period ending ${command.periodEnding} was submitted on ${existing.submittedOn}.`));
  }
  return accept([{ type: 'progress-report-submitted', actor, data: { periodEnding: command.periodEnding, submittedOn: clock.today, summary: command.summary } }]);
}

function decideReview(command: ReviewProgressReport, state: ProgramState, actor: Actor, clock: Clock): Decision {
  const report = state.progressReports?.find((r) => r.periodEnding === command.periodEnding);
  if (!report) return reject(violation('unknown-progress-report', 'periodEnding', `No progress report for the period ending ${command.periodEnding} has been submitted.`));
  const problems = checkAssigned(state, actor);
  if (command.reviewedOn < report.submittedOn) {
    problems.push(violation('review-before-report', 'reviewedOn', `The report was submitted on ${report.submittedOn}; it cannot be reviewed before.`));
  } else if (command.reviewedOn > clock.today) {
    problems.push(violation('date-in-future', 'reviewedOn', `${command.reviewedOn} is after today (${clock.today}).`));
  }
  if (problems.length > 0) return reject(...problems);
  if (report.reviewedOn !== undefined) return accept([]); // reviewed already
  const data: EventPayloads['progress-report-reviewed'] = { periodEnding: report.periodEnding, reviewedOn: command.reviewedOn, reportedBy: report.submittedBy };
  if (command.comments !== undefined) data.comments = command.comments;
  return accept([{ type: 'progress-report-reviewed', actor, data }]);
}

// --- Corrections ------------------------------------------------------------------------------
// Nothing recorded is ever changed: a correction is a new event that points at the one it corrects.

const leaveKey = (from: CivilDate, to: CivilDate): string => `${from}:${to}`;

/**
 * A sign-off recorded in error is retracted by HR or by the program's own supervisor or program
 * manager; the milestone is open again (and overdue again at once if its due date has passed).
 */
function decideRetraction(command: RetractSignOff, state: ProgramState, actor: Actor): Decision {
  const milestone = state.milestones.find((m) => m.id === command.milestoneId);
  if (!milestone) return reject(violation('unknown-milestone', 'milestoneId', `The schedule has no milestone "${command.milestoneId}".`));
  if (actor.role !== 'hr') {
    const problems = checkAssigned(state, actor);
    if (problems.length > 0) return reject(...problems);
  }
  if (milestone.status !== 'signed-off') {
    if (state.eventIds?.[`retracted:${milestone.id}`]) return accept([]); // retracted already: the same request again
    return reject(violation('milestone-not-signed-off', 'milestoneId', `Milestone ${milestone.id} is not signed off, so there is no sign-off to retract.`));
  }
  return accept([
    {
      type: 'sign-off-retracted',
      actor,
      reason: command.reason,
      data: {
        milestoneId: milestone.id,
        corrects: state.eventIds?.[`sign-off:${milestone.id}`] ?? null,
        signedOffBy: milestone.signedOffBy ?? null,
        signedOn: milestone.signedOffOn ?? null,
      },
    },
  ]);
}

/** Leave recorded in error is cancelled by HR; the first anniversary is reckoned again without it. */
function decideLeaveCancellation(command: CancelLeave, state: ProgramState, actor: Actor): Decision {
  const key = leaveKey(command.from, command.to);
  const leave = state.leaves.find((l) => l.from === command.from && l.to === command.to);
  if (!leave) {
    if (state.eventIds?.[`cancelled:${key}`]) return accept([]); // cancelled already: the same request again
    return reject(violation('unknown-leave', 'from', `No leave from ${command.from} to ${command.to} is recorded for this program.`));
  }
  const leaves = state.leaves.filter((l) => l !== leave);
  return accept([
    {
      type: 'leave-cancelled',
      actor,
      reason: command.reason,
      data: {
        ...leave,
        corrects: state.eventIds?.[`leave:${key}`] ?? null,
        earliestReclassificationDate: earliestReclassificationDate(state.appointmentDate, leaves, state.policy),
      },
    },
  ]);
}

// --- Time-driven rules ----------------------------------------------------------------------

/**
 * Whether the projection lets the program reclassify: under rules edition 2 only a qualification
 * met, or confirmed by HR where the catalogue states none; before, anything not known to fall short.
 */
export function qualifiesForReclassification(state: ProgramState, qualification: QualificationProjection): boolean {
  if (rulesEditionOf(state.policy) < 2) return qualification.meetsTargetClass !== false;
  return qualification.meetsTargetClass === true || (qualification.meetsTargetClass === null && !!state.qualificationConfirmed);
}

export function allRequirementsMet(state: ProgramState): boolean {
  return state.milestones.every((m) => m.status === 'signed-off') && state.serviceRating?.rating === 'satisfactory';
}

export function qualificationOn(state: ProgramState, date: CivilDate): QualificationProjection {
  return projectQualification(state.enrollment, state.targetClass, date, state.policy, state.leaves);
}

/**
 * Every rule whose date has come by `today`, in order. A migrated program gets all of its past
 * dates at once; a live program gets the one its timer woke it for.
 */
export function advance(state: ProgramState, today: CivilDate): EventDraft[] {
  if (isTerminal(state.status) || today < state.appointmentDate) return [];
  const actor = SYSTEM_ACTOR;
  const events: EventDraft[] = [];
  const withdrawal = state.scheduledWithdrawal;
  if (withdrawal && today >= withdrawal.effectiveOn) {
    // The program was active until then (decision 6): a clock that catches up late judges its last
    // day first, so a trainee who qualified before the withdrawal took effect was reclassified.
    const lastDay = minDate(addDays(withdrawal.effectiveOn, -1), state.latestCompletionDate);
    const reclassified = lastDay >= state.earliestReclassificationDate ? reclassificationOn(state, lastDay) : null;
    if (reclassified) {
      const reached: EventDraft[] = state.minimumPeriodReachedOn ? [] : [{ type: 'minimum-period-reached', actor, data: { on: lastDay } }];
      return [...reached, ...reclassified];
    }
    // A scheduled withdrawal ends the program at the start of its effective date.
    return [{ type: 'program-ended', actor: { id: 'system', role: 'system' }, data: { on: withdrawal.effectiveOn, reason: 'withdrawn' } }];
  }
  const removal = state.scheduledRemoval;
  if (removal && today >= removal.effectiveOn) {
    // A removal HR confirmed ahead ends the program at the start of its effective date (decision 7).
    return [{ type: 'program-ended', actor, data: { on: removal.effectiveOn, reason: 'unsatisfactory-service' } }];
  }
  for (const milestone of state.milestones) {
    if (milestone.status === 'pending' && today > milestone.dueDate) {
      events.push({ type: 'milestone-overdue', actor, data: { milestoneId: milestone.id, dueDate: milestone.dueDate, on: today } });
    }
  }
  if (!state.serviceRating && !state.serviceRatingOverdue && today > state.workingTestPeriodEndsOn) {
    events.push({ type: 'service-rating-overdue', actor, data: { workingTestPeriodEndsOn: state.workingTestPeriodEndsOn, on: today } });
  }
  if (!state.minimumPeriodReachedOn && today >= state.earliestReclassificationDate) {
    // Decision 10: the day it happened, even when the clock learns of it later (a migrated program).
    const on = rulesEditionOf(state.policy) >= 2 ? state.earliestReclassificationDate : today;
    events.push({ type: 'minimum-period-reached', actor, data: { on } });
  }
  // A clock that catches up late (a worker down over the cap, a migrated program) judges
  // eligibility no later than the last day the trainee class may be held.
  const asOf = minDate(today, state.latestCompletionDate);
  const reclassified = asOf >= state.earliestReclassificationDate ? reclassificationOn(state, asOf) : null;
  if (reclassified) return [...events, ...reclassified];
  const expiresOn = expiryDate(state);
  if (today >= expiresOn) {
    events.push({
      type: 'program-expired-at-maximum',
      actor,
      data: {
        // The cap is a date in law: a clock that catches up late still ends the program on it.
        on: expiresOn,
        latestCompletionDate: state.latestCompletionDate,
        openMilestones: state.milestones.filter((m) => m.status !== 'signed-off').map((m) => m.id),
      },
    });
    return events;
  }
  const dueWarning = dueCapWarning(state, today);
  if (dueWarning !== null) {
    events.push({
      type: 'cap-warning-issued',
      actor,
      data: {
        daysBefore: dueWarning,
        daysRemaining: daysBetween(today, state.latestCompletionDate),
        latestCompletionDate: state.latestCompletionDate,
        on: today,
      },
    });
  }
  const reminderPolicy = state.policy.milestoneReminders;
  if (reminderPolicy) events.push(...milestoneReminders(state, today, reminderPolicy));
  events.push(...hrDecisionReminders(state, today));
  return events;
}

/** The events that reclassify the program on `asOf`, when every requirement is met then; null otherwise. */
function reclassificationOn(state: ProgramState, asOf: CivilDate): EventDraft[] | null {
  if (!allRequirementsMet(state)) return null;
  const qualification = qualificationOn(state, asOf);
  if (!qualifiesForReclassification(state, qualification)) return null;
  const noticeId = reclassificationNoticeId(state.programId);
  return [
    { type: 'eligible-for-reclassification', actor: SYSTEM_ACTOR, data: { on: asOf, qualification } },
    {
      type: 'reclassification-notice-issued',
      actor: SYSTEM_ACTOR,
      data: { noticeId, effectiveOn: asOf, targetClassCode: state.targetClass.code, dasApprovalRef: state.schedule.dasApprovalRef },
    },
  ];
}

/**
 * The day the program expires at its start: the third anniversary, so the latest completion date
 * is served in full (decision 1); programs of rules edition 1 expire at the start of the latest
 * completion date itself.
 */
export const expiryDate = (state: ProgramState): CivilDate =>
  rulesEditionOf(state.policy) >= 2 ? addDays(state.latestCompletionDate, 1) : state.latestCompletionDate;

const remindedFor = (list: readonly MilestoneDueDate[], milestone: Milestone): boolean =>
  list.some((r) => r.milestoneId === milestone.id && r.dueDate === milestone.dueDate);

/**
 * The supervisor hears of a milestone before it is due and when it is overdue; the program manager
 * is brought in a policy number of days after the due date; and while anything stays overdue one
 * reminder (listing every overdue milestone) repeats weekly, so a supervisor gets one message a
 * week rather than one per milestone.
 */
function milestoneReminders(state: ProgramState, today: CivilDate, policy: MilestoneReminderPolicy): EventDraft[] {
  const actor = SYSTEM_ACTOR;
  const reminders = remindersOf(state);
  const events: EventDraft[] = [];
  const escalatedNow = new Set<string>();
  for (const milestone of state.milestones) {
    if (milestone.status === 'signed-off') continue;
    const { id: milestoneId, dueDate } = milestone;
    if (today <= dueDate) {
      if (today >= addDays(dueDate, -policy.dueSoonDaysBefore) && !remindedFor(reminders.dueSoon, milestone)) {
        events.push({ type: 'milestone-due-soon', actor, data: { milestoneId, dueDate, on: today, daysBefore: daysBetween(today, dueDate) } });
      }
    } else if (today >= addDays(dueDate, policy.escalateAfterDaysOverdue) && !remindedFor(reminders.escalated, milestone)) {
      escalatedNow.add(milestoneId);
      events.push({ type: 'milestone-escalated', actor, data: { milestoneId, dueDate, on: today, daysOverdue: daysBetween(dueDate, today) } });
    }
  }
  const overdue = reminders.overdue;
  if (overdue && today >= addDays(overdue.lastReminderOn ?? overdue.since, policy.repeatEveryDays)) {
    const open = state.milestones.filter((m) => m.status !== 'signed-off' && today > m.dueDate);
    if (open.length > 0) {
      events.push({
        type: 'overdue-reminder-issued',
        actor,
        data: {
          on: today,
          milestones: open.map((m) => ({
            milestoneId: m.id,
            dueDate: m.dueDate,
            daysOverdue: daysBetween(m.dueDate, today),
            escalated: escalatedNow.has(m.id) || remindedFor(reminders.escalated, m),
          })),
        },
      });
    }
  }
  return events;
}


/** The most urgent cap warning whose window has opened and that has not been issued. */
function dueCapWarning(state: ProgramState, today: CivilDate): number | null {
  const thresholds = [...state.policy.capWarningDays].sort((a, b) => a - b); // most urgent first
  for (const days of thresholds) {
    if (state.lastCapWarningDays !== null && days >= state.lastCapWarningDays) return null;
    if (today >= addDays(state.latestCompletionDate, -days)) return days;
  }
  return null;
}

/** The next date after `today` on which `advance` may have something to do; null once closed. */
export function nextCheckDate(state: ProgramState, today: CivilDate): CivilDate | null {
  if (isTerminal(state.status)) return null;
  const candidates: CivilDate[] = [state.appointmentDate, expiryDate(state)];
  if (state.scheduledWithdrawal) candidates.push(state.scheduledWithdrawal.effectiveOn);
  if (state.scheduledRemoval) candidates.push(state.scheduledRemoval.effectiveOn);
  if (state.hrDecision) {
    candidates.push(nextHrReminderDate(state, state.hrDecision));
    if (state.hrDecision.escalatedOn === null) candidates.push(state.hrDecision.escalatesOn);
  }
  for (const m of state.milestones) if (m.status === 'pending') candidates.push(addDays(m.dueDate, 1));
  if (!state.serviceRating && !state.serviceRatingOverdue) candidates.push(addDays(state.workingTestPeriodEndsOn, 1));
  if (!state.minimumPeriodReachedOn) candidates.push(state.earliestReclassificationDate);
  if (allRequirementsMet(state)) {
    const qualifiesOn = qualificationOn(state, state.latestCompletionDate).qualifiesOn;
    if (qualifiesOn) candidates.push(qualifiesOn);
  }
  for (const days of state.policy.capWarningDays) {
    if (state.lastCapWarningDays === null || days < state.lastCapWarningDays) candidates.push(addDays(state.latestCompletionDate, -days));
  }
  const reminderPolicy = state.policy.milestoneReminders;
  if (reminderPolicy) candidates.push(...reminderDates(state, reminderPolicy));
  const future = candidates.filter((d) => d > today);
  return future.length > 0 ? future.reduce((a, b) => (a < b ? a : b)) : null;
}

/** The dates on which `milestoneReminders` may next have something to say. */
function reminderDates(state: ProgramState, policy: MilestoneReminderPolicy): CivilDate[] {
  const reminders = remindersOf(state);
  const dates: CivilDate[] = [];
  for (const milestone of state.milestones) {
    if (milestone.status === 'signed-off') continue;
    if (!remindedFor(reminders.dueSoon, milestone)) dates.push(addDays(milestone.dueDate, -policy.dueSoonDaysBefore));
    if (!remindedFor(reminders.escalated, milestone)) dates.push(addDays(milestone.dueDate, policy.escalateAfterDaysOverdue));
  }
  if (reminders.overdue) dates.push(addDays(reminders.overdue.lastReminderOn ?? reminders.overdue.since, policy.repeatEveryDays));
  return dates;
}

export const reclassificationNoticeId = (programId: string): string => `${programId}/reclassification`;

// --- evolve ----------------------------------------------------------------------------------

/** The state a program's first event creates. */
function initialState(programId: string, event: EventOf<'enrolled'> | (EventDraft & { type: 'enrolled' })): ProgramState {
  const { enrollment, targetClass, policy } = event.data;
  return {
    programId,
    version: 0,
    status: 'active',
    enrollment,
    targetClass,
    policy,
    schedule: { dasApprovalRef: '', approvedOn: enrollment.schedule.approvedOn, plannedEndDate: enrollment.schedule.plannedEndDate, approvalRefs: [] },
    milestones: [],
    appointmentDate: enrollment.appointmentDate,
    earliestReclassificationDate: event.data.earliestReclassificationDate,
    latestCompletionDate: event.data.latestCompletionDate,
    workingTestPeriodEndsOn: event.data.workingTestPeriodEndsOn,
    leaves: [],
    serviceRating: null,
    serviceRatingOverdue: false,
    minimumPeriodReachedOn: null,
    lastCapWarningDays: null,
    reclassification: null,
    ended: null,
    reminders: NO_REMINDERS,
  };
}

function withStatus(state: ProgramState): ProgramState {
  if (isTerminal(state.status)) return state;
  const status: ProgramStatus = allRequirementsMet(state) && !state.minimumPeriodReachedOn ? 'awaiting-minimum' : 'active';
  return status === state.status ? state : { ...state, status };
}

/** An overdue spell ends when nothing is overdue any more; the weekly reminders start again with the next. */
function withOverdueSpell(state: ProgramState): ProgramState {
  const reminders = state.reminders;
  if (!reminders?.overdue || state.milestones.some((m) => m.status === 'overdue')) return state;
  return { ...state, reminders: { ...reminders, overdue: null } };
}

const upsertDueDate = (list: readonly MilestoneDueDate[], entry: MilestoneDueDate): MilestoneDueDate[] => [
  ...list.filter((r) => r.milestoneId !== entry.milestoneId),
  entry,
];

function setMilestones(state: ProgramState, milestones: readonly Milestone[]): MilestoneState[] {
  return milestones.map((m) => {
    const existing = state.milestones.find((e) => e.id === m.id);
    if (existing?.status === 'signed-off') return { ...existing, title: m.title, dueDate: m.dueDate };
    // An amended due date starts the overdue clock again; `advance` marks it overdue if it still is.
    return { ...m, status: existing?.status === 'overdue' && existing.dueDate === m.dueDate ? 'overdue' : 'pending' };
  });
}

/** Folds one event into the state. Pure; never rejects (events are facts). */
export function evolve(state: ProgramState | null, event: EventDraft & { version?: number; programId?: string; id?: string }): ProgramState {
  if (event.type === 'enrolled') {
    const opened = initialState(event.programId ?? state?.programId ?? '', event);
    return event.version === undefined ? opened : { ...opened, version: event.version };
  }
  if (!state) throw new Error(`a program's first event must be "enrolled", not "${event.type}"`);
  const next = withEventId(withOverdueSpell(applyEvent(state, event)), event);
  return withStatus(event.version === undefined ? next : { ...next, version: event.version });
}

/** Keeps the id of an event a correction may point at (only stamped events have one). */
function withEventId(state: ProgramState, event: EventDraft & { id?: string }): ProgramState {
  if (event.id === undefined) return state;
  const key =
    event.type === 'milestone-signed-off'
      ? `sign-off:${event.data.milestoneId}`
      : event.type === 'leave-recorded'
        ? `leave:${leaveKey(event.data.from, event.data.to)}`
        : event.type === 'sign-off-retracted'
          ? `retracted:${event.data.milestoneId}`
          : event.type === 'leave-cancelled'
            ? `cancelled:${leaveKey(event.data.from, event.data.to)}`
            : event.type === 'withdrawn' || event.type === 'withdrawal-cancelled' || event.type === 'remediation-recorded'
              ? event.type
              : null;
  return key === null ? state : { ...state, eventIds: { ...state.eventIds, [key]: event.id } };
}

function applyEvent(state: ProgramState, event: EventDraft): ProgramState {
  switch (event.type) {
    case 'enrolled':
      return state;
    case 'schedule-approved':
    case 'schedule-amended':
      return {
        ...state,
        schedule: {
          dasApprovalRef: event.data.dasApprovalRef,
          approvedOn: event.data.approvedOn,
          plannedEndDate: event.data.plannedEndDate,
          approvalRefs: [...state.schedule.approvalRefs, event.data.dasApprovalRef],
        },
        milestones: setMilestones(state, event.data.milestones),
      };
    case 'qualification-shortfall-projected':
      return state;
    case 'milestone-signed-off':
      return {
        ...state,
        milestones: state.milestones.map((m) =>
          m.id === event.data.milestoneId ? { ...m, status: 'signed-off', signedOffBy: event.actor.id, signedOffOn: event.data.signedOn } : m,
        ),
      };
    case 'milestone-overdue': {
      const reminders = remindersOf(state);
      return {
        ...state,
        milestones: state.milestones.map((m) => (m.id === event.data.milestoneId && m.status === 'pending' ? { ...m, status: 'overdue' } : m)),
        reminders: reminders.overdue ? reminders : { ...reminders, overdue: { since: event.data.on, lastReminderOn: null } },
      };
    }
    case 'milestone-due-soon': {
      const reminders = remindersOf(state);
      const { milestoneId, dueDate } = event.data;
      return { ...state, reminders: { ...reminders, dueSoon: upsertDueDate(reminders.dueSoon, { milestoneId, dueDate }) } };
    }
    case 'milestone-escalated': {
      const reminders = remindersOf(state);
      const { milestoneId, dueDate } = event.data;
      return { ...state, reminders: { ...reminders, escalated: upsertDueDate(reminders.escalated, { milestoneId, dueDate }) } };
    }
    case 'overdue-reminder-issued': {
      const reminders = remindersOf(state);
      const since = reminders.overdue?.since ?? event.data.on;
      return { ...state, reminders: { ...reminders, overdue: { since, lastReminderOn: event.data.on } } };
    }
    case 'service-rated':
      return { ...state, serviceRating: { rating: event.data.rating, ratedOn: event.data.ratedOn, ratedBy: event.actor.id } };
    case 'service-rating-overdue':
      return { ...state, serviceRatingOverdue: true };
    case 'leave-recorded': {
      const { from, to, kind, earliestReclassificationDate: earliest } = event.data;
      // Leave recorded after the fact can move the minimum back past a date already reached.
      const stillReached = state.minimumPeriodReachedOn !== null && state.minimumPeriodReachedOn >= earliest;
      return {
        ...state,
        leaves: [...state.leaves, { from, to, kind }],
        earliestReclassificationDate: earliest,
        minimumPeriodReachedOn: stillReached ? state.minimumPeriodReachedOn : null,
      };
    }
    case 'withdrawn':
      // Edition 2: a withdrawal not ended by the same decision is scheduled (a later program-ended clears it).
      return rulesEditionOf(state.policy) >= 2
        ? { ...state, scheduledWithdrawal: { effectiveOn: event.data.effectiveOn, reason: event.data.reason } }
        : state;
    case 'withdrawal-cancelled':
      return { ...state, scheduledWithdrawal: null };
    case 'qualification-confirmed':
      return { ...state, qualificationConfirmed: { by: event.actor.id, on: event.data.on, reason: event.reason ?? '' } };
    case 'hr-decision-requested': {
      const { ratedOn, on, escalatesOn } = event.data;
      return { ...state, hrDecision: { ratedOn, requestedOn: on, escalatesOn, escalatedOn: null, lastReminderOn: null } };
    }
    case 'hr-decision-reminder-issued':
      return state.hrDecision ? { ...state, hrDecision: { ...state.hrDecision, lastReminderOn: event.data.on } } : state;
    case 'hr-decision-escalated':
      return state.hrDecision ? { ...state, hrDecision: { ...state.hrDecision, escalatedOn: event.data.on } } : state;
    case 'removal-confirmed':
      // A later program-ended closes the program; until then a removal dated ahead is scheduled.
      return { ...state, hrDecision: null, scheduledRemoval: { effectiveOn: event.data.effectiveOn } };
    case 'remediation-recorded':
      return { ...state, hrDecision: null };
    case 'progress-report-submitted': {
      const { periodEnding, submittedOn, summary } = event.data;
      const reports = [...(state.progressReports ?? []), { periodEnding, submittedOn, submittedBy: event.actor.id, summary }];
      return { ...state, progressReports: reports.sort((a, b) => (a.periodEnding < b.periodEnding ? -1 : 1)) };
    }
    case 'progress-report-reviewed': {
      const { periodEnding, reviewedOn, comments } = event.data;
      return {
        ...state,
        progressReports: (state.progressReports ?? []).map((r) =>
          r.periodEnding === periodEnding ? { ...r, reviewedOn, reviewedBy: event.actor.id, ...(comments !== undefined ? { reviewComments: comments } : {}) } : r,
        ),
      };
    }
    case 'sign-off-retracted':
      return {
        ...state,
        // Open again; `advance` marks it overdue at once if its due date has passed.
        milestones: state.milestones.map((m) => (m.id === event.data.milestoneId ? { id: m.id, title: m.title, dueDate: m.dueDate, status: 'pending' } : m)),
      };
    case 'leave-cancelled': {
      const { from, to, earliestReclassificationDate: earliest } = event.data;
      const stillReached = state.minimumPeriodReachedOn !== null && state.minimumPeriodReachedOn >= earliest;
      return {
        ...state,
        leaves: state.leaves.filter((l) => !(l.from === from && l.to === to)),
        earliestReclassificationDate: earliest,
        minimumPeriodReachedOn: stillReached ? state.minimumPeriodReachedOn : null,
      };
    }
    case 'transferred':
      return {
        ...state,
        enrollment: { ...state.enrollment, ...event.data.to },
        transfers: [...(state.transfers ?? []), { effectiveOn: event.data.effectiveOn, ...event.data.to }],
      };
    case 'minimum-period-reached':
      return { ...state, minimumPeriodReachedOn: event.data.on };
    case 'cap-warning-issued':
      return { ...state, lastCapWarningDays: event.data.daysBefore };
    case 'eligible-for-reclassification':
      return state;
    case 'reclassification-notice-issued':
      return { ...state, status: 'reclassified', reclassification: { effectiveOn: event.data.effectiveOn, noticeId: event.data.noticeId } };
    case 'program-expired-at-maximum':
      return { ...state, status: 'expired', ended: { on: event.data.on, reason: 'expired' } };
    case 'program-ended':
      return { ...state, status: 'ended', ended: { on: event.data.on, reason: event.data.reason } };
  }
}

/** Folds drafts into a state as the next events of its stream: used to look ahead within one decision. */
export function applyDrafts(state: ProgramState, drafts: readonly EventDraft[]): ProgramState {
  // Numbered as `stamp` will number them, so the state looked ahead to is the one replay rebuilds.
  return drafts.reduce<ProgramState>((s, e) => evolve(s, { ...e, id: `${s.programId}/${s.version + 1}`, version: s.version + 1 }), state);
}

/** Gives drafts their ids and versions, continuing the program's stream. */
export function stamp(programId: string, fromVersion: number, drafts: readonly EventDraft[], occurredAt: string): ProgramEvent[] {
  return drafts.map((draft, index) => {
    const version = fromVersion + index + 1;
    return { ...draft, id: `${programId}/${version}`, programId, version, occurredAt, schemaVersion: 1 } as ProgramEvent;
  });
}

/** Rebuilds a program from its events. */
export function replay(events: readonly ProgramEvent[]): ProgramState | null {
  return events.reduce<ProgramState | null>((state, event) => evolve(state, event), null);
}
