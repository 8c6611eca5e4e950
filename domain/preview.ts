/**
 * The whole enrollment decision with nothing started (API 1.1 `POST /v1/programs/preview`): the
 * rules it breaks, and the program as it would stand today, by the same code the workflow runs
 * (decideEnrollment, then the clock's rules for every date already passed).
 */
import type { CivilDate } from './dates.js';
import type { PolicySettings } from './policy.js';
import { advance, enrollmentEvents, replay, stamp, type Actor, type EventDraft, type ProgramEvent } from './program.js';
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
  return { program: openedProgram(PREVIEW_PROGRAM_ID, enrollmentEvents(enrollment, targetClass, policy, actor), today), violations };
}

/**
 * The program as its workflow answers after its first task: the enrollment's events, then the
 * clock's rules for every date already passed on `today` (the workflow's first `advance-clock`).
 * The enrollment's 201 is this, so it needs no round trip to the workflow.
 */
export function openedProgram(programId: string, enrollmentDrafts: readonly EventDraft[], today: CivilDate): ProgramView | null {
  // The time of recording is in no view: any instant of the day gives the same one.
  const opened = replay(openingEvents(programId, enrollmentDrafts, today, `${today}T12:00:00.000Z`));
  return opened ? programView(opened, today) : null;
}

/**
 * The events a program opens with, stamped at `occurredAt`: the enrollment's, then the clock's for
 * every date already passed on `today`. The API records these before it answers the enrollment; the
 * workflow, given the same day and instant, makes the same ones (workflows/development-program.ts).
 */
export function openingEvents(
  programId: string,
  enrollmentDrafts: readonly EventDraft[],
  today: CivilDate,
  occurredAt: string,
): ProgramEvent[] {
  const opened = replay(stamp(programId, 0, enrollmentDrafts, occurredAt));
  if (!opened) return [];
  return stamp(programId, 0, [...enrollmentDrafts, ...advance(opened, today)], occurredAt);
}
