import type { CivilDate } from '../dates.js';
import { violation } from '../rules.js';
import type { Actor, EventDraft } from '../events.js';
import type { ProgramState } from '../state.js';
import { accept, reject, type Clock, type Decision } from '../decision.js';
import { defineCommand } from './rule.js';

/** HR's decision after an unsatisfactory rating: removal, effective on a date of HR's (decision 7). */
export interface ConfirmRemoval {
  type: 'confirm-removal';
  effectiveOn: CivilDate;
  reason: string;
}

/**
 * HR confirms removal (C.G.S. 5-230: removal after fair trial), effective on a date from the rating
 * to the latest completion date: at once if that day has come, otherwise at the start of that day.
 */
function decideRemoval(command: ConfirmRemoval, state: ProgramState, actor: Actor, clock: Clock): Decision {
  const pending = state.hrDecision;
  if (!pending) {
    if (state.scheduledRemoval?.effectiveOn === command.effectiveOn) return accept([]); // the same confirmation again
    return reject(
      violation('hr-decision-not-pending', 'effectiveOn', "No unsatisfactory rating is waiting for HR's decision on this program."),
    );
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
  const confirmed: EventDraft = {
    type: 'removal-confirmed',
    actor,
    reason: command.reason,
    data: { ratedOn: pending.ratedOn, effectiveOn: command.effectiveOn },
  };
  if (command.effectiveOn > clock.today) return accept([confirmed]);
  return accept([confirmed, { type: 'program-ended', actor, data: { on: command.effectiveOn, reason: 'unsatisfactory-service' } }]);
}

export const confirmRemoval = defineCommand<ConfirmRemoval>()({
  name: 'confirm-removal',
  type: 'confirm-removal',
  update: 'confirmRemoval',
  access: { everywhere: ['hr'], assigned: false },
  decide: decideRemoval,
});
