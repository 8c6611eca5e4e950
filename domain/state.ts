/**
 * A program's state and `evolve`, which folds one event into it. Pure; events are facts, so
 * nothing here rejects.
 */
import type { CivilDate } from './dates.js';
import { rulesEditionOf, type PolicySettings } from './policy.js';
import type { Enrollment, Leave, Milestone } from './rules.js';
import type { TargetClass } from './target-classes.js';
import type {
  Assignment,
  EndReason,
  EventDraft,
  EventOf,
  MilestoneStatus,
  ProgramEvent,
  ProgramStatus,
  ServiceRatingValue,
} from './events.js';

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

export const NO_REMINDERS: ReminderState = { dueSoon: [], escalated: [], overdue: null };

export const remindersOf = (state: ProgramState): ReminderState => state.reminders ?? NO_REMINDERS;

export const isTerminal = (status: ProgramStatus): boolean => status === 'reclassified' || status === 'expired' || status === 'ended';

export const assignmentOf = ({ enrollment }: ProgramState): Assignment => ({
  agency: enrollment.agency,
  supervisorId: enrollment.supervisorId,
  programManagerId: enrollment.programManagerId,
});

export const leaveKey = (from: CivilDate, to: CivilDate): string => `${from}:${to}`;

export function allRequirementsMet(state: ProgramState): boolean {
  return state.milestones.every((m) => m.status === 'signed-off') && state.serviceRating?.rating === 'satisfactory';
}

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
    schedule: {
      dasApprovalRef: '',
      approvedOn: enrollment.schedule.approvedOn,
      plannedEndDate: enrollment.schedule.plannedEndDate,
      approvalRefs: [],
    },
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
export function evolve(
  state: ProgramState | null,
  event: EventDraft & { version?: number; programId?: string; id?: string },
): ProgramState {
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
          m.id === event.data.milestoneId
            ? { ...m, status: 'signed-off', signedOffBy: event.actor.id, signedOffOn: event.data.signedOn }
            : m,
        ),
      };
    case 'milestone-overdue': {
      const reminders = remindersOf(state);
      return {
        ...state,
        milestones: state.milestones.map((m) =>
          m.id === event.data.milestoneId && m.status === 'pending' ? { ...m, status: 'overdue' } : m,
        ),
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
          r.periodEnding === periodEnding
            ? { ...r, reviewedOn, reviewedBy: event.actor.id, ...(comments !== undefined ? { reviewComments: comments } : {}) }
            : r,
        ),
      };
    }
    case 'sign-off-retracted':
      return {
        ...state,
        // Open again; `advance` marks it overdue at once if its due date has passed.
        milestones: state.milestones.map((m) =>
          m.id === event.data.milestoneId ? { id: m.id, title: m.title, dueDate: m.dueDate, status: 'pending' } : m,
        ),
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
