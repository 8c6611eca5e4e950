import type { CivilDate } from '../dates.js';
import { earliestReclassificationDate, violation } from '../rules.js';
import type { Actor } from '../events.js';
import { leaveKey, type ProgramState } from '../state.js';
import { accept, reject, type Decision } from '../decision.js';
import { defineCommand } from './rule.js';

/** A correction: the leave from `from` to `to` was recorded in error. */
export interface CancelLeave {
  type: 'cancel-leave';
  from: CivilDate;
  to: CivilDate;
  reason: string;
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

export const cancelLeave = defineCommand<CancelLeave>()({
  name: 'cancel-leave',
  type: 'cancel-leave',
  update: 'cancelLeave',
  access: { everywhere: ['hr'], assigned: false },
  decide: decideLeaveCancellation,
});
