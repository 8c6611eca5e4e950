import { daysBetween, type CivilDate } from '../dates.js';
import { rulesEditionOf } from '../policy.js';
import {
  earliestReclassificationDate,
  leaveWorkingDays,
  minimumPeriodExtensionDays,
  violation,
  type Leave,
  type LeaveKind,
} from '../rules.js';
import type { Actor } from '../events.js';
import type { ProgramState } from '../state.js';
import { accept, reject, type Decision } from '../decision.js';
import { defineCommand } from './rule.js';

export interface RecordLeave {
  type: 'record-leave';
  from: CivilDate;
  to: CivilDate;
  kind: LeaveKind;
}

function decideLeave(command: RecordLeave, state: ProgramState, actor: Actor): Decision {
  const leave: Leave = { from: command.from, to: command.to, kind: command.kind };
  if (leave.from > leave.to)
    return reject(violation('leave-dates-reversed', 'to', `The leave ends (${leave.to}) before it starts (${leave.from}).`));
  if (leave.from < state.appointmentDate || leave.to > state.latestCompletionDate) {
    return reject(
      violation(
        'leave-outside-program',
        leave.from < state.appointmentDate ? 'from' : 'to',
        `Leave must fall within the program (${state.appointmentDate} to ${state.latestCompletionDate}).`,
      ),
    );
  }
  const same = state.leaves.find((l) => l.from === leave.from && l.to === leave.to && l.kind === leave.kind);
  if (same) return accept([]); // recorded already
  const overlapping = state.leaves.find((l) => l.from <= leave.to && leave.from <= l.to);
  if (overlapping) {
    return reject(
      violation('leave-overlaps', 'from', `The leave overlaps leave already recorded (${overlapping.from} to ${overlapping.to}).`),
    );
  }
  const leaves = [...state.leaves, leave];
  const earliest = earliestReclassificationDate(state.appointmentDate, leaves, state.policy);
  return accept([
    {
      type: 'leave-recorded',
      actor,
      data: {
        ...leave,
        workingDays: leaveWorkingDays(leave, state.policy),
        // Edition 2 merges one absence's records, so the move is the change this record makes.
        extendsMinimumByDays:
          rulesEditionOf(state.policy) >= 2
            ? daysBetween(state.earliestReclassificationDate, earliest)
            : minimumPeriodExtensionDays(leave, state.policy),
        earliestReclassificationDate: earliest,
      },
    },
  ]);
}

export const leave = defineCommand<RecordLeave>()({
  name: 'leave',
  type: 'record-leave',
  update: 'recordLeave',
  access: { everywhere: ['hr'], assigned: false },
  decide: decideLeave,
});
