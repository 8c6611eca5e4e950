/**
 * The program aggregate, emmett-style: given the events so far, when a command arrives, then these
 * events (or this rejection). "Given" histories are stamped and replayed exactly as the workflow does.
 */
import { describe, expect, it } from 'vitest';
import { addMonths, type CivilDate } from '../../domain/dates.js';
import { defaultPolicy } from '../../domain/policy.js';
import {
  decideEnrollment,
  evolve,
  execute,
  nextCheckDate,
  advance,
  replay,
  stamp,
  type Actor,
  type EventDraft,
  type EventType,
  type ProgramCommand,
  type ProgramEvent,
  type ProgramState,
  type ServiceRatingValue,
} from '../../domain/program.js';
import type { Enrollment, Milestone, RuleViolation } from '../../domain/rules.js';
import { findTargetClass } from '../../domain/target-classes.js';
import { enrollmentFixture } from '../fixtures/enrollment.js';

// --- Fixture -----------------------------------------------------------------------------------

const PROGRAM_ID = 'LA-2025-0001';
const APPOINTED = '2025-03-03';
const FIRST_ANNIVERSARY = '2026-03-03';
const LATEST_COMPLETION = '2028-03-02';
const DAS_REF = 'DAS-2025-0142';

const HR: Actor = { id: 'hr-7', role: 'hr' };
const SUPERVISOR: Actor = { id: 'sup-1', role: 'supervisor' };
const PROGRAM_MANAGER: Actor = { id: 'pm-1', role: 'program-manager' };
const ANOTHER_SUPERVISOR: Actor = { id: 'sup-9', role: 'supervisor' };
const SYSTEM: Actor = { id: 'system', role: 'system' };

const MILESTONES: Milestone[] = [
  { id: 'm1', title: 'Grievance procedure orientation', dueDate: '2025-06-30' },
  { id: 'm2', title: 'Arbitration case under supervision', dueDate: '2025-12-15' },
  { id: 'm3', title: 'Lead a step-two grievance hearing', dueDate: '2026-06-30' },
];

interface History {
  events: ProgramEvent[];
  state: ProgramState;
}

/** Given: the enrollment's own events, then `more`, stamped and replayed. */
function given(enrollment: Enrollment, ...more: EventDraft[]): History {
  const opened = decideEnrollment(enrollment, findTargetClass(enrollment.targetClassCode), defaultPolicy, HR);
  if (!opened.ok) throw new Error(`test setup: enrollment rejected: ${JSON.stringify(opened.violations)}`);
  const events = stamp(PROGRAM_ID, 0, [...opened.events, ...more], `${enrollment.appointmentDate}T14:00:00.000Z`);
  const state = replay(events);
  if (!state) throw new Error('test setup: empty stream');
  return { events, state };
}

const signedOff = (milestoneId: string, signedOn: CivilDate, actor: Actor = SUPERVISOR): EventDraft => ({
  type: 'milestone-signed-off',
  actor,
  data: { milestoneId, signedOn },
});
const rated = (rating: ServiceRatingValue, ratedOn: CivilDate, actor: Actor = SUPERVISOR): EventDraft => ({
  type: 'service-rated',
  actor,
  data: { rating, ratedOn },
});
const allWorkDone: EventDraft[] = [
  signedOff('m1', '2025-06-20'),
  rated('satisfactory', '2025-08-29'),
  signedOff('m2', '2025-12-10', PROGRAM_MANAGER),
  signedOff('m3', '2026-02-20'),
];

type Outcome = { ok: true; events: EventDraft[]; history: History } | { ok: false; violations: RuleViolation[]; history: History };

/** When: `command` arrives on `today`. On success the new events are stamped and replayed onto the history. */
function when(history: History, command: ProgramCommand, actor: Actor, today: CivilDate): Outcome {
  const result = execute(history.state, command, actor, { today });
  if (!result.ok) return { ok: false, violations: result.violations, history };
  const events = [...history.events, ...stamp(PROGRAM_ID, history.state.version, result.events, `${today}T14:00:00.000Z`)];
  const state = replay(events);
  if (!state) throw new Error('unreachable: a non-empty stream');
  return { ok: true, events: result.events, history: { events, state } };
}

function accepted(outcome: Outcome): { events: EventDraft[]; history: History } {
  if (!outcome.ok) throw new Error(`expected the command to be accepted, got ${JSON.stringify(outcome.violations)}`);
  return outcome;
}

function rejection(outcome: Outcome): { code: string; field: string }[] {
  if (outcome.ok) throw new Error(`expected a rejection, got events ${JSON.stringify(types(outcome.events))}`);
  return outcome.violations.map(({ code, field }) => ({ code, field }));
}

const types = (events: readonly EventDraft[]): EventType[] => events.map((e) => e.type);
const ofType = <T extends EventType>(events: readonly EventDraft[], type: T) =>
  events.filter((e): e is Extract<EventDraft, { type: T }> => e.type === type);
const advanceClock: ProgramCommand = { type: 'advance-clock' };
const signOff = (milestoneId: string, signedOn: CivilDate): ProgramCommand => ({ type: 'sign-off-milestone', milestoneId, signedOn });

// --- Enrollment ----------------------------------------------------------------------------------

describe('enrolling a Leadership Associate', () => {
  it('opens the program with enrolled and schedule-approved, fixing its dates', () => {
    const opened = decideEnrollment(enrollmentFixture(), findTargetClass('5257MP'), defaultPolicy, HR);
    if (!opened.ok) throw new Error(JSON.stringify(opened.violations));
    expect(types(opened.events)).toEqual(['enrolled', 'schedule-approved']);
    expect(opened.events[0]).toMatchObject({
      actor: HR,
      data: {
        earliestReclassificationDate: FIRST_ANNIVERSARY,
        latestCompletionDate: LATEST_COMPLETION,
        workingTestPeriodEndsOn: '2025-09-02',
      },
    });
    const { state } = given(enrollmentFixture());
    expect(state).toMatchObject({
      programId: PROGRAM_ID,
      status: 'active',
      version: 2,
      schedule: { dasApprovalRef: DAS_REF, approvalRefs: [DAS_REF] },
    });
    expect(state.milestones.map((m) => [m.id, m.status])).toEqual([
      ['m1', 'pending'],
      ['m2', 'pending'],
      ['m3', 'pending'],
    ]);
  });

  it('warns HR at enrollment when the trainee will not qualify for the target class by the planned end', () => {
    const opened = decideEnrollment(
      enrollmentFixture({ priorExperience: { generalYears: 2, specialYears: 1 } }),
      findTargetClass('5257MP'),
      defaultPolicy,
      HR,
    );
    if (!opened.ok) throw new Error(JSON.stringify(opened.violations));
    expect(types(opened.events)).toEqual(['enrolled', 'schedule-approved', 'qualification-shortfall-projected']);
    expect(ofType(opened.events, 'qualification-shortfall-projected')[0]?.data.projection).toMatchObject({
      asOf: '2026-09-02',
      meetsTargetClass: false,
      qualifiesOn: null, // one year of special experience short: program time cannot close that gap
    });
  });

  it('refuses a part-time enrollment with the rule and the field', () => {
    const opened = decideEnrollment(enrollmentFixture({ hoursPerWeek: 35 }), findTargetClass('5257MP'), defaultPolicy, HR);
    expect(opened.ok).toBe(false);
    if (opened.ok) return;
    expect(opened.violations.map(({ code, field }) => ({ code, field }))).toEqual([{ code: 'not-full-time', field: 'hoursPerWeek' }]);
  });
});

// --- Sign-offs -------------------------------------------------------------------------------------

describe('signing off milestones', () => {
  it('records a sign-off once, however often it is submitted', () => {
    const first = accepted(when(given(enrollmentFixture()), signOff('m1', '2025-07-01'), SUPERVISOR, '2025-07-01'));
    expect(first.events).toEqual([
      { type: 'milestone-signed-off', actor: SUPERVISOR, data: { milestoneId: 'm1', signedOn: '2025-07-01' } },
    ]);

    const again = accepted(when(first.history, signOff('m1', '2025-07-01'), SUPERVISOR, '2025-07-02'));
    expect(again.events).toEqual([]);
    expect(ofType(again.history.events, 'milestone-signed-off')).toHaveLength(1);
    expect(again.history.state.milestones[0]).toMatchObject({
      id: 'm1',
      status: 'signed-off',
      signedOffBy: SUPERVISOR.id,
      signedOffOn: '2025-07-01',
    });
  });

  it('lets the program manager sign off as well as the supervisor', () => {
    const outcome = accepted(when(given(enrollmentFixture()), signOff('m2', '2025-06-15'), PROGRAM_MANAGER, '2025-06-16'));
    expect(types(outcome.events)).toEqual(['milestone-signed-off']);
    expect(outcome.history.state.milestones[1]).toMatchObject({ status: 'signed-off', signedOffBy: PROGRAM_MANAGER.id });
  });

  it('rejects a sign-off by a supervisor who is neither the supervisor nor the program manager of this program', () => {
    const history = given(enrollmentFixture());
    const before = structuredClone(history.state);
    const outcome = when(history, signOff('m1', '2025-06-20'), ANOTHER_SUPERVISOR, '2025-06-20');
    expect(rejection(outcome)).toEqual([{ code: 'not-assigned-to-program', field: 'actor' }]);
    expect(history.state).toEqual(before);
  });

  it('rejects a sign-off of a milestone the schedule does not have', () => {
    expect(rejection(when(given(enrollmentFixture()), signOff('m4', '2025-06-20'), SUPERVISOR, '2025-06-20'))).toEqual([
      { code: 'unknown-milestone', field: 'milestoneId' },
    ]);
  });

  it('rejects a sign-off dated after today or before the appointment', () => {
    const history = given(enrollmentFixture());
    expect(rejection(when(history, signOff('m1', '2025-06-21'), SUPERVISOR, '2025-06-20'))).toEqual([
      { code: 'date-in-future', field: 'signedOn' },
    ]);
    expect(rejection(when(history, signOff('m1', '2025-03-02'), SUPERVISOR, '2025-06-20'))).toEqual([
      { code: 'date-before-appointment', field: 'signedOn' },
    ]);
  });
});

// --- Reclassification --------------------------------------------------------------------------------

describe('reclassification', () => {
  it('waits for the first anniversary when every requirement is met early', () => {
    const { state } = given(enrollmentFixture(), ...allWorkDone);
    expect(state.status).toBe('awaiting-minimum');
  });

  it('does not reclassify on the day before the first anniversary', () => {
    const outcome = accepted(when(given(enrollmentFixture(), ...allWorkDone), advanceClock, SYSTEM, '2026-03-02'));
    expect(outcome.events).toEqual([]);
    expect(outcome.history.state.status).toBe('awaiting-minimum');
  });

  it('reclassifies on the first anniversary, with a notice effective that day', () => {
    const outcome = accepted(when(given(enrollmentFixture(), ...allWorkDone), advanceClock, SYSTEM, FIRST_ANNIVERSARY));
    expect(types(outcome.events)).toEqual(['minimum-period-reached', 'eligible-for-reclassification', 'reclassification-notice-issued']);
    expect(ofType(outcome.events, 'reclassification-notice-issued')[0]?.data).toEqual({
      noticeId: `${PROGRAM_ID}/reclassification`,
      effectiveOn: FIRST_ANNIVERSARY,
      targetClassCode: '5257MP',
      dasApprovalRef: DAS_REF,
    });
    expect(outcome.history.state.status).toBe('reclassified');
    expect(outcome.history.state.reclassification).toEqual({ effectiveOn: FIRST_ANNIVERSARY, noticeId: `${PROGRAM_ID}/reclassification` });
  });

  it('reclassifies at once when the last milestone is signed off after the anniversary', () => {
    const [m1, rating, m2] = allWorkDone;
    const reached = accepted(when(given(enrollmentFixture(), m1!, rating!, m2!), advanceClock, SYSTEM, FIRST_ANNIVERSARY));
    expect(types(reached.events)).toEqual(['minimum-period-reached']);
    expect(reached.history.state.status).toBe('active');

    const done = accepted(when(reached.history, signOff('m3', '2026-04-10'), SUPERVISOR, '2026-04-10'));
    expect(types(done.events)).toEqual(['milestone-signed-off', 'eligible-for-reclassification', 'reclassification-notice-issued']);
    expect(ofType(done.events, 'reclassification-notice-issued')[0]?.data.effectiveOn).toBe('2026-04-10');
  });

  it('reclassifies a migrated program at once when its last sign-off arrives 13 months after appointment', () => {
    const today = '2026-04-03';
    expect(addMonths(today, -13)).toBe(APPOINTED);
    const migrated = given(enrollmentFixture());

    const rating = accepted(when(migrated, { type: 'rate-service', rating: 'satisfactory', ratedOn: '2025-08-29' }, SUPERVISOR, today));
    expect(types(rating.events)).toEqual(['service-rated', 'milestone-overdue', 'milestone-overdue', 'minimum-period-reached']);

    const first = accepted(when(rating.history, signOff('m1', '2025-06-25'), SUPERVISOR, today));
    const second = accepted(when(first.history, signOff('m2', '2025-12-10'), SUPERVISOR, today));
    expect(types([...first.events, ...second.events])).toEqual(['milestone-signed-off', 'milestone-signed-off']);

    const last = accepted(when(second.history, signOff('m3', '2026-03-20'), PROGRAM_MANAGER, today));
    expect(types(last.events)).toEqual(['milestone-signed-off', 'eligible-for-reclassification', 'reclassification-notice-issued']);
    expect(ofType(last.events, 'reclassification-notice-issued')[0]?.data.effectiveOn).toBe(today);
    expect(last.history.state.status).toBe('reclassified');
  });

  it('waits until the trainee meets the target class experience requirement before reclassifying', () => {
    // 2 years of experience + a bachelor degree (4) = 6 of the 8 years; program time closes the gap
    // after 24 whole calendar months: on the second anniversary, 2027-03-03.
    const history = given(enrollmentFixture({ priorExperience: { generalYears: 2, specialYears: 2 } }), ...allWorkDone);
    const reached = accepted(when(history, advanceClock, SYSTEM, FIRST_ANNIVERSARY));
    expect(types(reached.events)).toEqual(['minimum-period-reached']);
    expect(nextCheckDate(reached.history.state, FIRST_ANNIVERSARY)).toBe('2027-03-03');

    expect(accepted(when(reached.history, advanceClock, SYSTEM, '2027-03-02')).events).toEqual([]);
    const qualified = accepted(when(reached.history, advanceClock, SYSTEM, '2027-03-03'));
    expect(types(qualified.events)).toEqual(['eligible-for-reclassification', 'reclassification-notice-issued']);
    expect(ofType(qualified.events, 'eligible-for-reclassification')[0]?.data.qualification).toMatchObject({ meetsTargetClass: true });
  });

  it('pushes the first anniversary back by a long unpaid leave', () => {
    const leave = accepted(
      when(
        given(enrollmentFixture(), ...allWorkDone),
        { type: 'record-leave', from: '2025-06-05', to: '2025-06-10', kind: 'unpaid' },
        HR,
        '2025-06-11',
      ),
    );
    expect(ofType(leave.events, 'leave-recorded')[0]?.data).toMatchObject({
      workingDays: 4,
      extendsMinimumByDays: 6,
      earliestReclassificationDate: '2026-03-09',
    });
    expect(accepted(when(leave.history, advanceClock, SYSTEM, '2026-03-08')).events).toEqual([]);
    expect(types(accepted(when(leave.history, advanceClock, SYSTEM, '2026-03-09')).events)).toContain('reclassification-notice-issued');
  });
});

// --- Unsatisfactory service ------------------------------------------------------------------------

describe('unsatisfactory service', () => {
  it('ends the program for unsatisfactory service', () => {
    const outcome = accepted(
      when(given(enrollmentFixture()), { type: 'rate-service', rating: 'unsatisfactory', ratedOn: '2025-08-15' }, SUPERVISOR, '2025-08-15'),
    );
    expect(types(outcome.events)).toEqual(['service-rated', 'program-ended']);
    expect(ofType(outcome.events, 'program-ended')[0]?.data).toEqual({ on: '2025-08-15', reason: 'unsatisfactory-service' });
    expect(outcome.history.state.status).toBe('ended');
    expect(outcome.history.state.ended).toEqual({ on: '2025-08-15', reason: 'unsatisfactory-service' });
  });

  it('accepts no further sign-offs once the program has ended', () => {
    const ended = accepted(
      when(given(enrollmentFixture()), { type: 'rate-service', rating: 'unsatisfactory', ratedOn: '2025-08-15' }, SUPERVISOR, '2025-08-15'),
    );
    expect(rejection(when(ended.history, signOff('m1', '2025-08-16'), SUPERVISOR, '2025-08-16'))).toEqual([
      { code: 'program-closed', field: 'programId' },
    ]);
    expect(accepted(when(ended.history, advanceClock, SYSTEM, FIRST_ANNIVERSARY)).events).toEqual([]);
  });
});

// --- Transfers -----------------------------------------------------------------------------------

describe('transferring a trainee', () => {
  const NEW_SUPERVISOR: Actor = { id: 'sup-2', role: 'supervisor' };
  const transfer = (effectiveOn: CivilDate, to: { agency?: string; supervisorId?: string; programManagerId?: string }): ProgramCommand => ({
    type: 'transfer',
    effectiveOn,
    ...to,
  });

  it('moves the program to the new agency and supervisor, keeping its clock, schedule and progress', () => {
    const history = given(enrollmentFixture(), signedOff('m1', '2025-06-20'));
    const outcome = accepted(
      when(history, transfer('2025-09-02', { agency: 'Department of Labor', supervisorId: NEW_SUPERVISOR.id }), HR, '2025-09-02'),
    );
    expect(outcome.events).toEqual([
      {
        type: 'transferred',
        actor: HR,
        data: {
          effectiveOn: '2025-09-02',
          from: { agency: 'Department of Administrative Services', supervisorId: SUPERVISOR.id, programManagerId: PROGRAM_MANAGER.id },
          to: { agency: 'Department of Labor', supervisorId: NEW_SUPERVISOR.id, programManagerId: PROGRAM_MANAGER.id },
        },
      },
    ]);
    const { state } = outcome.history;
    expect(state.enrollment).toMatchObject({
      agency: 'Department of Labor',
      supervisorId: NEW_SUPERVISOR.id,
      programManagerId: PROGRAM_MANAGER.id,
    });
    expect([state.earliestReclassificationDate, state.latestCompletionDate]).toEqual([FIRST_ANNIVERSARY, LATEST_COMPLETION]);
    expect(state.schedule).toEqual(history.state.schedule);
    expect(state.milestones[0]).toMatchObject({ id: 'm1', status: 'signed-off', signedOffBy: SUPERVISOR.id });
  });

  it('gives the program to the new supervisor: the former one may no longer sign off, the new one may', () => {
    const moved = accepted(
      when(given(enrollmentFixture()), transfer('2025-09-02', { supervisorId: NEW_SUPERVISOR.id }), HR, '2025-09-02'),
    ).history;
    expect(rejection(when(moved, signOff('m1', '2025-09-03'), SUPERVISOR, '2025-09-03'))).toEqual([
      { code: 'not-assigned-to-program', field: 'actor' },
    ]);
    expect(ofType(accepted(when(moved, signOff('m1', '2025-09-03'), NEW_SUPERVISOR, '2025-09-03')).events, 'milestone-signed-off')).toEqual(
      [{ type: 'milestone-signed-off', actor: NEW_SUPERVISOR, data: { milestoneId: 'm1', signedOn: '2025-09-03' } }],
    );
  });

  it('records the same transfer once, however often it is submitted', () => {
    const first = accepted(when(given(enrollmentFixture()), transfer('2025-09-02', { agency: 'Department of Labor' }), HR, '2025-09-02'));
    expect(accepted(when(first.history, transfer('2025-09-02', { agency: 'Department of Labor' }), HR, '2025-09-02')).events).toEqual([]);
  });

  it('rejects a transfer dated before the appointment, after today, or before the last transfer', () => {
    const history = given(enrollmentFixture());
    expect(rejection(when(history, transfer('2025-03-02', { agency: 'DOL' }), HR, '2025-09-02'))).toEqual([
      { code: 'date-before-appointment', field: 'effectiveOn' },
    ]);
    expect(rejection(when(history, transfer('2025-09-03', { agency: 'DOL' }), HR, '2025-09-02'))).toEqual([
      { code: 'date-in-future', field: 'effectiveOn' },
    ]);
    const moved = accepted(when(history, transfer('2025-09-02', { agency: 'DOL' }), HR, '2025-09-02')).history;
    expect(rejection(when(moved, transfer('2025-09-01', { agency: 'DEEP' }), HR, '2025-09-05'))).toEqual([
      { code: 'transfer-before-last-transfer', field: 'effectiveOn' },
    ]);
  });

  it('rejects the trainee as their own supervisor or program manager, and any transfer of a closed program', () => {
    const history = given(enrollmentFixture());
    expect(rejection(when(history, transfer('2025-09-02', { programManagerId: 'E1001' }), HR, '2025-09-02'))).toEqual([
      { code: 'supervisor-is-trainee', field: 'programManagerId' },
    ]);
    const ended = accepted(when(history, { type: 'withdraw', effectiveOn: '2025-08-01', reason: 'Resigned' }, HR, '2025-08-01')).history;
    expect(rejection(when(ended, transfer('2025-09-02', { agency: 'DOL' }), HR, '2025-09-02'))).toEqual([
      { code: 'program-closed', field: 'programId' },
    ]);
  });
});

// --- Progress reports ----------------------------------------------------------------------------

describe('progress reports', () => {
  const TRAINEE: Actor = { id: 'E1001', role: 'trainee' };
  const report = (periodEnding: CivilDate, summary = 'Shadowed two grievance hearings.'): ProgramCommand => ({
    type: 'submit-progress-report',
    periodEnding,
    summary,
  });
  const review = (periodEnding: CivilDate, reviewedOn: CivilDate): ProgramCommand => ({
    type: 'review-progress-report',
    periodEnding,
    reviewedOn,
    comments: 'Good progress',
  });

  it('takes the trainee’s report once per period, and its review by the program manager once', () => {
    const submitted = accepted(when(given(enrollmentFixture()), report('2025-05-31'), TRAINEE, '2025-06-02'));
    expect(submitted.events).toEqual([
      {
        type: 'progress-report-submitted',
        actor: TRAINEE,
        data: { periodEnding: '2025-05-31', submittedOn: '2025-06-02', summary: 'Shadowed two grievance hearings.' },
      },
    ]);
    expect(accepted(when(submitted.history, report('2025-05-31'), TRAINEE, '2025-06-03')).events).toEqual([]);
    expect(rejection(when(submitted.history, report('2025-05-31', 'Something else'), TRAINEE, '2025-06-03'))).toEqual([
      { code: 'progress-report-exists', field: 'periodEnding' },
    ]);

    const reviewed = accepted(when(submitted.history, review('2025-05-31', '2025-06-04'), PROGRAM_MANAGER, '2025-06-04'));
    expect(reviewed.events).toEqual([
      {
        type: 'progress-report-reviewed',
        actor: PROGRAM_MANAGER,
        data: { periodEnding: '2025-05-31', reviewedOn: '2025-06-04', comments: 'Good progress', reportedBy: 'E1001' },
      },
    ]);
    expect(reviewed.history.state.progressReports).toEqual([
      {
        periodEnding: '2025-05-31',
        submittedOn: '2025-06-02',
        submittedBy: 'E1001',
        summary: 'Shadowed two grievance hearings.',
        reviewedOn: '2025-06-04',
        reviewedBy: PROGRAM_MANAGER.id,
        reviewComments: 'Good progress',
      },
    ]);
    expect(accepted(when(reviewed.history, review('2025-05-31', '2025-06-05'), SUPERVISOR, '2025-06-05')).events).toEqual([]);
  });

  it('refuses a report by anyone but the trainee, for a period in the future, and a review by a stranger, before the report or of no report', () => {
    const history = given(enrollmentFixture());
    expect(rejection(when(history, report('2025-05-31'), { id: 'E9999', role: 'trainee' }, '2025-06-02'))).toEqual([
      { code: 'not-the-trainee', field: 'actor' },
    ]);
    expect(rejection(when(history, report('2025-06-30'), TRAINEE, '2025-06-02'))).toEqual([
      { code: 'date-in-future', field: 'periodEnding' },
    ]);
    const submitted = accepted(when(history, report('2025-05-31'), TRAINEE, '2025-06-02')).history;
    expect(rejection(when(submitted, review('2025-05-31', '2025-06-03'), ANOTHER_SUPERVISOR, '2025-06-03'))).toEqual([
      { code: 'not-assigned-to-program', field: 'actor' },
    ]);
    expect(rejection(when(submitted, review('2025-05-31', '2025-06-01'), SUPERVISOR, '2025-06-03'))).toEqual([
      { code: 'review-before-report', field: 'reviewedOn' },
    ]);
    expect(rejection(when(submitted, review('2025-04-30', '2025-06-03'), SUPERVISOR, '2025-06-03'))).toEqual([
      { code: 'unknown-progress-report', field: 'periodEnding' },
    ]);
  });
});

// --- Corrections ---------------------------------------------------------------------------------

describe('corrections', () => {
  const retract = (milestoneId: string): ProgramCommand => ({
    type: 'retract-sign-off',
    milestoneId,
    reason: 'Signed off the wrong milestone',
  });
  const cancelLeave = (from: CivilDate, to: CivilDate): ProgramCommand => ({
    type: 'cancel-leave',
    from,
    to,
    reason: 'Entered against the wrong trainee',
  });

  it('retracts a sign-off with a new event that points at it; the milestone is open again, and overdue at once past its due date', () => {
    const signed = accepted(when(given(enrollmentFixture()), signOff('m1', '2025-06-20'), SUPERVISOR, '2025-06-20')).history;
    const signOffEvent = signed.events.find((e) => e.type === 'milestone-signed-off');
    const outcome = accepted(when(signed, retract('m1'), SUPERVISOR, '2025-07-02'));
    expect(outcome.events[0]).toEqual({
      type: 'sign-off-retracted',
      actor: SUPERVISOR,
      reason: 'Signed off the wrong milestone',
      data: { milestoneId: 'm1', corrects: signOffEvent?.id, signedOffBy: SUPERVISOR.id, signedOn: '2025-06-20' },
    });
    // m1 was due 2025-06-30: open again, it is overdue at once.
    expect(types(outcome.events)).toEqual(['sign-off-retracted', 'milestone-overdue']);
    expect(outcome.history.state.milestones[0]).toEqual({ ...MILESTONES[0], status: 'overdue' });
    // The sign-off itself is still in the stream: nothing recorded is changed.
    expect(outcome.history.events).toContainEqual(signOffEvent);
  });

  it('lets HR retract, refuses a supervisor of another program, and answers a repeated retraction with nothing new', () => {
    const signed = accepted(when(given(enrollmentFixture()), signOff('m1', '2025-06-20'), SUPERVISOR, '2025-06-20')).history;
    expect(rejection(when(signed, retract('m1'), ANOTHER_SUPERVISOR, '2025-06-21'))).toEqual([
      { code: 'not-assigned-to-program', field: 'actor' },
    ]);
    const retracted = accepted(when(signed, retract('m1'), HR, '2025-06-21'));
    expect(types(retracted.events)).toEqual(['sign-off-retracted']);
    expect(accepted(when(retracted.history, retract('m1'), HR, '2025-06-21')).events).toEqual([]);
    expect(rejection(when(retracted.history, retract('m2'), HR, '2025-06-21'))).toEqual([
      { code: 'milestone-not-signed-off', field: 'milestoneId' },
    ]);
    expect(rejection(when(retracted.history, retract('m9'), HR, '2025-06-21'))).toEqual([
      { code: 'unknown-milestone', field: 'milestoneId' },
    ]);
  });

  it('takes a program that was only waiting for its first anniversary back to active', () => {
    const done = given(enrollmentFixture(), ...allWorkDone);
    expect(done.state.status).toBe('awaiting-minimum');
    const outcome = accepted(when(done, retract('m3'), PROGRAM_MANAGER, '2026-02-25'));
    expect(outcome.history.state.status).toBe('active');
    // Signed again, it reclassifies on the anniversary as before.
    const again = accepted(when(outcome.history, signOff('m3', '2026-02-26'), SUPERVISOR, '2026-02-26'));
    expect(types(accepted(when(again.history, advanceClock, SYSTEM, FIRST_ANNIVERSARY)).events)).toContain(
      'reclassification-notice-issued',
    );
  });

  it('cancels leave recorded in error: the first anniversary is reckoned again without it, and the correction points at the leave', () => {
    const withLeave = accepted(
      when(
        given(enrollmentFixture(), ...allWorkDone),
        { type: 'record-leave', from: '2025-06-05', to: '2025-06-10', kind: 'unpaid' },
        HR,
        '2025-06-11',
      ),
    ).history;
    expect(withLeave.state.earliestReclassificationDate).toBe('2026-03-09');
    const leaveEvent = withLeave.events.find((e) => e.type === 'leave-recorded');
    const outcome = accepted(when(withLeave, cancelLeave('2025-06-05', '2025-06-10'), HR, '2025-06-12'));
    expect(outcome.events).toEqual([
      {
        type: 'leave-cancelled',
        actor: HR,
        reason: 'Entered against the wrong trainee',
        data: {
          from: '2025-06-05',
          to: '2025-06-10',
          kind: 'unpaid',
          corrects: leaveEvent?.id,
          earliestReclassificationDate: FIRST_ANNIVERSARY,
        },
      },
    ]);
    expect(outcome.history.state.leaves).toEqual([]);
    expect(outcome.history.state.earliestReclassificationDate).toBe(FIRST_ANNIVERSARY);
    expect(accepted(when(outcome.history, cancelLeave('2025-06-05', '2025-06-10'), HR, '2025-06-12')).events).toEqual([]);
    expect(rejection(when(outcome.history, cancelLeave('2025-07-01', '2025-07-02'), HR, '2025-07-03'))).toEqual([
      { code: 'unknown-leave', field: 'from' },
    ]);
  });
});

// --- Amendments -----------------------------------------------------------------------------------

describe('amending the schedule', () => {
  const amend = (plannedEndDate: CivilDate, milestones?: Milestone[]): ProgramCommand => ({
    type: 'amend-schedule',
    dasApprovalRef: 'DAS-2025-0301',
    approvedOn: '2025-06-09',
    plannedEndDate,
    ...(milestones ? { milestones } : {}),
  });

  it('accepts a DAS-approved extension within the three years', () => {
    const outcome = accepted(when(given(enrollmentFixture()), amend('2027-06-30'), HR, '2025-06-10'));
    expect(outcome.events).toEqual([
      {
        type: 'schedule-amended',
        actor: HR,
        data: {
          dasApprovalRef: 'DAS-2025-0301',
          approvedOn: '2025-06-09',
          plannedEndDate: '2027-06-30',
          milestones: MILESTONES,
          previousPlannedEndDate: '2026-09-02',
        },
      },
    ]);
    expect(outcome.history.state.schedule).toEqual({
      dasApprovalRef: 'DAS-2025-0301',
      approvedOn: '2025-06-09',
      plannedEndDate: '2027-06-30',
      approvalRefs: [DAS_REF, 'DAS-2025-0301'],
    });
  });

  it('rejects an amendment to the third anniversary as exceeding the statutory maximum, leaving the program unchanged', () => {
    const history = given(enrollmentFixture());
    const before = structuredClone(history.state);
    expect(rejection(when(history, amend('2028-03-03'), HR, '2025-06-10'))).toEqual([
      { code: 'exceeds-statutory-maximum', field: 'plannedEndDate' },
    ]);
    expect(history.state).toEqual(before);
  });

  it('rejects an amendment shortening the program below one year, leaving the program unchanged', () => {
    const history = given(enrollmentFixture());
    const before = structuredClone(history.state);
    const earlier = MILESTONES.map((m) => (m.id === 'm3' ? { ...m, dueDate: '2026-02-27' } : m));
    expect(rejection(when(history, amend('2026-03-02', earlier), HR, '2025-06-10'))).toEqual([
      { code: 'below-minimum-length', field: 'plannedEndDate' },
    ]);
    expect(history.state).toEqual(before);
  });

  it('rejects an amendment that removes a signed-off milestone', () => {
    const history = given(enrollmentFixture(), signedOff('m1', '2025-06-20'));
    expect(rejection(when(history, amend('2026-09-02', MILESTONES.slice(1)), HR, '2025-06-10'))).toEqual([
      { code: 'signed-off-milestone-removed', field: 'milestones' },
    ]);
  });

  it('rejects a second amendment under a DAS approval already applied', () => {
    const once = accepted(when(given(enrollmentFixture()), amend('2027-06-30'), HR, '2025-06-10'));
    expect(rejection(when(once.history, amend('2027-09-30'), HR, '2025-06-11'))).toEqual([
      { code: 'das-approval-ref-reused', field: 'dasApprovalRef' },
    ]);
    expect(accepted(when(once.history, amend('2027-06-30'), HR, '2025-06-11')).events).toEqual([]); // a retry changes nothing
  });
});

// --- The statutory maximum ------------------------------------------------------------------------

describe('the three-year cap', () => {
  /** m3 never signed off; the past caught up to 2027-06-01. */
  function incompleteProgram(): History {
    const [m1, rating, m2] = allWorkDone;
    const caughtUp = accepted(when(given(enrollmentFixture(), m1!, rating!, m2!), advanceClock, SYSTEM, '2027-06-01'));
    expect(types(caughtUp.events)).toEqual(['milestone-overdue', 'minimum-period-reached']);
    return caughtUp.history;
  }

  it('warns 90 days and then 30 days before the latest completion date, then expires the program on it', () => {
    let history = incompleteProgram();
    const step = (today: CivilDate): EventDraft[] => {
      const outcome = accepted(when(history, advanceClock, SYSTEM, today));
      history = outcome.history;
      return outcome.events;
    };

    expect(step('2027-12-02')).toEqual([]);
    expect(step('2027-12-03')).toEqual([
      {
        type: 'cap-warning-issued',
        actor: SYSTEM,
        data: { daysBefore: 90, daysRemaining: 90, latestCompletionDate: LATEST_COMPLETION, on: '2027-12-03' },
      },
    ]);
    expect(step('2027-12-04')).toEqual([]);
    expect(step('2028-01-31')).toEqual([]);
    expect(step('2028-02-01')).toEqual([
      {
        type: 'cap-warning-issued',
        actor: SYSTEM,
        data: { daysBefore: 30, daysRemaining: 30, latestCompletionDate: LATEST_COMPLETION, on: '2028-02-01' },
      },
    ]);
    expect(step('2028-03-01')).toEqual([]);
    expect(step(LATEST_COMPLETION)).toEqual([
      {
        type: 'program-expired-at-maximum',
        actor: SYSTEM,
        data: { on: LATEST_COMPLETION, latestCompletionDate: LATEST_COMPLETION, openMilestones: ['m3'] },
      },
    ]);
    expect(history.state.status).toBe('expired');
    expect(history.state.ended).toEqual({ on: LATEST_COMPLETION, reason: 'expired' });
  });

  it('gives a migrated program past both warning windows only the 30-day warning', () => {
    const outcome = accepted(when(given(enrollmentFixture()), advanceClock, SYSTEM, '2028-02-10'));
    expect(types(outcome.events)).toEqual([
      'milestone-overdue',
      'milestone-overdue',
      'milestone-overdue',
      'service-rating-overdue',
      'minimum-period-reached',
      'cap-warning-issued',
    ]);
    expect(ofType(outcome.events, 'cap-warning-issued').map((e) => e.data)).toEqual([
      { daysBefore: 30, daysRemaining: 21, latestCompletionDate: LATEST_COMPLETION, on: '2028-02-10' },
    ]);
    expect(accepted(when(outcome.history, advanceClock, SYSTEM, '2028-02-11')).events).toEqual([]);
  });

  it('expires rather than reclassifying past the statutory maximum when the clock catches up late', () => {
    // 3 years + 2 years of college = 5 of 8 years: program time closes the gap only after 1096 days,
    // on 2028-03-03, the day after the latest completion date. A timer that fires late (the worker
    // was down over the cap) must not turn that into a reclassification after C.G.S. 5-234's limit.
    const history = given(
      enrollmentFixture({ priorExperience: { generalYears: 3, specialYears: 2 }, education: { semesterHours: 60, degrees: [] } }),
      ...allWorkDone,
    );
    expect(types(history.events)).toContain('qualification-shortfall-projected');
    const reached = accepted(when(history, advanceClock, SYSTEM, '2027-06-01'));
    expect(types(reached.events)).toEqual(['minimum-period-reached']);

    const late = accepted(when(reached.history, advanceClock, SYSTEM, '2028-03-05'));
    const notices = ofType(late.events, 'reclassification-notice-issued');
    expect(notices.map((n) => n.data.effectiveOn).filter((d) => d > LATEST_COMPLETION)).toEqual([]);
    expect(types(late.events)).toEqual(['program-expired-at-maximum']);
    expect(late.history.state.status).toBe('expired');
  });
});

// --- Scheduling the next check ----------------------------------------------------------------------

describe('nextCheckDate', () => {
  it('returns the earliest date on which a rule may fire', () => {
    // candidates: m1 overdue 2025-07-01, rating overdue 2025-09-03, m2 2025-12-16, anniversary 2026-03-03, …
    expect(nextCheckDate(given(enrollmentFixture()).state, APPOINTED)).toBe('2025-07-01');
    expect(nextCheckDate(given(enrollmentFixture(), signedOff('m1', '2025-06-20')).state, '2025-06-20')).toBe('2025-09-03');
    expect(nextCheckDate(given(enrollmentFixture(), ...allWorkDone.slice(0, 2)).state, '2025-08-29')).toBe('2025-12-16');
    expect(nextCheckDate(given(enrollmentFixture(), ...allWorkDone).state, '2026-02-20')).toBe(FIRST_ANNIVERSARY);
  });

  it('looks only after today', () => {
    expect(nextCheckDate(given(enrollmentFixture()).state, '2025-07-01')).toBe('2025-09-03');
  });

  it('moves from the 90-day warning to the 30-day warning to the cap', () => {
    const [m1, rating, m2] = allWorkDone;
    const caughtUp = accepted(when(given(enrollmentFixture(), m1!, rating!, m2!), advanceClock, SYSTEM, '2027-06-01')).history;
    expect(nextCheckDate(caughtUp.state, '2027-06-01')).toBe('2027-12-03');
    const warned = accepted(when(caughtUp, advanceClock, SYSTEM, '2027-12-03')).history;
    expect(nextCheckDate(warned.state, '2027-12-03')).toBe('2028-02-01');
    const warnedAgain = accepted(when(warned, advanceClock, SYSTEM, '2028-02-01')).history;
    expect(nextCheckDate(warnedAgain.state, '2028-02-01')).toBe(LATEST_COMPLETION);
  });

  it('returns null once the program is closed', () => {
    const done = accepted(when(given(enrollmentFixture(), ...allWorkDone), advanceClock, SYSTEM, FIRST_ANNIVERSARY));
    expect(nextCheckDate(done.history.state, FIRST_ANNIVERSARY)).toBeNull();
  });
});

// --- Event sourcing --------------------------------------------------------------------------------

describe('replaying the stream', () => {
  it('rebuilds the state execute returned', () => {
    const history = given(enrollmentFixture(), signedOff('m1', '2025-06-20'), rated('satisfactory', '2025-08-29'));
    const result = execute(history.state, signOff('m2', '2025-12-10'), SUPERVISOR, { today: '2025-12-10' });
    if (!result.ok) throw new Error(JSON.stringify(result.violations));
    const stream = [...history.events, ...stamp(PROGRAM_ID, history.state.version, result.events, '2025-12-10T14:00:00.000Z')];
    expect(replay(stream)).toEqual({ ...result.state, version: stream.length });
  });

  it('gives the state the version of the last event folded in, from the very first event', () => {
    const { events } = given(enrollmentFixture(), ...allWorkDone);
    for (let k = 1; k <= events.length; k++) expect(replay(events.slice(0, k))?.version, `after ${k} events`).toBe(k);
  });

  it('refuses a stream that does not start with enrolled', () => {
    const [draft] = allWorkDone;
    expect(() => evolve(null, draft!)).toThrow(/enrolled/);
  });

  it('numbers stamped events from the version they continue', () => {
    const stamped = stamp(PROGRAM_ID, 7, allWorkDone.slice(0, 2), '2025-08-29T14:00:00.000Z');
    expect(stamped.map((e) => [e.id, e.version, e.programId, e.schemaVersion])).toEqual([
      [`${PROGRAM_ID}/8`, 8, PROGRAM_ID, 1],
      [`${PROGRAM_ID}/9`, 9, PROGRAM_ID, 1],
    ]);
  });

  it('does nothing more when advanced twice on the same day', () => {
    const once = accepted(when(given(enrollmentFixture()), advanceClock, SYSTEM, '2028-02-10'));
    expect(advance(once.history.state, '2028-02-10')).toEqual([]);
  });
});
