import type { CivilDate } from '../dates.js';
import { violation, type Milestone } from '../rules.js';
import type { Actor } from '../events.js';
import type { ProgramState } from '../state.js';
import { accept, reject, type Clock, type Decision } from '../decision.js';
import { decideAmendment, type AmendSchedule } from './amend.js';
import { defineCommand } from './rule.js';

/** HR's decision after an unsatisfactory rating: remediation, with the DAS-approved amendment it rests on. */
export interface RecordRemediation {
  type: 'record-remediation';
  plan: string;
  dasApprovalRef: string;
  approvedOn: CivilDate;
  plannedEndDate?: CivilDate;
  milestones?: Milestone[];
}

/**
 * HR records remediation together with the DAS-approved amendment it rests on: the program goes on
 * under the amended schedule and needs a new satisfactory rating.
 */
function decideRemediation(command: RecordRemediation, state: ProgramState, actor: Actor, clock: Clock): Decision {
  const pending = state.hrDecision;
  if (!pending) {
    if (state.eventIds?.['remediation-recorded'] && state.schedule.dasApprovalRef === command.dasApprovalRef) return accept([]); // recorded already
    return reject(violation('hr-decision-not-pending', 'plan', "No unsatisfactory rating is waiting for HR's decision on this program."));
  }
  if (command.plannedEndDate === undefined && command.milestones === undefined) {
    return reject(
      violation(
        'remediation-amendment-missing',
        'milestones',
        'Remediation comes with a DAS-approved amendment: give the new milestones or planned end date.',
      ),
    );
  }
  const amend: AmendSchedule = {
    type: 'amend-schedule',
    dasApprovalRef: command.dasApprovalRef,
    approvedOn: command.approvedOn,
    reason: 'remediation',
  };
  if (command.plannedEndDate !== undefined) amend.plannedEndDate = command.plannedEndDate;
  if (command.milestones !== undefined) amend.milestones = command.milestones;
  const amendment = decideAmendment(amend, state, actor, clock);
  if (!amendment.ok) return amendment;
  if (amendment.events.length === 0) {
    return reject(
      violation('das-approval-ref-reused', 'dasApprovalRef', `DAS approval ${command.dasApprovalRef} was already applied to this program.`),
    );
  }
  return accept([
    {
      type: 'remediation-recorded',
      actor,
      data: { ratedOn: pending.ratedOn, plan: command.plan, dasApprovalRef: command.dasApprovalRef, on: clock.today },
    },
    ...amendment.events,
  ]);
}

export const remediate = defineCommand<RecordRemediation>()({
  name: 'remediate',
  type: 'record-remediation',
  update: 'recordRemediation',
  access: { everywhere: ['hr'], assigned: false },
  decide: decideRemediation,
});
