import type { CivilDate } from '../dates.js';
import { checkMilestones, checkProgramLength, violation, type Milestone, type RuleViolation } from '../rules.js';
import type { Actor, EventDraft } from '../events.js';
import type { ProgramState } from '../state.js';
import { accept, reject, type Clock, type Decision } from '../decision.js';
import { defineCommand } from './rule.js';

export interface AmendSchedule {
  type: 'amend-schedule';
  dasApprovalRef: string;
  approvedOn: CivilDate;
  plannedEndDate?: CivilDate;
  milestones?: Milestone[];
  reason?: string;
}

export function decideAmendment(command: AmendSchedule, state: ProgramState, actor: Actor, clock: Clock): Decision {
  const plannedEndDate = command.plannedEndDate ?? state.schedule.plannedEndDate;
  const milestones = command.milestones ?? state.milestones.map(({ id, title, dueDate }) => ({ id, title, dueDate }));
  const problems: RuleViolation[] = [];
  if (command.approvedOn > clock.today) {
    // Decision 3: DAS approves an amendment before it is used.
    problems.push(
      violation(
        'schedule-approved-in-future',
        'approvedOn',
        `The amendment's DAS approval is dated ${command.approvedOn}, after today (${clock.today}).`,
      ),
    );
  }
  if (command.approvedOn < state.schedule.approvedOn) {
    problems.push(
      violation(
        'amendment-approved-before-current-schedule',
        'approvedOn',
        `The amendment is dated ${command.approvedOn}, before the schedule it amends (approved ${state.schedule.approvedOn}).`,
      ),
    );
  }
  problems.push(...checkProgramLength(state.appointmentDate, plannedEndDate, 'plannedEndDate'));
  problems.push(...checkMilestones(state.appointmentDate, plannedEndDate, milestones, 'milestones'));
  for (const signed of state.milestones.filter((m) => m.status === 'signed-off')) {
    if (!milestones.some((m) => m.id === signed.id)) {
      problems.push(
        violation('signed-off-milestone-removed', 'milestones', `Milestone "${signed.id}" is signed off and cannot be removed.`),
      );
    }
  }
  if (state.schedule.approvalRefs.includes(command.dasApprovalRef)) {
    const unchanged =
      plannedEndDate === state.schedule.plannedEndDate &&
      JSON.stringify(milestones) === JSON.stringify(state.milestones.map(({ id, title, dueDate }) => ({ id, title, dueDate })));
    if (unchanged && command.dasApprovalRef === state.schedule.dasApprovalRef) return accept([]); // a retried amendment
    problems.push(
      violation('das-approval-ref-reused', 'dasApprovalRef', `DAS approval ${command.dasApprovalRef} was already applied to this program.`),
    );
  }
  if (command.plannedEndDate === undefined && command.milestones === undefined) {
    problems.push(
      violation('amendment-changes-nothing', 'plannedEndDate', 'An amendment must change the planned end date or the milestones.'),
    );
  }
  if (problems.length > 0) return reject(...problems);
  const amended: EventDraft = {
    type: 'schedule-amended',
    actor,
    data: {
      dasApprovalRef: command.dasApprovalRef,
      approvedOn: command.approvedOn,
      plannedEndDate,
      milestones,
      previousPlannedEndDate: state.schedule.plannedEndDate,
    },
  };
  if (command.reason !== undefined) amended.reason = command.reason;
  return accept([amended]);
}

export const amend = defineCommand<AmendSchedule>()({
  name: 'amend',
  type: 'amend-schedule',
  update: 'amendSchedule',
  access: { everywhere: ['das'], assigned: false },
  decide: decideAmendment,
});
