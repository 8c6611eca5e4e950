/**
 * The program rules of DOMAIN.md as pure functions. No I/O, no clock: callers pass "today".
 */
import { addDays, addMonths, anniversary, daysBetween, minDate, workingDaysInclusive, type CivilDate } from './dates.js';
import { isConnecticutHoliday } from './holidays.js';
import { rulesEditionOf, type PolicySettings } from './policy.js';
import { degreeKind, type Degree, type DegreeKind, type TargetClass } from './target-classes.js';

/** Stable codes for every rule a request can break; the API uses them as its error `code`. */
export type RuleCode =
  | 'below-minimum-length'
  | 'exceeds-statutory-maximum'
  | 'not-full-time'
  | 'unknown-target-class'
  | 'schedule-approved-after-appointment'
  | 'schedule-approved-in-future'
  | 'milestone-outside-program'
  | 'duplicate-milestone-id'
  | 'unknown-milestone'
  | 'not-assigned-to-program'
  | 'date-before-appointment'
  | 'date-in-future'
  | 'program-closed'
  // A command sent with If-Match at a version the program has moved on from (shared/API.md 1.1).
  | 'version-mismatch'
  | 'amendment-approved-before-current-schedule'
  | 'amendment-changes-nothing'
  | 'das-approval-ref-reused'
  | 'signed-off-milestone-removed'
  | 'leave-dates-reversed'
  | 'leave-outside-program'
  | 'leave-overlaps'
  | 'withdrawal-outside-program'
  | 'transfer-before-last-transfer'
  | 'milestone-not-signed-off'
  | 'unknown-leave'
  | 'not-the-trainee'
  | 'progress-report-exists'
  | 'unknown-progress-report'
  | 'review-before-report'
  | 'special-experience-exceeds-general'
  | 'supervisor-is-trainee'
  | 'trainee-already-enrolled'
  | 'withdrawal-already-scheduled'
  | 'no-scheduled-withdrawal'
  | 'hr-decision-not-pending'
  | 'hr-decision-pending'
  | 'removal-date-outside-program'
  | 'remediation-amendment-missing'
  | 'qualification-confirmation-not-needed'
  | 'prior-record-outside-program'
  | 'prior-record-in-future'
  | 'unknown-prior-milestone';

export interface RuleViolation {
  code: RuleCode;
  /** Dotted path of the offending field in the request, e.g. `schedule.milestones[2].dueDate`. */
  field: string;
  message: string;
}

export const violation = (code: RuleCode, field: string, message: string): RuleViolation => ({ code, field, message });

// --- Program window (C.G.S. 5-234 and the class specification) -----------------------------

/** First anniversary of the appointment: no reclassification before it (1-year minimum). */
export function baseEarliestReclassificationDate(appointmentDate: CivilDate): CivilDate {
  return anniversary(appointmentDate, 1);
}

/** The day before the third anniversary: service in the trainee class never reaches 3 years. */
export function latestCompletionDate(appointmentDate: CivilDate): CivilDate {
  return addDays(anniversary(appointmentDate, 3), -1);
}

/**
 * Earliest reclassification date after unpaid leave: each unpaid leave of more than the policy's
 * threshold of working days pushes it back by its length in calendar days, both ends included
 * (DAS General Letter 31), never past the statutory cap.
 */
export function earliestReclassificationDate(appointmentDate: CivilDate, leaves: readonly Leave[], policy: PolicySettings): CivilDate {
  const cap = latestCompletionDate(appointmentDate);
  if (rulesEditionOf(policy) < 2) {
    const extension = leaves.reduce((days, leave) => days + minimumPeriodExtensionDays(leave, policy), 0);
    return minDate(addDays(baseEarliestReclassificationDate(appointmentDate), extension), cap);
  }
  // Decision 2: one continuous absence counts once, and only if it begins before the minimum
  // period (as already moved) is served; it then moves the date by its whole length, since the
  // service still owed on its first day is owed again after its last.
  let earliest = baseEarliestReclassificationDate(appointmentDate);
  for (const absence of continuousAbsences(leaves)) {
    if (!policy.unpaidLeaveExtendsMinimumPeriod || absence.from >= earliest) continue;
    if (workingDaysInclusive(absence.from, absence.to, isConnecticutHoliday) <= policy.unpaidLeaveThresholdWorkingDays) continue;
    earliest = addDays(earliest, daysBetween(absence.from, absence.to) + 1);
  }
  return minDate(earliest, cap);
}

/** The first working day (not a weekend, not a Connecticut legal holiday) after `date`. */
function nextWorkingDayAfter(date: CivilDate): CivilDate {
  let next = addDays(date, 1);
  while (workingDaysInclusive(next, next, isConnecticutHoliday) === 0) next = addDays(next, 1);
  return next;
}

/** The date `workingDays` working days (not weekends, not Connecticut legal holidays) after `date`. */
export function addWorkingDays(date: CivilDate, workingDays: number): CivilDate {
  let day = date;
  for (let i = 0; i < workingDays; i++) day = nextWorkingDayAfter(day);
  return day;
}

/**
 * Unpaid leave as continuous absences, oldest first: records that touch or overlap, or are
 * separated only by weekends and legal holidays, are one absence (DOMAIN.md decision 2).
 */
export function continuousAbsences(leaves: readonly Leave[]): { from: CivilDate; to: CivilDate }[] {
  const unpaid = leaves.filter((l) => l.kind === 'unpaid').sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const absences: { from: CivilDate; to: CivilDate }[] = [];
  for (const leave of unpaid) {
    const last = absences.at(-1);
    if (last && leave.from <= nextWorkingDayAfter(last.to)) {
      if (leave.to > last.to) last.to = leave.to;
    } else {
      absences.push({ from: leave.from, to: leave.to });
    }
  }
  return absences;
}

/** Calendar days of unpaid leave from `from` to `to`, both ends included (overlaps counted once). */
export function unpaidLeaveDaysWithin(leaves: readonly Leave[], from: CivilDate, to: CivilDate): number {
  let days = 0;
  for (const absence of continuousAbsences(leaves)) {
    const start = absence.from > from ? absence.from : from;
    const end = absence.to < to ? absence.to : to;
    if (start <= end) days += daysBetween(start, end) + 1;
  }
  return days;
}

export type LeaveKind = 'unpaid' | 'sick' | 'workers-comp' | 'other';

export interface Leave {
  from: CivilDate;
  to: CivilDate;
  kind: LeaveKind;
}

/** The working days a leave spans: weekdays, less Connecticut's legal holidays where the policy says so. */
export function leaveWorkingDays(leave: Pick<Leave, 'from' | 'to'>, policy: PolicySettings): number {
  return workingDaysInclusive(leave.from, leave.to, policy.workingDaysExcludeStateHolidays === true ? isConnecticutHoliday : undefined);
}

export function minimumPeriodExtensionDays(leave: Leave, policy: PolicySettings): number {
  if (!policy.unpaidLeaveExtendsMinimumPeriod || leave.kind !== 'unpaid') return 0;
  if (leaveWorkingDays(leave, policy) <= policy.unpaidLeaveThresholdWorkingDays) return 0;
  return daysBetween(leave.from, leave.to) + 1;
}

/** Last day of the trainee's working test period (C.G.S. 5-230); a service rating is due by then. */
export function workingTestPeriodEndDate(appointmentDate: CivilDate, policy: PolicySettings): CivilDate {
  return addDays(addMonths(appointmentDate, policy.workingTestPeriodMonths), -1);
}

// --- Schedule ------------------------------------------------------------------------------

export interface Milestone {
  id: string;
  title: string;
  dueDate: CivilDate;
}

export interface Schedule {
  dasApprovalRef: string;
  approvedOn: CivilDate;
  plannedEndDate: CivilDate;
  milestones: Milestone[];
}

/** Program length: at least one year and at most three calendar years (rule 2). */
export function checkProgramLength(appointmentDate: CivilDate, plannedEndDate: CivilDate, field: string): RuleViolation[] {
  const earliest = baseEarliestReclassificationDate(appointmentDate);
  const latest = latestCompletionDate(appointmentDate);
  if (plannedEndDate < earliest) {
    return [
      violation(
        'below-minimum-length',
        field,
        `The planned end date ${plannedEndDate} is less than one year after the appointment date ${appointmentDate}; the earliest allowed is ${earliest}.`,
      ),
    ];
  }
  if (plannedEndDate > latest) {
    return [
      violation(
        'exceeds-statutory-maximum',
        field,
        `The planned end date ${plannedEndDate} exceeds the three-year maximum of C.G.S. 5-234; the latest allowed is ${latest}.`,
      ),
    ];
  }
  return [];
}

/** Every milestone falls between the appointment and the planned end, with unique ids (rule 3). */
export function checkMilestones(
  appointmentDate: CivilDate,
  plannedEndDate: CivilDate,
  milestones: readonly Milestone[],
  field: string,
): RuleViolation[] {
  const problems: RuleViolation[] = [];
  const seen = new Set<string>();
  milestones.forEach((milestone, index) => {
    if (seen.has(milestone.id)) {
      problems.push(violation('duplicate-milestone-id', `${field}[${index}].id`, `Milestone id "${milestone.id}" appears more than once.`));
    }
    seen.add(milestone.id);
    if (milestone.dueDate < appointmentDate || milestone.dueDate > plannedEndDate) {
      problems.push(
        violation(
          'milestone-outside-program',
          `${field}[${index}].dueDate`,
          `Milestone "${milestone.id}" is due ${milestone.dueDate}, outside the program (${appointmentDate} to ${plannedEndDate}).`,
        ),
      );
    }
  });
  return problems;
}

// --- Enrollment ----------------------------------------------------------------------------

export interface Enrollment {
  trainee: { employeeId: string; name: string; email: string };
  agency: string;
  functionalRole: string;
  targetClassCode: string;
  supervisorId: string;
  programManagerId: string;
  appointmentDate: CivilDate;
  hoursPerWeek: number;
  schedule: Schedule;
  priorExperience: { generalYears: number; specialYears: number };
  education: { semesterHours: number; degrees: Degree[] };
  /** A program already under way brings what was recorded elsewhere, each dated (decision 10). */
  priorRecords?: PriorRecords;
}

/** Sign-offs, service ratings and leave of a migrated program, as recorded before it came here. */
export interface PriorRecords {
  signOffs?: { milestoneId: string; signedOn: CivilDate; signedOffBy: string }[];
  serviceRatings?: { rating: 'satisfactory' | 'unsatisfactory'; ratedOn: CivilDate; ratedBy: string }[];
  leaves?: Leave[];
}

/**
 * The prior records of a migrated program: each dated within the program and not after today, each
 * sign-off of a milestone on the schedule and once, leave not reversed nor overlapping (decision 10).
 */
export function checkPriorRecords(enrollment: Enrollment, today: CivilDate | undefined): RuleViolation[] {
  const prior = enrollment.priorRecords;
  if (!prior) return [];
  const problems: RuleViolation[] = [];
  const { appointmentDate } = enrollment;
  const cap = latestCompletionDate(appointmentDate);
  const dated = (date: CivilDate, field: string): void => {
    if (date < appointmentDate || date > cap) {
      problems.push(violation('prior-record-outside-program', field, `${date} is outside the program (${appointmentDate} to ${cap}).`));
    } else if (today !== undefined && date > today) {
      problems.push(
        violation('prior-record-in-future', field, `${date} is after today (${today}); only what has happened can be migrated.`),
      );
    }
  };
  const signed = new Set<string>();
  (prior.signOffs ?? []).forEach((s, i) => {
    const field = `priorRecords.signOffs[${i}]`;
    if (!enrollment.schedule.milestones.some((m) => m.id === s.milestoneId)) {
      problems.push(violation('unknown-prior-milestone', `${field}.milestoneId`, `The schedule has no milestone "${s.milestoneId}".`));
    } else if (signed.has(s.milestoneId)) {
      problems.push(
        violation('duplicate-milestone-id', `${field}.milestoneId`, `Milestone "${s.milestoneId}" is signed off more than once.`),
      );
    }
    signed.add(s.milestoneId);
    dated(s.signedOn, `${field}.signedOn`);
  });
  (prior.serviceRatings ?? []).forEach((r, i) => dated(r.ratedOn, `priorRecords.serviceRatings[${i}].ratedOn`));
  const leaves = prior.leaves ?? [];
  leaves.forEach((l, i) => {
    const field = `priorRecords.leaves[${i}]`;
    if (l.from > l.to)
      problems.push(violation('leave-dates-reversed', `${field}.to`, `The leave ends (${l.to}) before it starts (${l.from}).`));
    dated(l.from, `${field}.from`);
    dated(l.to, `${field}.to`);
    const other = leaves.findIndex((o, j) => j < i && o.from <= l.to && l.from <= o.to);
    if (other >= 0) problems.push(violation('leave-overlaps', `${field}.from`, `The leave overlaps priorRecords.leaves[${other}].`));
  });
  return problems;
}

/** All the rules an enrollment must meet, each violation naming its field. */
export function checkEnrollment(
  enrollment: Enrollment,
  targetClass: TargetClass | undefined,
  policy: PolicySettings,
  today?: CivilDate,
): RuleViolation[] {
  const problems: RuleViolation[] = [];
  if (rulesEditionOf(policy) >= 2) {
    // Decision 3: DAS approves before the schedule is used, at enrollment as at amendment.
    if (today !== undefined && enrollment.schedule.approvedOn > today) {
      problems.push(
        violation(
          'schedule-approved-in-future',
          'schedule.approvedOn',
          `The schedule's DAS approval is dated ${enrollment.schedule.approvedOn}, after today (${today}).`,
        ),
      );
    }
    // Decision 4: nobody supervises themselves.
    problems.push(...checkNotTrainee(enrollment.trainee.employeeId, enrollment));
  }
  if (!targetClass) {
    problems.push(
      violation('unknown-target-class', 'targetClassCode', `"${enrollment.targetClassCode}" is not an approved designated target class.`),
    );
  }
  if (enrollment.hoursPerWeek !== policy.requiredHoursPerWeek) {
    problems.push(
      violation(
        'not-full-time',
        'hoursPerWeek',
        `Leadership Associates must work a full-time ${policy.requiredHoursPerWeek}-hour week; ${enrollment.hoursPerWeek} was given.`,
      ),
    );
  }
  if (enrollment.priorExperience.specialYears > enrollment.priorExperience.generalYears) {
    problems.push(
      violation(
        'special-experience-exceeds-general',
        'priorExperience.specialYears',
        'Special experience is part of the general experience, so it cannot exceed it.',
      ),
    );
  }
  const { schedule, appointmentDate } = enrollment;
  if (schedule.approvedOn > appointmentDate) {
    problems.push(
      violation(
        'schedule-approved-after-appointment',
        'schedule.approvedOn',
        `DAS must approve the schedule on or before the appointment date ${appointmentDate}; it was approved ${schedule.approvedOn}.`,
      ),
    );
  }
  problems.push(...checkProgramLength(appointmentDate, schedule.plannedEndDate, 'schedule.plannedEndDate'));
  problems.push(...checkMilestones(appointmentDate, schedule.plannedEndDate, schedule.milestones, 'schedule.milestones'));
  problems.push(...checkPriorRecords(enrollment, today));
  return problems;
}

/** The supervisor and the program manager are never the trainee (DOMAIN.md decision 4). */
export function checkNotTrainee(employeeId: string, assignment: { supervisorId: string; programManagerId: string }): RuleViolation[] {
  const problems: RuleViolation[] = [];
  for (const field of ['supervisorId', 'programManagerId'] as const) {
    if (assignment[field] === employeeId) {
      problems.push(
        violation(
          'supervisor-is-trainee',
          field,
          `The ${field === 'supervisorId' ? 'supervisor' : 'program manager'} cannot be the trainee.`,
        ),
      );
    }
  }
  return problems;
}

// --- Qualification for the target class (rule 7) -------------------------------------------

export interface QualificationProjection {
  /** The date the projection is for. */
  asOf: CivilDate;
  /** null when the target class's minimum qualifications are not known. */
  meetsTargetClass: boolean | null;
  shortfallYears: number;
  generalYears: number;
  specialYears: number;
  /** When program time alone will close the gap, the first date it does; null if it never will. */
  qualifiesOn: CivilDate | null;
}

const round2 = (n: number): number => Math.round(n * 100) / 100 + 0; // + 0 turns -0 into 0

/** Whole calendar months from `from` to `to` (a month from 31 January ends on 28/29 February). */
export function wholeMonthsBetween(from: CivilDate, to: CivilDate): number {
  if (to < from) return 0;
  let months = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
  while (months > 0 && addMonths(from, months) > to) months--;
  return months;
}

/** Years that education stands for, by the target class's own substitution values. */
export function educationYears(education: Enrollment['education'], targetClass: TargetClass, policy?: PolicySettings): number {
  const rules = targetClass.minimumQualifications?.substitutions;
  if (!rules) return 0;
  const hasDegree = education.degrees.length > 0; // a graduate or law degree implies a Bachelor's
  const college = hasDegree
    ? rules.maxCollegeYears
    : Math.min(Math.floor(education.semesterHours / rules.semesterHoursPerHalfYear) * 0.5, rules.maxCollegeYears);
  const kinds: DegreeKind[] =
    policy !== undefined && rulesEditionOf(policy) >= 2 ? countingDegreeKinds(education.degrees) : education.degrees.map(degreeKind);
  const additional = kinds.reduce((years, kind) => years + (rules.additionalYearsForDegree[kind] ?? 0), 0);
  return college + additional;
}

/**
 * Decision 8: each kind of degree counts once, and a graduate or law degree whose field HR found
 * unrelated (`relatedField: false`) earns no additional years. The plain form means HR confirmed it.
 */
export function countingDegreeKinds(degrees: readonly Degree[]): DegreeKind[] {
  const kinds = new Set<DegreeKind>();
  for (const degree of degrees) {
    if (typeof degree === 'object' && degree.kind !== 'bachelor' && degree.relatedField === false) continue;
    kinds.add(degreeKind(degree));
  }
  return [...kinds];
}

/**
 * Whether the trainee meets the target class's minimum qualifications on `asOf`. Program time is
 * counted in whole calendar months, as experience is on State applications, so a year of the program
 * is exactly one year of experience.
 */
export function projectQualification(
  enrollment: Pick<Enrollment, 'appointmentDate' | 'priorExperience' | 'education'>,
  targetClass: TargetClass,
  asOf: CivilDate,
  policy: PolicySettings,
  leaves: readonly Leave[] = [],
): QualificationProjection {
  const required = targetClass.minimumQualifications;
  // Decision 8: days on unpaid leave are not experience.
  const leaveDays = (until: CivilDate): number =>
    rulesEditionOf(policy) >= 2 ? unpaidLeaveDaysWithin(leaves, enrollment.appointmentDate, until) : 0;
  const programMonths = policy.programTimeCountsAsGeneralExperience
    ? wholeMonthsBetween(enrollment.appointmentDate, addDays(asOf, -leaveDays(asOf)))
    : 0;
  const baseGeneral = enrollment.priorExperience.generalYears + educationYears(enrollment.education, targetClass, policy);
  const generalYears = round2(baseGeneral + programMonths / 12);
  const specialYears = enrollment.priorExperience.specialYears;
  if (!required) {
    return { asOf, meetsTargetClass: null, shortfallYears: 0, generalYears, specialYears, qualifiesOn: null };
  }
  // Months of program time still needed for the general experience (never fractional months).
  const monthsNeeded = Math.max(0, Math.ceil((required.generalYears - baseGeneral) * 12 - 1e-9));
  const generalGapYears = Math.max(0, monthsNeeded - programMonths) / 12;
  const specialGapYears = Math.max(0, required.specialYears - specialYears);
  const meets = generalGapYears === 0 && specialGapYears === 0;
  let qualifiesOn: CivilDate | null = null;
  if (specialGapYears === 0 && (policy.programTimeCountsAsGeneralExperience || monthsNeeded === 0)) {
    const withoutLeave = addMonths(enrollment.appointmentDate, monthsNeeded);
    // Each day of unpaid leave before it puts the date back a day (a few rounds settle it).
    qualifiesOn = withoutLeave;
    for (let round = 0; round < 20; round++) {
      const next = addDays(withoutLeave, leaveDays(qualifiesOn));
      if (next === qualifiesOn) break;
      qualifiesOn = next;
    }
  }
  return {
    asOf,
    meetsTargetClass: meets,
    shortfallYears: round2(Math.max(generalGapYears, specialGapYears)),
    generalYears,
    specialYears,
    qualifiesOn,
  };
}
