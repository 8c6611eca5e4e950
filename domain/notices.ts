/**
 * Which domain events produce a notice, to whom, and with what text. Pure: the workflow derives a
 * notice from the event that caused it, and the notice's id is a business key (program + kind), so
 * an activity retried or replayed can never issue it twice.
 */
import type { CivilDate } from './dates.js';
import type { ProgramEvent, ProgramState } from './program.js';

export type NoticeKind =
  | 'reclassification'
  | 'cap-warning'
  | 'program-expired'
  | 'program-ended'
  | 'minimum-period-reached'
  | 'milestone-overdue'
  | 'qualification-warning';

export type RecipientRole = 'trainee' | 'supervisor' | 'program-manager' | 'agency-hr' | 'das';

export interface Recipient {
  role: RecipientRole;
  /** A staff id or an agency name; addresses are resolved at delivery. */
  ref: string;
}

export interface Notice {
  noticeId: string;
  programId: string;
  kind: NoticeKind;
  /** The event that caused the notice. */
  eventId: string;
  issuedOn: CivilDate;
  recipients: Recipient[];
  subject: string;
  body: string;
}

function recipients(state: ProgramState, roles: readonly RecipientRole[]): Recipient[] {
  const { enrollment } = state;
  const refs: Record<RecipientRole, string> = {
    trainee: enrollment.trainee.employeeId,
    supervisor: enrollment.supervisorId,
    'program-manager': enrollment.programManagerId,
    'agency-hr': enrollment.agency,
    das: 'DAS',
  };
  return roles.map((role) => ({ role, ref: refs[role] }));
}

const EVERYONE: readonly RecipientRole[] = ['trainee', 'supervisor', 'program-manager', 'agency-hr', 'das'];

/** The notice an event causes, given the program state after the event; null for most events. */
export function noticeFor(event: ProgramEvent, state: ProgramState): Notice | null {
  const { enrollment, targetClass } = state;
  const trainee = enrollment.trainee.name;
  const base = { programId: state.programId, eventId: event.id };
  switch (event.type) {
    case 'reclassification-notice-issued': {
      const salary = targetClass.salaryGroup ? `, salary group ${targetClass.salaryGroup}` : '';
      return {
        ...base,
        noticeId: event.data.noticeId,
        kind: 'reclassification',
        issuedOn: event.data.effectiveOn,
        recipients: recipients(state, EVERYONE),
        subject: `Reclassification to ${targetClass.title} (${targetClass.code}) effective ${event.data.effectiveOn}`,
        body: [
          `${trainee}, Leadership Associate (functional role: ${enrollment.functionalRole}), ${enrollment.agency}, has successfully completed the development program approved by the Department of Administrative Services (approval ${event.data.dasApprovalRef}) and has given satisfactory service.`,
          `Effective ${event.data.effectiveOn}, the incumbent is reclassified to the designated class ${targetClass.title} (${targetClass.code}), pay plan ${targetClass.payPlan}${salary}.`,
          'This reclassification is made without competitive examination, in accordance with C.G.S. 5-234.',
          'No additional working test period is required.',
        ].join('\n\n'),
      };
    }
    case 'cap-warning-issued':
      return {
        ...base,
        noticeId: `${state.programId}/cap-warning-${event.data.daysBefore}`,
        kind: 'cap-warning',
        issuedOn: event.data.on,
        recipients: recipients(state, ['supervisor', 'program-manager', 'agency-hr']),
        subject: `Development program reaches its statutory maximum on ${event.data.latestCompletionDate}`,
        body: `The development program of ${trainee} must be completed by ${event.data.latestCompletionDate} (${event.data.daysRemaining} days from ${event.data.on}); C.G.S. 5-234 does not allow service in the trainee class past three years. Open milestones: ${openMilestones(state)}.`,
      };
    case 'program-expired-at-maximum':
      return {
        ...base,
        noticeId: `${state.programId}/program-expired`,
        kind: 'program-expired',
        issuedOn: event.data.on,
        recipients: recipients(state, EVERYONE),
        subject: 'Development program ended at the statutory maximum',
        body: `The development program of ${trainee} reached its latest completion date, ${event.data.latestCompletionDate}, without every requirement met (open milestones: ${event.data.openMilestones.join(', ') || 'none'}). It has ended under C.G.S. 5-234; no reclassification follows from it.`,
      };
    case 'program-ended':
      return {
        ...base,
        noticeId: `${state.programId}/program-ended`,
        kind: 'program-ended',
        issuedOn: event.data.on,
        recipients: recipients(state, EVERYONE),
        subject: 'Development program ended',
        body:
          event.data.reason === 'unsatisfactory-service'
            ? `The development program of ${trainee} has ended effective ${event.data.on} following an unsatisfactory service rating (C.G.S. 5-230).`
            : `The development program of ${trainee} has ended effective ${event.data.on}: the trainee was withdrawn from the program.`,
      };
    case 'minimum-period-reached':
      return {
        ...base,
        noticeId: `${state.programId}/minimum-period-reached`,
        kind: 'minimum-period-reached',
        issuedOn: event.data.on,
        recipients: recipients(state, ['trainee', 'supervisor', 'program-manager', 'agency-hr']),
        subject: 'Minimum period of the development program served',
        body: `${trainee} has served the one-year minimum of the development program as of ${event.data.on}. Reclassification follows once every requirement is met. Open milestones: ${openMilestones(state)}.`,
      };
    case 'milestone-overdue':
      return {
        ...base,
        noticeId: `${state.programId}/milestone-overdue/${event.data.milestoneId}/${event.version}`,
        kind: 'milestone-overdue',
        issuedOn: event.data.on,
        recipients: recipients(state, ['supervisor']),
        subject: `Milestone ${event.data.milestoneId} is overdue`,
        body: `Milestone "${milestoneTitle(state, event.data.milestoneId)}" of the development program of ${trainee} was due ${event.data.dueDate} and has not been signed off.`,
      };
    case 'qualification-shortfall-projected':
      return {
        ...base,
        noticeId: `${state.programId}/qualification-warning`,
        kind: 'qualification-warning',
        issuedOn: event.occurredAt.slice(0, 10),
        recipients: recipients(state, ['agency-hr']),
        subject: `Trainee projected not to meet the minimum qualifications of ${targetClass.code}`,
        body: `At the planned end date ${event.data.projection.asOf}, ${trainee} is projected to be ${event.data.projection.shortfallYears} years short of the minimum qualifications of ${targetClass.title} (${targetClass.code}). Reclassification requires them (class specification); review the schedule or the experience on record.`,
      };
    default:
      return null;
  }
}

function openMilestones(state: ProgramState): string {
  const open = state.milestones.filter((m) => m.status !== 'signed-off').map((m) => m.id);
  return open.length > 0 ? open.join(', ') : 'none';
}

function milestoneTitle(state: ProgramState, milestoneId: string): string {
  return state.milestones.find((m) => m.id === milestoneId)?.title ?? milestoneId;
}
