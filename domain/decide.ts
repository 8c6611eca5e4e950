/**
 * A development program as an event-sourced aggregate: `decide(command, state, clock)` returns the
 * events a command causes (or the rule it breaks) and `evolve(state, event)` folds one event into
 * the state. Time-driven rules are the `advance-clock` command, so a timer in the workflow and a
 * migrated program's past dates go through the same code.
 */
import { violation, type RuleViolation } from './rules.js';
import { advance } from './clock.js';
import { decideCommand, type GivenCommand } from './commands/index.js';
import { accept, reject, type Clock, type Decision } from './decision.js';
import type { Actor, EventDraft } from './events.js';
import { applyDrafts, isTerminal, type ProgramState } from './state.js';

export interface AdvanceClock {
  type: 'advance-clock';
}

export type ProgramCommand = GivenCommand | AdvanceClock;

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
  const scheduledEnd = [state.scheduledWithdrawal?.effectiveOn, state.scheduledRemoval?.effectiveOn].find(
    (d) => d !== undefined && d <= clock.today,
  );
  if (scheduledEnd !== undefined) {
    // The program ended at the start of that day, though the clock has not yet recorded it: nothing more counts.
    return reject(violation('program-closed', 'programId', `The program ended on ${scheduledEnd}; it accepts no further changes.`));
  }
  return decideCommand(command, state, actor, clock);
}
