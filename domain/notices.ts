/**
 * Which domain events produce a notice, and the facts it states. Pure: the workflow derives a
 * notice from the event that caused it, and the notice's id is a business key (program + kind), so
 * an activity retried or replayed can never issue it twice.
 *
 * The wording and the recipients of each kind are not here: they are templates and data
 * (activities/notice-templates/), rendered when the notice is issued. A notice carries the facts
 * the templates may use and everyone it may go to.
 */
import { civilDateInNewYork, daysBetween, type CivilDate } from './dates.js';
import type { EndReason, EventOf, ProgramEvent, ProgramState } from './program.js';

export const NOTICE_KINDS = [
  'reclassification',
  'cap-warning',
  'program-expired',
  'program-ended',
  'minimum-period-reached',
  'milestone-due-soon',
  'milestone-overdue',
  'milestone-escalated',
  'overdue-reminder',
  'overdue-reminder-escalated',
  'qualification-warning',
  'progress-report-submitted',
  'hr-decision-required',
  'hr-decision-reminder',
  'hr-decision-escalated',
  'hr-decision-reminder-escalated',
  'remediation-recorded',
] as const;

export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const RECIPIENT_ROLES = ['trainee', 'supervisor', 'program-manager', 'agency-hr', 'das'] as const;

export type RecipientRole = (typeof RECIPIENT_ROLES)[number];

export interface Recipient {
  role: RecipientRole;
  /** A staff id, an employee id or an agency code; addresses are resolved at delivery. */
  ref: string;
}

/**
 * Everyone a notice may go to. Only the trainee's address is known to the program (it is in the
 * enrollment); staff addresses come from the staff directory when the notice is delivered.
 */
export type NoticeParties = Record<RecipientRole, { ref: string; address: string | null }>;

export interface MilestoneFact {
  id: string;
  title: string;
  dueDate: CivilDate;
}

/** What the notice is about, by kind: the variable part of the facts. */
export type NoticeDetail =
  | { kind: 'reclassification'; effectiveOn: CivilDate; dasApprovalRef: string }
  | { kind: 'cap-warning'; daysBefore: number; daysRemaining: number; latestCompletionDate: CivilDate; on: CivilDate }
  | { kind: 'program-expired'; on: CivilDate; latestCompletionDate: CivilDate; openMilestones: MilestoneFact[] }
  | { kind: 'program-ended'; on: CivilDate; reason: EndReason }
  | { kind: 'minimum-period-reached'; on: CivilDate }
  | { kind: 'milestone-due-soon'; milestone: MilestoneFact; on: CivilDate; daysBefore: number }
  | { kind: 'milestone-overdue'; milestone: MilestoneFact; on: CivilDate; daysOverdue: number }
  | { kind: 'milestone-escalated'; milestone: MilestoneFact; on: CivilDate; daysOverdue: number }
  | {
      kind: 'overdue-reminder' | 'overdue-reminder-escalated';
      on: CivilDate;
      milestones: (MilestoneFact & { daysOverdue: number; escalated: boolean })[];
    }
  | { kind: 'qualification-warning'; asOf: CivilDate; shortfallYears: number }
  | { kind: 'progress-report-submitted'; periodEnding: CivilDate; submittedOn: CivilDate }
  | { kind: 'hr-decision-required'; ratedOn: CivilDate; on: CivilDate; escalatesOn: CivilDate }
  | {
      kind: 'hr-decision-reminder' | 'hr-decision-reminder-escalated' | 'hr-decision-escalated';
      ratedOn: CivilDate;
      on: CivilDate;
      daysWaiting: number;
    }
  | { kind: 'remediation-recorded'; ratedOn: CivilDate; on: CivilDate; plan: string; dasApprovalRef: string };

/** The facts a notice states: the program's, and the detail of its kind. */
export interface NoticeFacts {
  trainee: { name: string; employeeId: string };
  /** The class the trainee holds during the program (class specification 000, 002). */
  traineeClass: string;
  functionalRole: string;
  agency: string;
  targetClass: { code: string; title: string; payPlan: string; salaryGroup: string | null };
  appointmentDate: CivilDate;
  earliestReclassificationDate: CivilDate;
  latestCompletionDate: CivilDate;
  /** The DAS approval of the schedule in force. */
  dasApprovalRef: string;
  openMilestones: MilestoneFact[];
  detail: NoticeDetail;
}

export interface Notice {
  noticeId: string;
  programId: string;
  kind: NoticeKind;
  /** The event that caused the notice. */
  eventId: string;
  issuedOn: CivilDate;
  parties: NoticeParties;
  facts: NoticeFacts;
}

/** A notice with its text and recipients settled: what the `notices` table holds. */
export interface RenderedNotice {
  noticeId: string;
  programId: string;
  kind: string;
  eventId: string;
  issuedOn: CivilDate;
  recipients: Recipient[];
  subject: string;
  body: string;
}

/**
 * A notice as workflows queued it before notices were rendered from templates: its text and
 * recipients travel with it. A workflow that continued as new may still carry some, and they are
 * issued as they are.
 */
export type LegacyNotice = RenderedNotice;

export const TRAINEE_CLASS = 'Leadership Associate';

/** The notice an event causes, given the program state after the event; null for most events. */
export function noticeFor(event: ProgramEvent, state: ProgramState): Notice | null {
  const kinded = noticeDetail(event, state);
  if (!kinded) return null;
  const { noticeId, issuedOn, detail } = kinded;
  const { enrollment, targetClass } = state;
  return {
    noticeId,
    programId: state.programId,
    kind: detail.kind,
    eventId: event.id,
    issuedOn,
    parties: {
      trainee: { ref: enrollment.trainee.employeeId, address: enrollment.trainee.email },
      supervisor: { ref: enrollment.supervisorId, address: null },
      'program-manager': { ref: enrollment.programManagerId, address: null },
      'agency-hr': { ref: enrollment.agency, address: null },
      das: { ref: 'DAS', address: null },
    },
    facts: {
      trainee: { name: enrollment.trainee.name, employeeId: enrollment.trainee.employeeId },
      traineeClass: TRAINEE_CLASS,
      functionalRole: enrollment.functionalRole,
      agency: enrollment.agency,
      targetClass: { code: targetClass.code, title: targetClass.title, payPlan: targetClass.payPlan, salaryGroup: targetClass.salaryGroup },
      appointmentDate: state.appointmentDate,
      earliestReclassificationDate: state.earliestReclassificationDate,
      latestCompletionDate: state.latestCompletionDate,
      dasApprovalRef: state.schedule.dasApprovalRef,
      openMilestones: state.milestones.filter((m) => m.status !== 'signed-off').map(milestoneFact),
      detail,
    },
  };
}

function noticeDetail(event: ProgramEvent, state: ProgramState): { noticeId: string; issuedOn: CivilDate; detail: NoticeDetail } | null {
  const key = (suffix: string): string => `${state.programId}/${suffix}`;
  switch (event.type) {
    case 'reclassification-notice-issued': {
      const { noticeId, effectiveOn, dasApprovalRef } = event.data;
      return { noticeId, issuedOn: effectiveOn, detail: { kind: 'reclassification', effectiveOn, dasApprovalRef } };
    }
    case 'cap-warning-issued':
      return {
        noticeId: key(`cap-warning-${event.data.daysBefore}`),
        issuedOn: event.data.on,
        detail: { kind: 'cap-warning', ...event.data },
      };
    case 'program-expired-at-maximum': {
      const { on, latestCompletionDate, openMilestones } = event.data;
      return {
        noticeId: key('program-expired'),
        issuedOn: on,
        detail: { kind: 'program-expired', on, latestCompletionDate, openMilestones: openMilestones.map((id) => milestoneById(state, id)) },
      };
    }
    case 'program-ended':
      return { noticeId: key('program-ended'), issuedOn: event.data.on, detail: { kind: 'program-ended', ...event.data } };
    case 'minimum-period-reached':
      return {
        noticeId: key('minimum-period-reached'),
        issuedOn: event.data.on,
        detail: { kind: 'minimum-period-reached', on: event.data.on },
      };
    case 'milestone-overdue': {
      const { on, dueDate } = event.data;
      return {
        ...milestoneKey(event, state, 'milestone-overdue'),
        issuedOn: on,
        detail: { kind: 'milestone-overdue', milestone: milestoneDue(state, event), on, daysOverdue: daysBetween(dueDate, on) },
      };
    }
    case 'milestone-due-soon': {
      const { on, daysBefore } = event.data;
      return {
        ...milestoneKey(event, state, 'milestone-due-soon'),
        issuedOn: on,
        detail: { kind: 'milestone-due-soon', milestone: milestoneDue(state, event), on, daysBefore },
      };
    }
    case 'milestone-escalated': {
      const { on, daysOverdue } = event.data;
      return {
        ...milestoneKey(event, state, 'milestone-escalated'),
        issuedOn: on,
        detail: { kind: 'milestone-escalated', milestone: milestoneDue(state, event), on, daysOverdue },
      };
    }
    case 'overdue-reminder-issued': {
      const kind = event.data.milestones.some((m) => m.escalated) ? 'overdue-reminder-escalated' : 'overdue-reminder';
      return {
        noticeId: key(`overdue-reminder/${event.version}`),
        issuedOn: event.data.on,
        detail: {
          kind,
          on: event.data.on,
          milestones: event.data.milestones.map((m) => ({
            ...milestoneById(state, m.milestoneId),
            dueDate: m.dueDate,
            daysOverdue: m.daysOverdue,
            escalated: m.escalated,
          })),
        },
      };
    }
    case 'qualification-shortfall-projected':
      return {
        noticeId: key('qualification-warning'),
        // Decision 12: the New York date of the enrollment, never the UTC one.
        issuedOn: civilDateInNewYork(Date.parse(event.occurredAt)),
        detail: { kind: 'qualification-warning', asOf: event.data.projection.asOf, shortfallYears: event.data.projection.shortfallYears },
      };
    case 'progress-report-submitted': {
      const { periodEnding, submittedOn } = event.data;
      return {
        noticeId: key(`progress-report/${periodEnding}`),
        issuedOn: submittedOn,
        detail: { kind: 'progress-report-submitted', periodEnding, submittedOn },
      };
    }
    case 'hr-decision-requested': {
      const { ratedOn, on, escalatesOn } = event.data;
      return {
        noticeId: key(`hr-decision/${event.version}`),
        issuedOn: on,
        detail: { kind: 'hr-decision-required', ratedOn, on, escalatesOn },
      };
    }
    case 'hr-decision-reminder-issued': {
      const { ratedOn, on, daysWaiting, escalated } = event.data;
      const kind = escalated ? 'hr-decision-reminder-escalated' : 'hr-decision-reminder';
      return { noticeId: key(`${kind}/${event.version}`), issuedOn: on, detail: { kind, ratedOn, on, daysWaiting } };
    }
    case 'hr-decision-escalated': {
      const { ratedOn, on, daysWaiting } = event.data;
      return {
        noticeId: key(`hr-decision-escalated/${event.version}`),
        issuedOn: on,
        detail: { kind: 'hr-decision-escalated', ratedOn, on, daysWaiting },
      };
    }
    case 'remediation-recorded': {
      const { ratedOn, on, plan, dasApprovalRef } = event.data;
      return {
        noticeId: key(`remediation/${event.version}`),
        issuedOn: on,
        detail: { kind: 'remediation-recorded', ratedOn, on, plan, dasApprovalRef },
      };
    }
    default:
      return null;
  }
}

type MilestoneEvent = EventOf<'milestone-overdue' | 'milestone-due-soon' | 'milestone-escalated'>;

/** A milestone notice's id carries the event's version: a milestone may fall due again after an amendment. */
const milestoneKey = (event: MilestoneEvent, state: ProgramState, kind: string): { noticeId: string } => ({
  noticeId: `${state.programId}/${kind}/${event.data.milestoneId}/${event.version}`,
});

/** The milestone with the due date the event speaks of. */
const milestoneDue = (state: ProgramState, event: MilestoneEvent): MilestoneFact => ({
  ...milestoneById(state, event.data.milestoneId),
  dueDate: event.data.dueDate,
});

const milestoneFact = (m: MilestoneFact): MilestoneFact => ({ id: m.id, title: m.title, dueDate: m.dueDate });

function milestoneById(state: ProgramState, milestoneId: string): MilestoneFact {
  const milestone = state.milestones.find((m) => m.id === milestoneId);
  return milestone ? milestoneFact(milestone) : { id: milestoneId, title: milestoneId, dueDate: '' };
}
