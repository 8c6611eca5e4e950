import { violation } from '../rules.js';
import type { Actor } from '../events.js';
import type { ProgramState } from '../state.js';
import { accept, reject, checkAssigned, type Decision } from '../decision.js';
import { defineCommand } from './rule.js';

/** A correction: the milestone's sign-off was recorded in error. */
export interface RetractSignOff {
  type: 'retract-sign-off';
  milestoneId: string;
  reason: string;
}

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
    return reject(
      violation(
        'milestone-not-signed-off',
        'milestoneId',
        `Milestone ${milestone.id} is not signed off, so there is no sign-off to retract.`,
      ),
    );
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

export const retract = defineCommand<RetractSignOff>()({
  name: 'retract',
  type: 'retract-sign-off',
  update: 'retractSignOff',
  access: { everywhere: ['hr'], assigned: true },
  decide: decideRetraction,
});
