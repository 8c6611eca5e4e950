/** The events that open a program: the enrollment, and a migrated program's past (decision 10). */
import { daysBetween, type CivilDate } from './dates.js';
import { rulesEditionOf, type PolicySettings } from './policy.js';
import {
  addWorkingDays,
  checkEnrollment,
  earliestReclassificationDate,
  latestCompletionDate,
  leaveWorkingDays,
  minimumPeriodExtensionDays,
  projectQualification,
  workingTestPeriodEndDate,
  type Enrollment,
  type Leave,
} from './rules.js';
import type { TargetClass } from './target-classes.js';
import { SYSTEM_ACTOR, type Actor, type EventDraft } from './events.js';
import { accept, reject, type Clock, type Decision } from './decision.js';

// --- Enrollment ----------------------------------------------------------------------------

/** The events that open a program, or the rules the enrollment breaks. */
export function decideEnrollment(
  enrollment: Enrollment,
  targetClass: TargetClass | undefined,
  policy: PolicySettings,
  actor: Actor,
  clock?: Clock,
): Decision {
  const problems = checkEnrollment(enrollment, targetClass, policy, clock?.today);
  if (problems.length > 0 || !targetClass) return reject(...problems);
  return accept(enrollmentEvents(enrollment, targetClass, policy, actor));
}

/** The events that open a program, whatever the rules say of it (decideEnrollment checks them first). */
export function enrollmentEvents(enrollment: Enrollment, targetClass: TargetClass, policy: PolicySettings, actor: Actor): EventDraft[] {
  const { appointmentDate, schedule } = enrollment;
  const events: EventDraft[] = [
    {
      type: 'enrolled',
      actor,
      data: {
        enrollment,
        targetClass,
        policy,
        earliestReclassificationDate: earliestReclassificationDate(appointmentDate, [], policy),
        latestCompletionDate: latestCompletionDate(appointmentDate),
        workingTestPeriodEndsOn: workingTestPeriodEndDate(appointmentDate, policy),
      },
    },
    { type: 'schedule-approved', actor, data: { ...schedule } },
  ];
  const projection = projectQualification(enrollment, targetClass, schedule.plannedEndDate, policy);
  if (projection.meetsTargetClass === false) {
    events.push({ type: 'qualification-shortfall-projected', actor: SYSTEM_ACTOR, data: { projection } });
  }
  return [...events, ...migrationEvents(enrollment, policy, actor)];
}

/**
 * A migrated program's past, as events of the migration in the order it happened (decision 10):
 * leave, sign-offs and ratings, each with its own date and the person who recorded it. Applied
 * before the clock first runs, so work already done is never overdue.
 */
function migrationEvents(enrollment: Enrollment, policy: PolicySettings, enrolledBy: Actor): EventDraft[] {
  const prior = enrollment.priorRecords;
  if (!prior) return [];
  const reason = 'migrated: recorded before the program came to this system';
  const dated: { on: CivilDate; order: number; draft: (leaves: Leave[]) => EventDraft[] }[] = [];
  for (const leave of prior.leaves ?? []) {
    dated.push({
      on: leave.from,
      order: 0,
      draft: (leaves) => {
        const before = earliestReclassificationDate(enrollment.appointmentDate, leaves, policy);
        leaves.push({ from: leave.from, to: leave.to, kind: leave.kind });
        const earliest = earliestReclassificationDate(enrollment.appointmentDate, leaves, policy);
        const extendsMinimumByDays =
          rulesEditionOf(policy) >= 2 ? daysBetween(before, earliest) : minimumPeriodExtensionDays(leave, policy);
        const data = {
          from: leave.from,
          to: leave.to,
          kind: leave.kind,
          workingDays: leaveWorkingDays(leave, policy),
          extendsMinimumByDays,
          earliestReclassificationDate: earliest,
        };
        return [{ type: 'leave-recorded', actor: enrolledBy, reason, data }];
      },
    });
  }
  for (const s of prior.signOffs ?? []) {
    dated.push({
      on: s.signedOn,
      order: 1,
      draft: () => [
        {
          type: 'milestone-signed-off',
          actor: { id: s.signedOffBy, role: 'supervisor' },
          reason,
          data: { milestoneId: s.milestoneId, signedOn: s.signedOn },
        },
      ],
    });
  }
  const ratings = [...(prior.serviceRatings ?? [])].sort((a, b) => (a.ratedOn < b.ratedOn ? -1 : a.ratedOn > b.ratedOn ? 1 : 0));
  ratings.forEach((r, i) => {
    dated.push({
      on: r.ratedOn,
      order: 2,
      draft: () => {
        const rated: EventDraft = {
          type: 'service-rated',
          actor: { id: r.ratedBy, role: 'supervisor' },
          reason,
          data: { rating: r.rating, ratedOn: r.ratedOn },
        };
        // The latest rating, if unsatisfactory, is still for HR to decide on (decision 7).
        if (i < ratings.length - 1 || r.rating === 'satisfactory' || rulesEditionOf(policy) < 2) return [rated];
        const escalatesOn = addWorkingDays(r.ratedOn, policy.hrDecisionEscalateAfterWorkingDays ?? 10);
        return [rated, { type: 'hr-decision-requested', actor: SYSTEM_ACTOR, data: { ratedOn: r.ratedOn, on: r.ratedOn, escalatesOn } }];
      },
    });
  });
  dated.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : a.order - b.order));
  const leaves: Leave[] = [];
  return dated.flatMap((d) => d.draft(leaves));
}
