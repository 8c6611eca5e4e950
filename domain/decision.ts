/** What deciding a command answers, and the checks several commands share. */
import type { CivilDate } from './dates.js';
import type { Actor, EventDraft } from './events.js';
import { violation, type RuleViolation } from './rules.js';
import type { ProgramState } from './state.js';

export interface Clock {
  /** Today's civil date in America/New_York. */
  today: CivilDate;
}

export type Decision = { ok: true; events: EventDraft[] } | { ok: false; violations: RuleViolation[] };

export const accept = (events: EventDraft[]): Decision => ({ ok: true, events });
export const reject = (...violations: RuleViolation[]): Decision => ({ ok: false, violations });

export function checkServiceDate(date: CivilDate, field: string, state: ProgramState, clock: Clock): RuleViolation[] {
  if (date < state.appointmentDate) {
    return [violation('date-before-appointment', field, `${date} is before the appointment date ${state.appointmentDate}.`)];
  }
  if (date > clock.today) return [violation('date-in-future', field, `${date} is after today (${clock.today}).`)];
  return [];
}

/** Supervisors and program managers act only on the programs assigned to them. */
export function checkAssigned(state: ProgramState, actor: Actor): RuleViolation[] {
  const { supervisorId, programManagerId } = state.enrollment;
  if (actor.id === supervisorId || actor.id === programManagerId) return [];
  return [violation('not-assigned-to-program', 'actor', "Only the program's supervisor or program manager may do this.")];
}
