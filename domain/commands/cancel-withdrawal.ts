import { violation } from '../rules.js';
import type { Actor } from '../events.js';
import type { ProgramState } from '../state.js';
import { accept, reject, type Clock, type Decision } from '../decision.js';
import { defineCommand } from './rule.js';

/** A correction: the withdrawal scheduled ahead is called off before its date. */
export interface CancelWithdrawal {
  type: 'cancel-withdrawal';
  reason: string;
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

export const cancelWithdrawal = defineCommand<CancelWithdrawal>()({
  name: 'cancel-withdrawal',
  type: 'cancel-withdrawal',
  update: 'cancelWithdrawal',
  access: { everywhere: ['hr'], assigned: false },
  decide: decideWithdrawalCancellation,
});
