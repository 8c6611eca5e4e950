import type { CivilDate } from '../dates.js';
import { checkNotTrainee, violation } from '../rules.js';
import type { Actor, EventDraft, Assignment } from '../events.js';
import { assignmentOf, type ProgramState } from '../state.js';
import { accept, reject, checkServiceDate, type Clock, type Decision } from '../decision.js';
import { defineCommand } from './rule.js';

/** Names at least one of the three; those left out stay as they are. */
export interface Transfer {
  type: 'transfer';
  effectiveOn: CivilDate;
  agency?: string;
  supervisorId?: string;
  programManagerId?: string;
  reason?: string;
}

/**
 * A transfer between agencies, or a new supervisor or program manager. The three-year clock runs on
 * (C.G.S. 5-234 counts service in the trainee class, which a transfer does not leave; DOMAIN.md's
 * open question), and so does the DAS-approved schedule: a new schedule is an amendment by DAS.
 */
function decideTransfer(command: Transfer, state: ProgramState, actor: Actor, clock: Clock): Decision {
  const from = assignmentOf(state);
  const to: Assignment = {
    agency: command.agency ?? from.agency,
    supervisorId: command.supervisorId ?? from.supervisorId,
    programManagerId: command.programManagerId ?? from.programManagerId,
  };
  const problems = checkServiceDate(command.effectiveOn, 'effectiveOn', state, clock);
  problems.push(...checkNotTrainee(state.enrollment.trainee.employeeId, to).slice(0, 1));
  const last = state.transfers?.at(-1);
  if (last && command.effectiveOn < last.effectiveOn) {
    problems.push(
      violation(
        'transfer-before-last-transfer',
        'effectiveOn',
        `${command.effectiveOn} is before the last transfer, effective ${last.effectiveOn}.`,
      ),
    );
  }
  if (problems.length > 0) return reject(...problems);
  if (to.agency === from.agency && to.supervisorId === from.supervisorId && to.programManagerId === from.programManagerId) {
    return accept([]); // already so: the same transfer again changes nothing
  }
  const transferred: EventDraft = { type: 'transferred', actor, data: { effectiveOn: command.effectiveOn, from, to } };
  if (command.reason !== undefined) transferred.reason = command.reason;
  return accept([transferred]);
}

export const transfer = defineCommand<Transfer>()({
  name: 'transfer',
  type: 'transfer',
  update: 'transfer',
  access: { everywhere: ['hr'], assigned: false },
  decide: decideTransfer,
});
