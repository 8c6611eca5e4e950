/**
 * The time-driven rules: what happens to a program as its dates come (overdue milestones, the first
 * anniversary, reminders, escalation, the three-year cap), and when it next needs waking.
 */
import { addDays, daysBetween, minDate, type CivilDate } from './dates.js';
import { rulesEditionOf, type MilestoneReminderPolicy } from './policy.js';
import { projectQualification, type Milestone, type QualificationProjection } from './rules.js';
import { SYSTEM_ACTOR, type EventDraft } from './events.js';
import { allRequirementsMet, isTerminal, remindersOf, type HrDecisionState, type MilestoneDueDate, type ProgramState } from './state.js';

/**
 * While HR has not decided: a reminder to HR every `repeatEveryDays` days (the milestone reminders'
 * rhythm), and escalation to DAS once the policy's working days have passed, like an overdue milestone.
 */
function hrDecisionReminders(state: ProgramState, today: CivilDate): EventDraft[] {
  const pending = state.hrDecision;
  if (!pending) return [];
  const events: EventDraft[] = [];
  const escalated = pending.escalatedOn !== null || today >= pending.escalatesOn;
  if (pending.escalatedOn === null && today >= pending.escalatesOn) {
    events.push({
      type: 'hr-decision-escalated',
      actor: SYSTEM_ACTOR,
      data: { ratedOn: pending.ratedOn, on: today, daysWaiting: daysBetween(pending.requestedOn, today) },
    });
  } else if (today >= nextHrReminderDate(state, pending)) {
    events.push({
      type: 'hr-decision-reminder-issued',
      actor: SYSTEM_ACTOR,
      data: { ratedOn: pending.ratedOn, on: today, daysWaiting: daysBetween(pending.requestedOn, today), escalated },
    });
  }
  return events;
}

/** A week (the reminders' rhythm) after the last word to HR: the request, a reminder or the escalation. */
const nextHrReminderDate = (state: ProgramState, pending: HrDecisionState): CivilDate => {
  const lastWord = [pending.requestedOn, pending.lastReminderOn, pending.escalatedOn].reduce<CivilDate>(
    (a, b) => (b !== null && b > a ? b : a),
    pending.requestedOn,
  );
  return addDays(lastWord, state.policy.milestoneReminders?.repeatEveryDays ?? 7);
};

/**
 * Whether the projection lets the program reclassify: under rules edition 2 only a qualification
 * met, or confirmed by HR where the catalogue states none; before, anything not known to fall short.
 */
export function qualifiesForReclassification(state: ProgramState, qualification: QualificationProjection): boolean {
  if (rulesEditionOf(state.policy) < 2) return qualification.meetsTargetClass !== false;
  return qualification.meetsTargetClass === true || (qualification.meetsTargetClass === null && !!state.qualificationConfirmed);
}

export function qualificationOn(state: ProgramState, date: CivilDate): QualificationProjection {
  return projectQualification(state.enrollment, state.targetClass, date, state.policy, state.leaves);
}

/**
 * Every rule whose date has come by `today`, in order. A migrated program gets all of its past
 * dates at once; a live program gets the one its timer woke it for.
 */
export function advance(state: ProgramState, today: CivilDate): EventDraft[] {
  if (isTerminal(state.status) || today < state.appointmentDate) return [];
  const actor = SYSTEM_ACTOR;
  const events: EventDraft[] = [];
  const withdrawal = state.scheduledWithdrawal;
  if (withdrawal && today >= withdrawal.effectiveOn) {
    // The program was active until then (decision 6): a clock that catches up late judges its last
    // day first, so a trainee who qualified before the withdrawal took effect was reclassified.
    const lastDay = minDate(addDays(withdrawal.effectiveOn, -1), state.latestCompletionDate);
    const reclassified = lastDay >= state.earliestReclassificationDate ? reclassificationOn(state, lastDay) : null;
    if (reclassified) {
      const reached: EventDraft[] = state.minimumPeriodReachedOn ? [] : [{ type: 'minimum-period-reached', actor, data: { on: lastDay } }];
      return [...reached, ...reclassified];
    }
    // A scheduled withdrawal ends the program at the start of its effective date.
    return [{ type: 'program-ended', actor: { id: 'system', role: 'system' }, data: { on: withdrawal.effectiveOn, reason: 'withdrawn' } }];
  }
  const removal = state.scheduledRemoval;
  if (removal && today >= removal.effectiveOn) {
    // A removal HR confirmed ahead ends the program at the start of its effective date (decision 7).
    return [{ type: 'program-ended', actor, data: { on: removal.effectiveOn, reason: 'unsatisfactory-service' } }];
  }
  for (const milestone of state.milestones) {
    if (milestone.status === 'pending' && today > milestone.dueDate) {
      events.push({ type: 'milestone-overdue', actor, data: { milestoneId: milestone.id, dueDate: milestone.dueDate, on: today } });
    }
  }
  if (!state.serviceRating && !state.serviceRatingOverdue && today > state.workingTestPeriodEndsOn) {
    events.push({ type: 'service-rating-overdue', actor, data: { workingTestPeriodEndsOn: state.workingTestPeriodEndsOn, on: today } });
  }
  if (!state.minimumPeriodReachedOn && today >= state.earliestReclassificationDate) {
    // Decision 10: the day it happened, even when the clock learns of it later (a migrated program).
    const on = rulesEditionOf(state.policy) >= 2 ? state.earliestReclassificationDate : today;
    events.push({ type: 'minimum-period-reached', actor, data: { on } });
  }
  // A clock that catches up late (a worker down over the cap, a migrated program) judges
  // eligibility no later than the last day the trainee class may be held.
  const asOf = minDate(today, state.latestCompletionDate);
  const reclassified = asOf >= state.earliestReclassificationDate ? reclassificationOn(state, asOf) : null;
  if (reclassified) return [...events, ...reclassified];
  const expiresOn = expiryDate(state);
  if (today >= expiresOn) {
    events.push({
      type: 'program-expired-at-maximum',
      actor,
      data: {
        // The cap is a date in law: a clock that catches up late still ends the program on it.
        on: expiresOn,
        latestCompletionDate: state.latestCompletionDate,
        openMilestones: state.milestones.filter((m) => m.status !== 'signed-off').map((m) => m.id),
      },
    });
    return events;
  }
  const dueWarning = dueCapWarning(state, today);
  if (dueWarning !== null) {
    events.push({
      type: 'cap-warning-issued',
      actor,
      data: {
        daysBefore: dueWarning,
        daysRemaining: daysBetween(today, state.latestCompletionDate),
        latestCompletionDate: state.latestCompletionDate,
        on: today,
      },
    });
  }
  const reminderPolicy = state.policy.milestoneReminders;
  if (reminderPolicy) events.push(...milestoneReminders(state, today, reminderPolicy));
  events.push(...hrDecisionReminders(state, today));
  return events;
}

/** The events that reclassify the program on `asOf`, when every requirement is met then; null otherwise. */
function reclassificationOn(state: ProgramState, asOf: CivilDate): EventDraft[] | null {
  if (!allRequirementsMet(state)) return null;
  const qualification = qualificationOn(state, asOf);
  if (!qualifiesForReclassification(state, qualification)) return null;
  const noticeId = reclassificationNoticeId(state.programId);
  return [
    { type: 'eligible-for-reclassification', actor: SYSTEM_ACTOR, data: { on: asOf, qualification } },
    {
      type: 'reclassification-notice-issued',
      actor: SYSTEM_ACTOR,
      data: { noticeId, effectiveOn: asOf, targetClassCode: state.targetClass.code, dasApprovalRef: state.schedule.dasApprovalRef },
    },
  ];
}

/**
 * The day the program expires at its start: the third anniversary, so the latest completion date
 * is served in full (decision 1); programs of rules edition 1 expire at the start of the latest
 * completion date itself.
 */
export const expiryDate = (state: ProgramState): CivilDate =>
  rulesEditionOf(state.policy) >= 2 ? addDays(state.latestCompletionDate, 1) : state.latestCompletionDate;

const remindedFor = (list: readonly MilestoneDueDate[], milestone: Milestone): boolean =>
  list.some((r) => r.milestoneId === milestone.id && r.dueDate === milestone.dueDate);

/**
 * The supervisor hears of a milestone before it is due and when it is overdue; the program manager
 * is brought in a policy number of days after the due date; and while anything stays overdue one
 * reminder (listing every overdue milestone) repeats weekly, so a supervisor gets one message a
 * week rather than one per milestone.
 */
function milestoneReminders(state: ProgramState, today: CivilDate, policy: MilestoneReminderPolicy): EventDraft[] {
  const actor = SYSTEM_ACTOR;
  const reminders = remindersOf(state);
  const events: EventDraft[] = [];
  const escalatedNow = new Set<string>();
  for (const milestone of state.milestones) {
    if (milestone.status === 'signed-off') continue;
    const { id: milestoneId, dueDate } = milestone;
    if (today <= dueDate) {
      if (today >= addDays(dueDate, -policy.dueSoonDaysBefore) && !remindedFor(reminders.dueSoon, milestone)) {
        events.push({
          type: 'milestone-due-soon',
          actor,
          data: { milestoneId, dueDate, on: today, daysBefore: daysBetween(today, dueDate) },
        });
      }
    } else if (today >= addDays(dueDate, policy.escalateAfterDaysOverdue) && !remindedFor(reminders.escalated, milestone)) {
      escalatedNow.add(milestoneId);
      events.push({
        type: 'milestone-escalated',
        actor,
        data: { milestoneId, dueDate, on: today, daysOverdue: daysBetween(dueDate, today) },
      });
    }
  }
  const overdue = reminders.overdue;
  if (overdue && today >= addDays(overdue.lastReminderOn ?? overdue.since, policy.repeatEveryDays)) {
    const open = state.milestones.filter((m) => m.status !== 'signed-off' && today > m.dueDate);
    if (open.length > 0) {
      events.push({
        type: 'overdue-reminder-issued',
        actor,
        data: {
          on: today,
          milestones: open.map((m) => ({
            milestoneId: m.id,
            dueDate: m.dueDate,
            daysOverdue: daysBetween(m.dueDate, today),
            escalated: escalatedNow.has(m.id) || remindedFor(reminders.escalated, m),
          })),
        },
      });
    }
  }
  return events;
}

/** The most urgent cap warning whose window has opened and that has not been issued. */
function dueCapWarning(state: ProgramState, today: CivilDate): number | null {
  const thresholds = [...state.policy.capWarningDays].sort((a, b) => a - b); // most urgent first
  for (const days of thresholds) {
    if (state.lastCapWarningDays !== null && days >= state.lastCapWarningDays) return null;
    if (today >= addDays(state.latestCompletionDate, -days)) return days;
  }
  return null;
}

/** The next date after `today` on which `advance` may have something to do; null once closed. */
export function nextCheckDate(state: ProgramState, today: CivilDate): CivilDate | null {
  if (isTerminal(state.status)) return null;
  const candidates: CivilDate[] = [state.appointmentDate, expiryDate(state)];
  if (state.scheduledWithdrawal) candidates.push(state.scheduledWithdrawal.effectiveOn);
  if (state.scheduledRemoval) candidates.push(state.scheduledRemoval.effectiveOn);
  if (state.hrDecision) {
    candidates.push(nextHrReminderDate(state, state.hrDecision));
    if (state.hrDecision.escalatedOn === null) candidates.push(state.hrDecision.escalatesOn);
  }
  for (const m of state.milestones) if (m.status === 'pending') candidates.push(addDays(m.dueDate, 1));
  if (!state.serviceRating && !state.serviceRatingOverdue) candidates.push(addDays(state.workingTestPeriodEndsOn, 1));
  if (!state.minimumPeriodReachedOn) candidates.push(state.earliestReclassificationDate);
  if (allRequirementsMet(state)) {
    const qualifiesOn = qualificationOn(state, state.latestCompletionDate).qualifiesOn;
    if (qualifiesOn) candidates.push(qualifiesOn);
  }
  for (const days of state.policy.capWarningDays) {
    if (state.lastCapWarningDays === null || days < state.lastCapWarningDays) candidates.push(addDays(state.latestCompletionDate, -days));
  }
  const reminderPolicy = state.policy.milestoneReminders;
  if (reminderPolicy) candidates.push(...reminderDates(state, reminderPolicy));
  const future = candidates.filter((d) => d > today);
  return future.length > 0 ? future.reduce((a, b) => (a < b ? a : b)) : null;
}

/** The dates on which `milestoneReminders` may next have something to say. */
function reminderDates(state: ProgramState, policy: MilestoneReminderPolicy): CivilDate[] {
  const reminders = remindersOf(state);
  const dates: CivilDate[] = [];
  for (const milestone of state.milestones) {
    if (milestone.status === 'signed-off') continue;
    if (!remindedFor(reminders.dueSoon, milestone)) dates.push(addDays(milestone.dueDate, -policy.dueSoonDaysBefore));
    if (!remindedFor(reminders.escalated, milestone)) dates.push(addDays(milestone.dueDate, policy.escalateAfterDaysOverdue));
  }
  if (reminders.overdue) dates.push(addDays(reminders.overdue.lastReminderOn ?? reminders.overdue.since, policy.repeatEveryDays));
  return dates;
}

export const reclassificationNoticeId = (programId: string): string => `${programId}/reclassification`;
