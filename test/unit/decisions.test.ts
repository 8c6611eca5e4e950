/**
 * The decisions of 2026-11-29 (DOMAIN.md), for programs enrolled under rules edition 2. Programs
 * enrolled before keep the rules they were enrolled under (program.test.ts covers those).
 */
import { describe, expect, it } from 'vitest';
import { rowsFromCsv } from '../../api/import.js';
import { addDays, anniversary, type CivilDate } from '../../domain/dates.js';
import { noticeFor } from '../../domain/notices.js';
import { defaultPolicy, enrollmentPolicy, type PolicySettings } from '../../domain/policy.js';
import {
  advance,
  decideEnrollment,
  execute,
  nextCheckDate,
  replay,
  stamp,
  type Actor,
  type EventDraft,
  type ProgramCommand,
  type ProgramEvent,
  type ProgramState,
} from '../../domain/program.js';
import {
  continuousAbsences,
  earliestReclassificationDate,
  projectQualification,
  type Enrollment,
  type Leave,
  type RuleViolation,
} from '../../domain/rules.js';
import { findTargetClass } from '../../domain/target-classes.js';

const PROGRAM_ID = 'LA-2025-0002';
const APPOINTED = '2025-03-03';
const FIRST_ANNIVERSARY = '2026-03-03';
const LATEST_COMPLETION = '2028-03-02';
const THIRD_ANNIVERSARY = '2028-03-03';

const HR: Actor = { id: 'hr-7', role: 'hr' };
const SUPERVISOR: Actor = { id: 'sup-1', role: 'supervisor' };
const SYSTEM: Actor = { id: 'system', role: 'system' };
const POLICY: PolicySettings = enrollmentPolicy(defaultPolicy);

function enrollmentFixture(overrides: Partial<Enrollment> = {}): Enrollment {
  return {
    trainee: { employeeId: 'E2002', name: 'Sam Okafor', email: 'sam.okafor@example.ct.gov' },
    agency: 'OPM',
    functionalRole: 'Labor Relations',
    targetClassCode: '5257MP',
    supervisorId: SUPERVISOR.id,
    programManagerId: 'pm-1',
    appointmentDate: APPOINTED,
    hoursPerWeek: 40,
    priorExperience: { generalYears: 4, specialYears: 2 },
    education: { semesterHours: 120, degrees: ['bachelor'] },
    schedule: {
      dasApprovalRef: 'DAS-2025-0300',
      approvedOn: '2025-02-20',
      plannedEndDate: LATEST_COMPLETION,
      milestones: [{ id: 'm1', title: 'Grievance procedure orientation', dueDate: '2025-06-30' }],
    },
    ...overrides,
  };
}

interface History {
  events: ProgramEvent[];
  state: ProgramState;
}

function given(enrollment: Enrollment = enrollmentFixture(), ...more: EventDraft[]): History {
  const opened = decideEnrollment(enrollment, findTargetClass(enrollment.targetClassCode), POLICY, HR, {
    today: enrollment.appointmentDate,
  });
  if (!opened.ok) throw new Error(`test setup: enrollment rejected: ${JSON.stringify(opened.violations)}`);
  const events = stamp(PROGRAM_ID, 0, [...opened.events, ...more], `${enrollment.appointmentDate}T14:00:00.000Z`);
  const state = replay(events);
  if (!state) throw new Error('test setup: empty stream');
  return { events, state };
}

type Outcome = { ok: true; events: EventDraft[]; history: History } | { ok: false; violations: RuleViolation[] };

function when(history: History, command: ProgramCommand, actor: Actor, today: CivilDate): Outcome {
  const result = execute(history.state, command, actor, { today });
  if (!result.ok) return { ok: false, violations: result.violations };
  const events = [...history.events, ...stamp(PROGRAM_ID, history.state.version, result.events, `${today}T14:00:00.000Z`)];
  const state = replay(events);
  if (!state) throw new Error('unreachable');
  return { ok: true, events: result.events, history: { events, state } };
}

function accepted(outcome: Outcome): { events: EventDraft[]; history: History } {
  if (!outcome.ok) throw new Error(`expected acceptance, got ${JSON.stringify(outcome.violations)}`);
  return outcome;
}

const rejection = (outcome: Outcome) => (outcome.ok ? [] : outcome.violations.map(({ code, field }) => ({ code, field })));
const types = (events: readonly EventDraft[]) => events.map((e) => e.type);

/** Advances the clock day by day (through `advance`) from the history's last day to `to`. */
function clockTo(history: History, to: CivilDate): History {
  let current = history;
  let today = current.state.appointmentDate;
  for (;;) {
    const next = nextCheckDate(current.state, today);
    if (next === null || next > to) break;
    today = next;
    current = accepted(when(current, { type: 'advance-clock' }, SYSTEM, today)).history;
  }
  return current;
}

describe('decision 1: the last day counts', () => {
  it('takes a sign-off on the latest completion date and reclassifies on that day', () => {
    const open = clockTo(
      given(enrollmentFixture(), { type: 'service-rated', actor: SUPERVISOR, data: { rating: 'satisfactory', ratedOn: '2025-08-01' } }),
      LATEST_COMPLETION,
    );
    expect(open.state.status).toBe('active');
    const signed = accepted(
      when(open, { type: 'sign-off-milestone', milestoneId: 'm1', signedOn: LATEST_COMPLETION }, SUPERVISOR, LATEST_COMPLETION),
    );
    expect(types(signed.events)).toContain('reclassification-notice-issued');
    expect(signed.history.state.reclassification?.effectiveOn).toBe(LATEST_COMPLETION);
  });

  it('expires at the start of the third anniversary, not of the latest completion date', () => {
    const history = given();
    expect(advance(clockTo(history, addDays(LATEST_COMPLETION, -1)).state, LATEST_COMPLETION).map((e) => e.type)).not.toContain(
      'program-expired-at-maximum',
    );
    const expired = clockTo(history, THIRD_ANNIVERSARY);
    expect(expired.state).toMatchObject({ status: 'expired', ended: { on: THIRD_ANNIVERSARY, reason: 'expired' } });
  });

  it('keeps a migrated program whose latest completion date is today open', () => {
    const history = given();
    expect(types(advance(history.state, LATEST_COMPLETION))).not.toContain('program-expired-at-maximum');
  });

  it('still expires programs enrolled before the decision at the start of the latest completion date', () => {
    const opened = decideEnrollment(enrollmentFixture(), findTargetClass('5257MP'), defaultPolicy, HR);
    if (!opened.ok) throw new Error('setup');
    const state = replay(stamp(PROGRAM_ID, 0, opened.events, `${APPOINTED}T14:00:00.000Z`))!;
    expect(advance(state, LATEST_COMPLETION).find((e) => e.type === 'program-expired-at-maximum')?.data).toMatchObject({
      on: LATEST_COMPLETION,
    });
  });
});

describe('decision 3: approval before use', () => {
  it('refuses an enrollment whose schedule DAS approves after today', () => {
    const enrollment = enrollmentFixture({
      appointmentDate: '2025-04-01',
      schedule: { ...enrollmentFixture().schedule, approvedOn: '2025-03-20', plannedEndDate: '2027-03-31' },
    });
    const verdict = decideEnrollment(enrollment, findTargetClass('5257MP'), POLICY, HR, { today: '2025-03-10' });
    expect(verdict.ok ? [] : verdict.violations.map((v) => [v.code, v.field])).toEqual([
      ['schedule-approved-in-future', 'schedule.approvedOn'],
    ]);
    expect(decideEnrollment(enrollment, findTargetClass('5257MP'), POLICY, HR, { today: '2025-03-20' }).ok).toBe(true);
  });

  it('refuses an amendment approved after today', () => {
    const outcome = when(
      given(),
      { type: 'amend-schedule', dasApprovalRef: 'DAS-2025-0400', approvedOn: '2025-05-02', plannedEndDate: '2027-03-02' },
      { id: 'das-1', role: 'das' },
      '2025-05-01',
    );
    expect(rejection(outcome)).toEqual([{ code: 'schedule-approved-in-future', field: 'approvedOn' }]);
  });
});

describe('decision 4: nobody supervises themselves', () => {
  it('refuses the trainee as supervisor or program manager at enrollment, naming the field', () => {
    const enrollment = enrollmentFixture({ supervisorId: 'E2002', programManagerId: 'E2002' });
    const verdict = decideEnrollment(enrollment, findTargetClass('5257MP'), POLICY, HR, { today: APPOINTED });
    expect(verdict.ok ? [] : verdict.violations.map((v) => [v.code, v.field])).toEqual([
      ['supervisor-is-trainee', 'supervisorId'],
      ['supervisor-is-trainee', 'programManagerId'],
    ]);
  });
});

describe('decision 6: a withdrawal dated ahead is scheduled', () => {
  const withdrawOn = '2025-10-01';

  it('keeps the program active until the effective date and ends it at the start of that day', () => {
    const scheduled = accepted(when(given(), { type: 'withdraw', effectiveOn: withdrawOn, reason: 'Resigned' }, HR, '2025-09-15'));
    expect(types(scheduled.events)).toContain('withdrawn');
    expect(types(scheduled.events)).not.toContain('program-ended');
    expect(scheduled.history.state.status).toBe('active');
    expect(clockTo(scheduled.history, withdrawOn).state).toMatchObject({ status: 'ended', ended: { on: withdrawOn, reason: 'withdrawn' } });
    expect(types(advance(scheduled.history.state, addDays(withdrawOn, -1)))).not.toContain('program-ended');
    const ended = accepted(when(scheduled.history, { type: 'advance-clock' }, SYSTEM, withdrawOn));
    expect(ended.events).toEqual([expect.objectContaining({ type: 'program-ended', data: { on: withdrawOn, reason: 'withdrawn' } })]);
    expect(ended.history.state.status).toBe('ended');
  });

  it('lets HR cancel it before its date, as a correction pointing at the withdrawal', () => {
    const scheduled = accepted(when(given(), { type: 'withdraw', effectiveOn: withdrawOn, reason: 'Resigned' }, HR, '2025-09-15'));
    const cancelled = accepted(when(scheduled.history, { type: 'cancel-withdrawal', reason: 'Resignation withdrawn' }, HR, '2025-09-20'));
    const withdrawnId = scheduled.history.events.find((e) => e.type === 'withdrawn')?.id;
    expect(cancelled.events).toEqual([
      expect.objectContaining({
        type: 'withdrawal-cancelled',
        reason: 'Resignation withdrawn',
        data: { effectiveOn: withdrawOn, corrects: withdrawnId },
      }),
    ]);
    expect(types(advance(cancelled.history.state, withdrawOn))).not.toContain('program-ended');
    // The same request again changes nothing; on a program with nothing scheduled it is refused.
    expect(accepted(when(cancelled.history, { type: 'cancel-withdrawal', reason: 'again' }, HR, '2025-09-21')).events).toEqual([]);
    expect(rejection(when(given(), { type: 'cancel-withdrawal', reason: 'x' }, HR, '2025-09-21'))).toEqual([
      { code: 'no-scheduled-withdrawal', field: 'effectiveOn' },
    ]);
  });

  it('reclassifies a trainee who became eligible before the withdrawal took effect, when the clock catches up after it', () => {
    const signed = accepted(
      when(given(), { type: 'sign-off-milestone', milestoneId: 'm1', signedOn: '2025-06-20' }, SUPERVISOR, '2025-06-20'),
    );
    const rated = accepted(
      when(signed.history, { type: 'rate-service', rating: 'satisfactory', ratedOn: '2025-09-01' }, SUPERVISOR, '2025-09-01'),
    );
    const scheduled = accepted(when(rated.history, { type: 'withdraw', effectiveOn: '2026-04-01', reason: 'Resigned' }, HR, '2026-02-01'));
    // The worker was down from before the first anniversary until after the withdrawal's date.
    const late = accepted(when(scheduled.history, { type: 'advance-clock' }, SYSTEM, '2026-05-01'));
    expect(types(late.events)).toEqual(['minimum-period-reached', 'eligible-for-reclassification', 'reclassification-notice-issued']);
    expect(late.history.state).toMatchObject({ status: 'reclassified', reclassification: { effectiveOn: '2026-03-31' } });
    // Not eligible before it (no rating): the withdrawal ends the program on its date.
    const unrated = accepted(when(signed.history, { type: 'withdraw', effectiveOn: '2026-04-01', reason: 'Resigned' }, HR, '2026-02-01'));
    expect(accepted(when(unrated.history, { type: 'advance-clock' }, SYSTEM, '2026-05-01')).events).toEqual([
      expect.objectContaining({ type: 'program-ended', data: { on: '2026-04-01', reason: 'withdrawn' } }),
    ]);
  });

  it('refuses a second, different withdrawal while one is scheduled, and ends at once one dated today', () => {
    const scheduled = accepted(when(given(), { type: 'withdraw', effectiveOn: withdrawOn, reason: 'Resigned' }, HR, '2025-09-15'));
    expect(
      rejection(when(scheduled.history, { type: 'withdraw', effectiveOn: '2025-11-01', reason: 'Resigned' }, HR, '2025-09-16')),
    ).toEqual([{ code: 'withdrawal-already-scheduled', field: 'effectiveOn' }]);
    const today = accepted(when(given(), { type: 'withdraw', effectiveOn: '2025-09-15', reason: 'Resigned' }, HR, '2025-09-15'));
    expect(types(today.events)).toEqual(['withdrawn', 'program-ended']);
  });
});

describe('decision 12: New York dates everywhere', () => {
  it('dates the qualification warning by the New York date of an evening enrollment', () => {
    const enrollment = enrollmentFixture({
      priorExperience: { generalYears: 0, specialYears: 0 },
      education: { semesterHours: 0, degrees: [] },
    });
    const opened = decideEnrollment(enrollment, findTargetClass('5257MP'), POLICY, HR, { today: APPOINTED });
    if (!opened.ok) throw new Error('setup');
    // 20:30 in New York on 3 March is 01:30 UTC on 4 March.
    const events = stamp(PROGRAM_ID, 0, opened.events, '2025-03-04T01:30:00.000Z');
    const state = replay(events)!;
    const warning = events.find((e) => e.type === 'qualification-shortfall-projected')!;
    expect(noticeFor(warning, state)?.issuedOn).toBe('2025-03-03');
  });
});

describe('issue item 12: the CSV import keeps milestone titles as written', () => {
  it('keeps the spaces around a | inside a title', () => {
    const header =
      'trainee.employeeId,trainee.name,trainee.email,agency,functionalRole,targetClassCode,supervisorId,programManagerId,appointmentDate,hoursPerWeek,schedule.dasApprovalRef,schedule.approvedOn,schedule.plannedEndDate,schedule.milestones,priorExperience.generalYears,priorExperience.specialYears,education.semesterHours,education.degrees';
    const row =
      'E1,Ann Lee,ann@example.gov,OPM,LR,5257MP,sup-1,pm-1,2025-03-03,40,DAS-1,2025-02-20,2026-09-02," m1 | Grievances | arbitration (step 2) |2025-06-30 ;m2|Contract|2025-09-30",4,2,120,bachelor';
    const [parsed] = rowsFromCsv(`${header}\n${row}\n`);
    expect(parsed && 'value' in parsed ? (parsed.value as { schedule: { milestones: unknown } }).schedule.milestones : null).toEqual([
      { id: 'm1', title: 'Grievances | arbitration (step 2)', dueDate: '2025-06-30' },
      { id: 'm2', title: 'Contract', dueDate: '2025-09-30' },
    ]);
  });
});

describe('decision 2: which leave moves the earliest date', () => {
  const unpaid = (from: CivilDate, to: CivilDate): Leave => ({ from, to, kind: 'unpaid' });

  it('moves nothing for leave taken after the minimum period was served', () => {
    expect(earliestReclassificationDate(APPOINTED, [unpaid('2026-04-06', '2026-04-17')], POLICY)).toBe(FIRST_ANNIVERSARY);
    // Programs enrolled before the decision keep counting it.
    expect(earliestReclassificationDate(APPOINTED, [unpaid('2026-04-06', '2026-04-17')], defaultPolicy)).toBe('2026-03-15');
  });

  it('merges back-to-back records (Mon–Wed, Thu–Fri) into one absence of more than 3 working days', () => {
    const leaves = [unpaid('2025-05-05', '2025-05-07'), unpaid('2025-05-08', '2025-05-09')];
    expect(continuousAbsences(leaves)).toEqual([{ from: '2025-05-05', to: '2025-05-09' }]);
    expect(earliestReclassificationDate(APPOINTED, leaves, POLICY)).toBe(addDays(FIRST_ANNIVERSARY, 5));
  });

  it('merges records separated only by a weekend or a legal holiday, and not those a working day apart', () => {
    // Thu–Fri, then Mon–Tue: one absence of four working days.
    expect(earliestReclassificationDate(APPOINTED, [unpaid('2025-05-15', '2025-05-16'), unpaid('2025-05-19', '2025-05-20')], POLICY)).toBe(
      addDays(FIRST_ANNIVERSARY, 6),
    );
    // Fri 23 May, Memorial Day 26 May, then Tue–Thu: one absence.
    expect(continuousAbsences([unpaid('2025-05-21', '2025-05-23'), unpaid('2025-05-27', '2025-05-28')])).toHaveLength(1);
    // A working day between: two absences of two and two days, neither over the threshold.
    expect(earliestReclassificationDate(APPOINTED, [unpaid('2025-05-12', '2025-05-13'), unpaid('2025-05-15', '2025-05-16')], POLICY)).toBe(
      FIRST_ANNIVERSARY,
    );
  });

  it('counts an absence that begins before the date as already moved by an earlier one', () => {
    const first = unpaid('2025-06-02', '2025-06-30'); // 29 days: the date moves to 2026-04-01
    const second = unpaid('2026-03-16', '2026-03-20'); // before 2026-04-01, so it counts
    expect(earliestReclassificationDate(APPOINTED, [first, second], POLICY)).toBe(addDays(FIRST_ANNIVERSARY, 29 + 5));
  });

  it('leaves the minimum period reached when leave comes after the anniversary', () => {
    const reached = clockTo(given(), FIRST_ANNIVERSARY);
    expect(reached.state.minimumPeriodReachedOn).toBe(FIRST_ANNIVERSARY);
    const withLeave = accepted(
      when(reached, { type: 'record-leave', from: '2026-03-09', to: '2026-03-20', kind: 'unpaid' }, HR, '2026-03-21'),
    );
    expect(withLeave.history.state).toMatchObject({
      earliestReclassificationDate: FIRST_ANNIVERSARY,
      minimumPeriodReachedOn: FIRST_ANNIVERSARY,
    });
  });
});

describe('decision 8: qualifications, counted once and honestly', () => {
  const specialist = findTargetClass('5257MP')!;
  const trainee = (degrees: Enrollment['education']['degrees'], generalYears = 2) => ({
    appointmentDate: APPOINTED,
    priorExperience: { generalYears, specialYears: 2 },
    education: { semesterHours: 0, degrees },
  });

  it('counts a degree listed twice once', () => {
    const once = projectQualification(trainee(['master']), specialist, APPOINTED, POLICY);
    const twice = projectQualification(trainee(['master', 'master']), specialist, APPOINTED, POLICY);
    expect(twice.generalYears).toBe(once.generalYears);
    expect(twice.generalYears).toBe(2 + 4 + 1);
  });

  it("counts a Master's only when HR found its field related", () => {
    expect(
      projectQualification(trainee([{ kind: 'master', field: 'Fine arts', relatedField: false }]), specialist, APPOINTED, POLICY)
        .generalYears,
    ).toBe(6);
    expect(
      projectQualification(trainee([{ kind: 'master', field: 'Public administration', relatedField: true }]), specialist, APPOINTED, POLICY)
        .generalYears,
    ).toBe(7);
  });

  it('counts program time as experience only for days not on unpaid leave', () => {
    const t = trainee(['bachelor'], 3); // 3 + 4 = 7 years: one year of the program closes the gap
    const clear = projectQualification(t, specialist, FIRST_ANNIVERSARY, POLICY);
    expect(clear).toMatchObject({ meetsTargetClass: true, qualifiesOn: FIRST_ANNIVERSARY });
    const leave: Leave[] = [{ from: '2025-06-02', to: '2025-06-11', kind: 'unpaid' }];
    const onLeave = projectQualification(t, specialist, FIRST_ANNIVERSARY, POLICY, leave);
    expect(onLeave).toMatchObject({ meetsTargetClass: false, qualifiesOn: addDays(FIRST_ANNIVERSARY, 10) });
    expect(projectQualification(t, specialist, addDays(FIRST_ANNIVERSARY, 10), POLICY, leave).meetsTargetClass).toBe(true);
    // Sick leave is service.
    expect(projectQualification(t, specialist, FIRST_ANNIVERSARY, POLICY, [{ ...leave[0]!, kind: 'sick' }]).meetsTargetClass).toBe(true);
  });

  it('keeps the old count for programs enrolled before the decision', () => {
    expect(projectQualification(trainee(['master', 'master']), specialist, APPOINTED, defaultPolicy).generalYears).toBe(8);
  });
});

describe('anniversaries used above', () => {
  it('are what the fixture says', () => {
    expect(anniversary(APPOINTED, 3)).toBe(THIRD_ANNIVERSARY);
  });
});

describe('decision 9: the catalogue is data', () => {
  it('ships only classes found in the seeds, each naming the seed it comes from', async () => {
    const { readFile } = await import('node:fs/promises');
    const { TARGET_CLASS_CATALOGUE } = await import('../../domain/target-class-catalogue.js');
    expect(TARGET_CLASS_CATALOGUE.map((c) => c.code)).toEqual(['5257MP']);
    for (const targetClass of TARGET_CLASS_CATALOGUE) {
      const seed = await readFile(new URL(`../../../shared/seeds/${targetClass.seed ?? 'missing'}`, import.meta.url), 'utf8').catch(
        () => null,
      );
      // The seeds live beside the project (../shared); where they are absent, the name must still be one.
      if (seed !== null) {
        expect(seed).toContain(targetClass.code);
        expect(seed).toContain(targetClass.salaryGroup ?? '');
      }
      expect(targetClass.seed).toMatch(/^\d{3}_[0-9a-f]{16}\.txt$/);
    }
  });
});

describe('decision 8: a class without stated minimum qualifications waits for HR', () => {
  const unstated = { ...findTargetClass('5257MP')!, code: 'TEST-NOQ', minimumQualifications: null, seed: undefined };

  function givenUnstated(...more: EventDraft[]): History {
    const enrollment = enrollmentFixture({ targetClassCode: unstated.code });
    const opened = decideEnrollment(enrollment, unstated, POLICY, HR, { today: APPOINTED });
    if (!opened.ok) throw new Error('setup');
    const events = stamp(PROGRAM_ID, 0, [...opened.events, ...more], `${APPOINTED}T14:00:00.000Z`);
    return { events, state: replay(events)! };
  }
  const done: EventDraft[] = [
    { type: 'milestone-signed-off', actor: SUPERVISOR, data: { milestoneId: 'm1', signedOn: '2025-06-01' } },
    { type: 'service-rated', actor: SUPERVISOR, data: { rating: 'satisfactory', ratedOn: '2025-08-01' } },
  ];

  it('is not reclassified on its anniversary with everything done until HR confirms, with a reason', () => {
    const waiting = clockTo(givenUnstated(...done), '2026-06-01');
    expect(waiting.state.status).toBe('active');
    expect(waiting.state.reclassification).toBeNull();
    const confirmed = accepted(
      when(waiting, { type: 'confirm-qualification', reason: 'Transcript and experience verified by DAS' }, HR, '2026-06-02'),
    );
    expect(confirmed.events.map((e) => [e.type, e.reason])).toEqual([
      ['qualification-confirmed', 'Transcript and experience verified by DAS'],
      ['eligible-for-reclassification', undefined],
      ['reclassification-notice-issued', undefined],
    ]);
    expect(confirmed.history.state.reclassification?.effectiveOn).toBe('2026-06-02');
  });

  it('refuses the confirmation for a class whose qualifications the catalogue states', () => {
    expect(rejection(when(given(), { type: 'confirm-qualification', reason: 'x' }, HR, '2025-06-02'))).toEqual([
      { code: 'qualification-confirmation-not-needed', field: 'targetClassCode' },
    ]);
  });
});

describe('the preview, for any enrollment', () => {
  it('gives the same dates, milestones, qualification, status and violations as enrolling it', async () => {
    const fc = (await import('fast-check')).default;
    const { previewEnrollment } = await import('../../domain/preview.js');
    const enrollments = fc.record({
      appointmentOffset: fc.integer({ min: -1200, max: 60 }),
      approvedBefore: fc.integer({ min: -90, max: 30 }),
      plannedEndDays: fc.integer({ min: 300, max: 1200 }),
      hoursPerWeek: fc.constantFrom(40, 40, 40, 35),
      supervisorId: fc.constantFrom('sup-1', 'sup-1', 'E2002'),
      generalYears: fc.integer({ min: 0, max: 10 }),
      specialYears: fc.integer({ min: 0, max: 4 }),
      degrees: fc.subarray(['bachelor', 'master', 'master', 'law'] as const),
      targetClassCode: fc.constantFrom('5257MP', '5257MP', 'NOPE'),
      milestoneDays: fc.array(fc.integer({ min: -10, max: 1100 }), { minLength: 1, maxLength: 4 }),
    });
    const today = '2027-06-15';
    fc.assert(
      fc.property(enrollments, (e) => {
        const appointmentDate = addDays(today, e.appointmentOffset);
        const enrollment = enrollmentFixture({
          appointmentDate,
          hoursPerWeek: e.hoursPerWeek,
          supervisorId: e.supervisorId,
          targetClassCode: e.targetClassCode,
          priorExperience: { generalYears: e.generalYears, specialYears: e.specialYears },
          education: { semesterHours: 60, degrees: [...e.degrees] },
          schedule: {
            dasApprovalRef: 'DAS-PV-1',
            approvedOn: addDays(appointmentDate, -e.approvedBefore),
            plannedEndDate: addDays(appointmentDate, e.plannedEndDays),
            milestones: e.milestoneDays.map((d, i) => ({
              id: `m${i + 1}`,
              title: `Milestone ${i + 1}`,
              dueDate: addDays(appointmentDate, d),
            })),
          },
        });
        const targetClass = findTargetClass(enrollment.targetClassCode);
        const preview = previewEnrollment(enrollment, targetClass, POLICY, HR, today);
        const opened = decideEnrollment(enrollment, targetClass, POLICY, HR, { today });
        if (!opened.ok) {
          expect(preview.violations).toEqual(opened.violations);
          return;
        }
        expect(preview.violations).toEqual([]);
        // As the workflow does: record the enrollment, then apply every rule whose date has passed.
        const enrolled = replay(stamp('preview', 0, opened.events, `${today}T12:00:00.000Z`))!;
        const started = accepted(
          when(
            { events: stamp('preview', 0, opened.events, `${today}T12:00:00.000Z`), state: enrolled },
            { type: 'advance-clock' },
            SYSTEM,
            today,
          ),
        ).history.state;
        const program = preview.program!;
        expect(program).toMatchObject({
          status: started.status,
          earliestReclassificationDate: started.earliestReclassificationDate,
          latestCompletionDate: started.latestCompletionDate,
          workingTestPeriodEndsOn: started.workingTestPeriodEndsOn,
          milestones: started.milestones,
        });
        expect(program.qualification).toEqual(qualificationOnPlannedEnd(started));
      }),
      { numRuns: 300 },
    );
  });
});

function qualificationOnPlannedEnd(state: ProgramState) {
  return projectQualification(state.enrollment, state.targetClass, state.schedule.plannedEndDate, state.policy, state.leaves);
}
