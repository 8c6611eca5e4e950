import { describe, expect, it } from 'vitest';
import { addDays, addMonths, anniversary } from '../../domain/dates.js';
import { defaultPolicy, resolvePolicy } from '../../domain/policy.js';
import {
  baseEarliestReclassificationDate,
  checkEnrollment,
  checkProgramLength,
  earliestReclassificationDate,
  educationYears,
  latestCompletionDate,
  minimumPeriodExtensionDays,
  projectQualification,
  workingTestPeriodEndDate,
  type Enrollment,
  type Leave,
} from '../../domain/rules.js';
import { findTargetClass, type TargetClass } from '../../domain/target-classes.js';

const APPOINTED = '2025-03-03'; // a Monday
const FIRST_ANNIVERSARY = '2026-03-03';
const LATEST_COMPLETION = '2028-03-02'; // the day before the third anniversary, 2028-03-03

function targetClass(code: string): TargetClass {
  const found = findTargetClass(code);
  if (!found) throw new Error(`test setup: no target class ${code}`);
  return found;
}

const labourRelationsSpecialist = targetClass('5257MP');

function enrollment(overrides: Partial<Enrollment> = {}): Enrollment {
  return {
    trainee: { employeeId: 'E1001', name: 'Dana Rivera', email: 'dana.rivera@example.ct.gov' },
    agency: 'Department of Administrative Services',
    functionalRole: 'Labor Relations',
    targetClassCode: '5257MP',
    supervisorId: 'sup-1',
    programManagerId: 'pm-1',
    appointmentDate: APPOINTED,
    hoursPerWeek: 40,
    schedule: {
      dasApprovalRef: 'DAS-2025-0142',
      approvedOn: '2025-02-20',
      plannedEndDate: '2026-09-02',
      milestones: [
        { id: 'm1', title: 'Grievance procedure orientation', dueDate: '2025-06-30' },
        { id: 'm2', title: 'Arbitration case under supervision', dueDate: '2025-12-15' },
        { id: 'm3', title: 'Lead a step-two grievance hearing', dueDate: '2026-06-30' },
      ],
    },
    priorExperience: { generalYears: 4, specialYears: 2 },
    education: { semesterHours: 120, degrees: ['bachelor'] },
    ...overrides,
  };
}

const violationsOf = (problems: readonly { code: string; field: string }[]) => problems.map(({ code, field }) => ({ code, field }));

describe('the program window', () => {
  it('allows reclassification from the first anniversary of the appointment', () => {
    expect(baseEarliestReclassificationDate(APPOINTED)).toBe(FIRST_ANNIVERSARY);
    expect(earliestReclassificationDate(APPOINTED, [], defaultPolicy)).toBe(FIRST_ANNIVERSARY);
  });

  it('ends the program at the latest on the day before the third anniversary', () => {
    expect(latestCompletionDate(APPOINTED)).toBe(LATEST_COMPLETION);
  });

  it('treats 28 February as the anniversary of a 29 February appointment in common years', () => {
    expect(baseEarliestReclassificationDate('2024-02-29')).toBe('2025-02-28');
    expect(latestCompletionDate('2024-02-29')).toBe('2027-02-27');
  });

  it('ends the trainee working test period the day before the six-month mark by default', () => {
    expect(workingTestPeriodEndDate(APPOINTED, defaultPolicy)).toBe('2025-09-02');
    expect(workingTestPeriodEndDate(APPOINTED, resolvePolicy({ workingTestPeriodMonths: 12 }))).toBe('2026-03-02');
  });
});

describe('checkProgramLength', () => {
  it('rejects a 37-month program as exceeding the statutory maximum', () => {
    expect(violationsOf(checkProgramLength(APPOINTED, addMonths(APPOINTED, 37), 'schedule.plannedEndDate'))).toEqual([
      { code: 'exceeds-statutory-maximum', field: 'schedule.plannedEndDate' },
    ]);
  });

  it('rejects a program planned to end on the third anniversary, one day too long', () => {
    expect(violationsOf(checkProgramLength(APPOINTED, '2028-03-03', 'plannedEndDate'))).toEqual([
      { code: 'exceeds-statutory-maximum', field: 'plannedEndDate' },
    ]);
  });

  it('accepts a program planned to end on the day before the third anniversary', () => {
    expect(checkProgramLength(APPOINTED, LATEST_COMPLETION, 'plannedEndDate')).toEqual([]);
  });

  it('rejects a program ending the day before the first anniversary as below the minimum length', () => {
    expect(violationsOf(checkProgramLength(APPOINTED, '2026-03-02', 'schedule.plannedEndDate'))).toEqual([
      { code: 'below-minimum-length', field: 'schedule.plannedEndDate' },
    ]);
  });

  it('accepts a program of exactly one year', () => {
    expect(checkProgramLength(APPOINTED, FIRST_ANNIVERSARY, 'plannedEndDate')).toEqual([]);
  });

  it('names the latest allowed date in its message', () => {
    const [problem] = checkProgramLength(APPOINTED, '2028-06-30', 'plannedEndDate');
    expect(problem?.message).toContain(LATEST_COMPLETION);
  });
});

describe('checkEnrollment', () => {
  it('accepts a full-time enrollment on a DAS-approved schedule', () => {
    expect(checkEnrollment(enrollment(), labourRelationsSpecialist, defaultPolicy)).toEqual([]);
  });

  it('rejects a 35-hour week as not full time, naming hoursPerWeek', () => {
    expect(violationsOf(checkEnrollment(enrollment({ hoursPerWeek: 35 }), labourRelationsSpecialist, defaultPolicy))).toEqual([
      { code: 'not-full-time', field: 'hoursPerWeek' },
    ]);
  });

  it('rejects a target class that is not in the approved catalogue, naming targetClassCode', () => {
    const unknown = enrollment({ targetClassCode: '9999MP' });
    expect(violationsOf(checkEnrollment(unknown, findTargetClass(unknown.targetClassCode), defaultPolicy))).toEqual([
      { code: 'unknown-target-class', field: 'targetClassCode' },
    ]);
  });

  it('rejects a schedule DAS approved after the appointment date', () => {
    const late = enrollment();
    late.schedule = { ...late.schedule, approvedOn: addDays(APPOINTED, 1) };
    expect(violationsOf(checkEnrollment(late, labourRelationsSpecialist, defaultPolicy))).toEqual([
      { code: 'schedule-approved-after-appointment', field: 'schedule.approvedOn' },
    ]);
  });

  it('accepts a schedule DAS approved on the appointment date itself', () => {
    const sameDay = enrollment();
    sameDay.schedule = { ...sameDay.schedule, approvedOn: APPOINTED };
    expect(checkEnrollment(sameDay, labourRelationsSpecialist, defaultPolicy)).toEqual([]);
  });

  it('rejects a milestone due after the planned end, naming its dueDate', () => {
    const e = enrollment();
    e.schedule = {
      ...e.schedule,
      milestones: e.schedule.milestones.map((m, i) => (i === 1 ? { ...m, dueDate: addDays(e.schedule.plannedEndDate, 1) } : m)),
    };
    expect(violationsOf(checkEnrollment(e, labourRelationsSpecialist, defaultPolicy))).toEqual([
      { code: 'milestone-outside-program', field: 'schedule.milestones[1].dueDate' },
    ]);
  });

  it('rejects a milestone due before the appointment', () => {
    const e = enrollment();
    e.schedule = {
      ...e.schedule,
      milestones: e.schedule.milestones.map((m, i) => (i === 0 ? { ...m, dueDate: addDays(APPOINTED, -1) } : m)),
    };
    expect(violationsOf(checkEnrollment(e, labourRelationsSpecialist, defaultPolicy))).toEqual([
      { code: 'milestone-outside-program', field: 'schedule.milestones[0].dueDate' },
    ]);
  });

  it('rejects a milestone id used twice, naming the second occurrence', () => {
    const e = enrollment();
    e.schedule = {
      ...e.schedule,
      milestones: e.schedule.milestones.map((m, i) => (i === 2 ? { ...m, id: 'm1' } : m)),
    };
    expect(violationsOf(checkEnrollment(e, labourRelationsSpecialist, defaultPolicy))).toEqual([
      { code: 'duplicate-milestone-id', field: 'schedule.milestones[2].id' },
    ]);
  });

  it('rejects a schedule planned past the statutory maximum, naming schedule.plannedEndDate', () => {
    const e = enrollment();
    e.schedule = { ...e.schedule, plannedEndDate: '2028-03-03' };
    expect(violationsOf(checkEnrollment(e, labourRelationsSpecialist, defaultPolicy))).toEqual([
      { code: 'exceeds-statutory-maximum', field: 'schedule.plannedEndDate' },
    ]);
  });

  it('rejects more special experience than general experience', () => {
    const e = enrollment({ priorExperience: { generalYears: 1, specialYears: 2 } });
    expect(violationsOf(checkEnrollment(e, labourRelationsSpecialist, defaultPolicy))).toEqual([
      { code: 'special-experience-exceeds-general', field: 'priorExperience.specialYears' },
    ]);
  });

  it('reports every broken rule at once', () => {
    const e = enrollment({ hoursPerWeek: 20, targetClassCode: 'NOPE' });
    e.schedule = { ...e.schedule, approvedOn: '2025-03-10' };
    expect(violationsOf(checkEnrollment(e, undefined, defaultPolicy))).toEqual([
      { code: 'unknown-target-class', field: 'targetClassCode' },
      { code: 'not-full-time', field: 'hoursPerWeek' },
      { code: 'schedule-approved-after-appointment', field: 'schedule.approvedOn' },
    ]);
  });
});

describe('leave and the minimum period', () => {
  const unpaid = (from: string, to: string): Leave => ({ from, to, kind: 'unpaid' });

  it('extends the minimum by the calendar length of an unpaid leave of 4 working days, both ends included', () => {
    // Thursday 5 June to Tuesday 10 June 2025: 4 working days, 6 calendar days
    const leave = unpaid('2025-06-05', '2025-06-10');
    expect(minimumPeriodExtensionDays(leave, defaultPolicy)).toBe(6);
    expect(earliestReclassificationDate(APPOINTED, [leave], defaultPolicy)).toBe('2026-03-09');
  });

  it('does not extend the minimum for an unpaid leave of exactly 3 working days, however long in calendar days', () => {
    // Friday 6 June to Tuesday 10 June 2025: 3 working days over 5 calendar days
    const leave = unpaid('2025-06-06', '2025-06-10');
    expect(minimumPeriodExtensionDays(leave, defaultPolicy)).toBe(0);
    expect(earliestReclassificationDate(APPOINTED, [leave], defaultPolicy)).toBe(FIRST_ANNIVERSARY);
  });

  it('does not extend the minimum for sick leave', () => {
    const leave: Leave = { from: '2025-06-02', to: '2025-06-27', kind: 'sick' };
    expect(minimumPeriodExtensionDays(leave, defaultPolicy)).toBe(0);
    expect(earliestReclassificationDate(APPOINTED, [leave], defaultPolicy)).toBe(FIRST_ANNIVERSARY);
  });

  it('adds up several unpaid leaves', () => {
    const leaves = [unpaid('2025-06-02', '2025-06-06'), unpaid('2025-09-01', '2025-09-10')]; // 5 + 10 calendar days
    expect(earliestReclassificationDate(APPOINTED, leaves, defaultPolicy)).toBe(addDays(FIRST_ANNIVERSARY, 15));
  });

  it('never moves the earliest reclassification date past the latest completion date', () => {
    const leaves = [unpaid('2025-04-01', '2027-12-31')];
    expect(minimumPeriodExtensionDays(leaves[0]!, defaultPolicy)).toBeGreaterThan(700);
    expect(earliestReclassificationDate(APPOINTED, leaves, defaultPolicy)).toBe(LATEST_COMPLETION);
  });

  it('ignores leave when the agency turns the extension off', () => {
    const policy = resolvePolicy({ unpaidLeaveExtendsMinimumPeriod: false });
    expect(earliestReclassificationDate(APPOINTED, [unpaid('2025-06-02', '2025-06-27')], policy)).toBe(FIRST_ANNIVERSARY);
  });

  it('follows an agency threshold other than 3 working days', () => {
    const policy = resolvePolicy({ unpaidLeaveThresholdWorkingDays: 5 });
    expect(minimumPeriodExtensionDays(unpaid('2025-06-02', '2025-06-06'), policy)).toBe(0); // 5 working days
    expect(minimumPeriodExtensionDays(unpaid('2025-06-02', '2025-06-09'), policy)).toBe(8); // 6 working days
  });
});

describe('projectQualification for Agency Labor Relations Specialist (5257MP: 8 general / 2 special years)', () => {
  const trainee = (generalYears: number, specialYears: number, education: Enrollment['education']) => ({
    appointmentDate: APPOINTED,
    priorExperience: { generalYears, specialYears },
    education,
  });

  it('counts 15 semester hours as half a year, up to 4 years', () => {
    const years = (semesterHours: number) => educationYears({ semesterHours, degrees: [] }, labourRelationsSpecialist);
    expect([0, 14, 15, 29, 30, 60, 119, 120, 200].map(years)).toEqual([0, 0, 0.5, 0.5, 1, 2, 3.5, 4, 4]);
  });

  it('counts a degree as 4 college years, a master one more and a law degree two more', () => {
    const years = (...degrees: ('bachelor' | 'master' | 'law')[]) =>
      educationYears({ semesterHours: 0, degrees }, labourRelationsSpecialist);
    expect(years('bachelor')).toBe(4);
    expect(years('bachelor', 'master')).toBe(5);
    expect(years('master')).toBe(5);
    expect(years('law')).toBe(6);
    expect(years('bachelor', 'master', 'law')).toBe(7);
  });

  it('projects a one-year shortfall at the first anniversary for 2 years of experience and a bachelor degree', () => {
    const projection = projectQualification(
      trainee(2, 2, { semesterHours: 0, degrees: ['bachelor'] }),
      labourRelationsSpecialist,
      FIRST_ANNIVERSARY,
      defaultPolicy,
    );
    expect(projection).toEqual({
      asOf: FIRST_ANNIVERSARY,
      meetsTargetClass: false,
      shortfallYears: 1,
      generalYears: 7,
      specialYears: 2,
      // 2 years still needed, counted in whole calendar months: the second anniversary.
      qualifiesOn: '2027-03-03',
    });
  });

  it('finds the trainee qualified on the projected date and not the day before', () => {
    const t = trainee(2, 2, { semesterHours: 0, degrees: ['bachelor'] });
    expect(projectQualification(t, labourRelationsSpecialist, '2027-03-02', defaultPolicy)).toMatchObject({
      meetsTargetClass: false,
      shortfallYears: 0.08,
    });
    expect(projectQualification(t, labourRelationsSpecialist, '2027-03-03', defaultPolicy)).toMatchObject({
      meetsTargetClass: true,
      shortfallYears: 0,
    });
  });

  it('counts program time as general experience by default, and not when the agency says so', () => {
    const t = trainee(2, 2, { semesterHours: 0, degrees: ['bachelor'] });
    const noProgramTime = resolvePolicy({ programTimeCountsAsGeneralExperience: false });
    const asOf = anniversary(APPOINTED, 2);
    expect(projectQualification(t, labourRelationsSpecialist, asOf, noProgramTime)).toMatchObject({
      generalYears: 6,
      shortfallYears: 2,
      meetsTargetClass: false,
      qualifiesOn: null,
    });
  });

  it('projects qualification on the appointment date for a trainee who already qualifies', () => {
    const t = trainee(4, 2, { semesterHours: 0, degrees: ['bachelor'] });
    expect(projectQualification(t, labourRelationsSpecialist, APPOINTED, defaultPolicy)).toMatchObject({
      meetsTargetClass: true,
      shortfallYears: 0,
      qualifiesOn: APPOINTED,
    });
  });

  it('never projects a qualification date when the shortfall is in special experience', () => {
    const t = trainee(8, 1, { semesterHours: 0, degrees: ['law'] });
    expect(projectQualification(t, labourRelationsSpecialist, LATEST_COMPLETION, defaultPolicy)).toMatchObject({
      meetsTargetClass: false,
      shortfallYears: 1,
      specialYears: 1,
      qualifiesOn: null,
    });
  });

  it('adds a master degree and a law degree to the general experience', () => {
    const master = projectQualification(
      trainee(2, 2, { semesterHours: 0, degrees: ['master'] }),
      labourRelationsSpecialist,
      APPOINTED,
      defaultPolicy,
    );
    const law = projectQualification(
      trainee(2, 2, { semesterHours: 0, degrees: ['law'] }),
      labourRelationsSpecialist,
      APPOINTED,
      defaultPolicy,
    );
    expect(master).toMatchObject({ generalYears: 7, shortfallYears: 1 });
    expect(law).toMatchObject({ generalYears: 8, shortfallYears: 0, meetsTargetClass: true });
  });

  it('says "not assessed" for a target class whose qualifications are not known', () => {
    // As recorded in programs enrolled before the catalogue held only classes found in the seeds.
    const unstated: TargetClass = {
      code: 'LRA',
      title: 'Labor Relations Associate',
      payPlan: 'MP',
      salaryGroup: null,
      annualSalary: null,
      minimumQualifications: null,
      source: 'seed 000',
    };
    const projection = projectQualification(trainee(0, 0, { semesterHours: 0, degrees: [] }), unstated, FIRST_ANNIVERSARY, defaultPolicy);
    expect(projection.meetsTargetClass).toBeNull();
    expect(projection.qualifiesOn).toBeNull();
  });
});
