import type { CivilDate } from '../dates.js';
import { rulesEditionOf } from '../policy.js';
import { violation } from '../rules.js';
import type { Actor, EventDraft } from '../events.js';
import type { ProgramState } from '../state.js';
import { accept, reject, type Clock, type Decision } from '../decision.js';
import { defineCommand } from './rule.js';

export interface Withdraw {
  type: 'withdraw';
  effectiveOn: CivilDate;
  reason: string;
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
        violation(
          'withdrawal-already-scheduled',
          'effectiveOn',
          `A withdrawal is already scheduled for ${scheduled.effectiveOn}; cancel it first.`,
        ),
      );
    }
    return accept([withdrawn]);
  }
  return accept([withdrawn, { type: 'program-ended', actor, data: { on: command.effectiveOn, reason: 'withdrawn' } }]);
}

export const withdraw = defineCommand<Withdraw>()({
  name: 'withdraw',
  type: 'withdraw',
  update: 'withdraw',
  access: { everywhere: ['hr'], assigned: false },
  decide: decideWithdrawal,
});
