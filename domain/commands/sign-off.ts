import type { CivilDate } from '../dates.js';
import { violation } from '../rules.js';
import type { Actor, EventPayloads } from '../events.js';
import type { ProgramState } from '../state.js';
import { accept, reject, checkAssigned, checkServiceDate, type Clock, type Decision } from '../decision.js';
import { defineCommand } from './rule.js';

export interface SignOffMilestone {
  type: 'sign-off-milestone';
  milestoneId: string;
  signedOn: CivilDate;
  comments?: string;
}

function decideSignOff(command: SignOffMilestone, state: ProgramState, actor: Actor, clock: Clock): Decision {
  const milestone = state.milestones.find((m) => m.id === command.milestoneId);
  if (!milestone) {
    return reject(violation('unknown-milestone', 'milestoneId', `The schedule has no milestone "${command.milestoneId}".`));
  }
  const problems = [...checkAssigned(state, actor), ...checkServiceDate(command.signedOn, 'signedOn', state, clock)];
  if (problems.length > 0) return reject(...problems);
  if (milestone.status === 'signed-off') return accept([]); // the same sign-off again changes nothing
  const data: EventPayloads['milestone-signed-off'] = { milestoneId: milestone.id, signedOn: command.signedOn };
  if (command.comments !== undefined) data.comments = command.comments;
  return accept([{ type: 'milestone-signed-off', actor, data }]);
}

export const signOff = defineCommand<SignOffMilestone>()({
  name: 'sign-off',
  type: 'sign-off-milestone',
  update: 'signOffMilestone',
  access: { everywhere: [], assigned: true },
  decide: decideSignOff,
});
