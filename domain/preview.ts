/**
 * The whole enrollment decision with nothing started (API 1.1 `POST /v1/programs/preview`): the
 * rules it breaks, and the program as it would stand today, by the same code the workflow runs
 * (decideEnrollment, then the clock's rules for every date already passed).
 */
import type { CivilDate } from './dates.js';
import type { PolicySettings } from './policy.js';
import { advance, applyDrafts, enrollmentEvents, replay, stamp, type Actor } from './program.js';
import { checkEnrollment, type Enrollment, type RuleViolation } from './rules.js';
import type { TargetClass } from './target-classes.js';
import { programView, type ProgramView } from './view.js';

export const PREVIEW_PROGRAM_ID = 'preview';

export interface EnrollmentPreview {
  /** The program as it would be, even when rules are broken; null for an unknown target class. */
  program: ProgramView | null;
  /** Every rule the enrollment breaks; empty when it can be enrolled. */
  violations: RuleViolation[];
}

export function previewEnrollment(
  enrollment: Enrollment,
  targetClass: TargetClass | undefined,
  policy: PolicySettings,
  actor: Actor,
  today: CivilDate,
): EnrollmentPreview {
  const violations = checkEnrollment(enrollment, targetClass, policy, today);
  if (!targetClass) return { program: null, violations };
  const opened = replay(stamp(PREVIEW_PROGRAM_ID, 0, enrollmentEvents(enrollment, targetClass, policy, actor), `${today}T12:00:00.000Z`));
  if (!opened) return { program: null, violations };
  const state = applyDrafts(opened, advance(opened, today));
  return { program: programView(state, today), violations };
}
