import { violation } from '../rules.js';
import type { Actor } from '../events.js';
import type { ProgramState } from '../state.js';
import { accept, reject, type Clock, type Decision } from '../decision.js';
import { defineCommand } from './rule.js';

/** HR confirms the trainee meets a target class whose minimum qualifications the catalogue lacks. */
export interface ConfirmQualification {
  type: 'confirm-qualification';
  reason: string;
}

/**
 * Decision 8: a class whose minimum qualifications the catalogue does not state is never
 * reclassified automatically; HR confirms the trainee meets it, with a reason.
 */
function decideQualificationConfirmation(command: ConfirmQualification, state: ProgramState, actor: Actor, clock: Clock): Decision {
  if (state.targetClass.minimumQualifications !== null) {
    return reject(
      violation(
        'qualification-confirmation-not-needed',
        'targetClassCode',
        `The catalogue states the minimum qualifications of ${state.targetClass.code}; the engine assesses them itself.`,
      ),
    );
  }
  if (state.qualificationConfirmed) return accept([]); // confirmed already
  return accept([
    { type: 'qualification-confirmed', actor, reason: command.reason, data: { targetClassCode: state.targetClass.code, on: clock.today } },
  ]);
}

export const confirmQualification = defineCommand<ConfirmQualification>()({
  name: 'confirm-qualification',
  type: 'confirm-qualification',
  update: 'confirmQualification',
  access: { everywhere: ['hr'], assigned: false },
  decide: decideQualificationConfirmation,
});
