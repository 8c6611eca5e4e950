/**
 * The development-program workflow on Temporal's time-skipping server and a real PostgreSQL:
 * years of program time pass in seconds.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuleViolationError } from '../../client/programs.js';
import { addDays, addMonths, anniversary, dayOfWeek, isLeapYear, startOfDayInNewYork, workingDaysInclusive } from '../../domain/dates.js';
import { isConnecticutHoliday } from '../../domain/holidays.js';
import { createProjector, type Projector } from '../../db/projections.js';
import { createQueries, type Queries } from '../../db/queries.js';
import { createProgramWorker } from '../../worker/worker.js';
import { searchAttributes, workflowIdFor, type ProgramOutcome } from '../../workflows/definitions.js';
import {
  das,
  enrollmentFixture,
  hr,
  issuedNotices,
  openTestDatabase,
  programClient,
  recordedEvents,
  saveHistoryIfRecording,
  serverToday,
  skipTo,
  supervisor,
  uniqueTaskQueue,
  waitForRecorded,
  waitUntilIdle,
  workflowBundle,
  startTimeSkippingServer,
} from './harness.js';

let env: TestWorkflowEnvironment;
let db: pg.Pool;
let projector: Projector;
let queries: Queries;

beforeAll(async () => {
  [env, db] = await Promise.all([startTimeSkippingServer(), openTestDatabase()]);
  projector = createProjector(db);
  queries = createQueries(db);
});

/** The read model after the projector has caught up: the program row and its milestone rows. */
async function readModelOf(programId: string) {
  await projector.catchUp();
  const { rows: milestones } = await db.query<{ milestone_id: string; status: string; signed_off_by: string | null }>(
    'SELECT milestone_id, status, signed_off_by FROM rm_milestones WHERE program_id = $1 ORDER BY milestone_id',
    [programId],
  );
  return { program: await queries.getProgram(programId), milestones };
}

afterAll(async () => {
  await db?.end();
  await env?.teardown();
});

async function newWorker(taskQueue: string, tuning?: Parameters<typeof createProgramWorker>[0]['tuning']): Promise<Worker> {
  return createProgramWorker({
    connection: env.nativeConnection,
    taskQueue,
    db,
    workflowBundle: await workflowBundle(),
    ...(tuning ? { tuning } : {}),
  });
}

/** A fresh task queue, worker and client for one test. */
async function setup() {
  const taskQueue = uniqueTaskQueue();
  return { taskQueue, worker: await newWorker(taskQueue), programs: programClient(env.client, taskQueue, env) };
}

const resultOf = (programId: string): Promise<ProgramOutcome> => env.client.workflow.getHandle(workflowIdFor(programId)).result();

/** A date-driven event fires at the start of its day in New York (timers land a few ms late). */
function expectStartOfDay(instant: Date | undefined, date: string): void {
  const offset = (instant?.getTime() ?? Number.NaN) - startOfDayInNewYork(date);
  expect(offset).toBeGreaterThanOrEqual(0);
  expect(offset).toBeLessThan(60_000);
}

async function signOffAll(programs: ReturnType<typeof programClient>, programId: string, on: string) {
  for (const milestoneId of ['m1', 'm2', 'm3']) {
    await programs.signOff(programId, milestoneId, { signedOn: on }, supervisor);
  }
}

describe('a development program on the time-skipping server', () => {
  it('(a) reclassifies on the first anniversary, not a day earlier, with exactly one notice', async () => {
    const { worker, programs } = await setup();
    const appointment = await serverToday(env);
    const anniversaryDate = anniversary(appointment, 1);
    const { programId } = await programs.enroll(enrollmentFixture(appointment), hr);

    await worker.runUntil(async () => {
      const sixMonths = addMonths(appointment, 6);
      await skipTo(env, sixMonths);
      await signOffAll(programs, programId, sixMonths);
      const rated = await programs.rate(programId, { rating: 'satisfactory', ratedOn: sixMonths }, supervisor);
      expect(rated.status).toBe('awaiting-minimum');

      await skipTo(env, addDays(anniversaryDate, -1), 23);
      const dayBefore = await programs.show(programId);
      expect(dayBefore.status).toBe('awaiting-minimum');
      expect(dayBefore.reclassification).toBeNull();

      const outcome = await resultOf(programId);
      expect(outcome.status).toBe('reclassified');
      expect(outcome.reclassification?.effectiveOn).toBe(anniversaryDate);
      await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'a2-reclassified-on-anniversary-as-the-client-decided');
    });

    const events = await recordedEvents(db, programId);
    const issued = events.filter((e) => e.type === 'reclassification-notice-issued');
    expect(issued).toHaveLength(1);
    expectStartOfDay(issued[0]?.occurred_at, anniversaryDate);
    const notices = (await issuedNotices(db, programId)).filter((n) => n.kind === 'reclassification');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.issued_on).toBe(anniversaryDate);
    expect(notices[0]?.body).toContain('without competitive examination');
    expect(notices[0]?.body).toContain('No additional working test period');
    expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1));
    const model = await readModelOf(programId);
    expect(model.program).toMatchObject({
      status: 'reclassified',
      version: events.length,
      reclassification: { effectiveOn: anniversaryDate },
    });
    expect(model.milestones.map((m) => [m.milestone_id, m.status, m.signed_off_by])).toEqual([
      ['m1', 'signed-off', supervisor.id],
      ['m2', 'signed-off', supervisor.id],
      ['m3', 'signed-off', supervisor.id],
    ]);
  });

  it('(b) warns at 90 and 30 days and expires at the start of the third anniversary when work is incomplete', async () => {
    const { worker, programs } = await setup();
    const appointment = await serverToday(env);
    const { programId } = await programs.enroll(enrollmentFixture(appointment), hr);
    const latest = addDays(anniversary(appointment, 3), -1);
    const third = anniversary(appointment, 3);

    const outcome = await worker.runUntil(resultOf(programId));
    expect(outcome.status).toBe('expired');
    // Decision 1: the latest completion date is served in full.
    expect(outcome.ended).toEqual({ on: third, reason: 'expired' });
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'b2-expired-at-third-anniversary');

    const events = await recordedEvents(db, programId);
    const warnings = events.filter((e) => e.type === 'cap-warning-issued');
    expect(warnings.map((w) => [w.data.daysBefore, w.data.on])).toEqual([
      [90, addDays(latest, -90)],
      [30, addDays(latest, -30)],
    ]);
    expectStartOfDay(warnings[0]?.occurred_at, addDays(latest, -90));
    expectStartOfDay(warnings[1]?.occurred_at, addDays(latest, -30));
    const expired = events.filter((e) => e.type === 'program-expired-at-maximum');
    expect(expired).toHaveLength(1);
    expectStartOfDay(expired[0]?.occurred_at, third);
    expect(events.filter((e) => e.type === 'milestone-overdue').map((e) => e.data.milestoneId)).toEqual(['m1', 'm2', 'm3']);
    expect(events.some((e) => e.type === 'reclassification-notice-issued')).toBe(false);
    const kinds = (await issuedNotices(db, programId)).map((n) => n.notice_id.replace(`${programId}/`, ''));
    expect(kinds).toEqual(expect.arrayContaining(['cap-warning-90', 'cap-warning-30', 'program-expired', 'minimum-period-reached']));
    expect(kinds).not.toContain('reclassification');
    const model = await readModelOf(programId);
    expect(model.program).toMatchObject({ status: 'expired', latestCompletionDate: latest, ended: { on: third, reason: 'expired' } });
    expect(model.milestones.map((m) => m.status)).toEqual(['overdue', 'overdue', 'overdue']);
  });

  it('(c) rejects an amendment past the cap or below one year and leaves no trace in history', async () => {
    const { worker, programs } = await setup();
    const appointment = await serverToday(env);
    const { programId } = await programs.enroll(enrollmentFixture(appointment), hr);
    const handle = env.client.workflow.getHandle(workflowIdFor(programId));

    await worker.runUntil(async () => {
      await skipTo(env, addDays(appointment, 10));
      const before = await programs.show(programId);
      // The time-skipping server writes the workflow tasks that ran the validators; a real server
      // drops them (speculative tasks). Either way no update and no other event may appear.
      const meaningful = async () =>
        ((await handle.fetchHistory()).events ?? []).filter(
          (e) =>
            !e.workflowTaskScheduledEventAttributes && !e.workflowTaskStartedEventAttributes && !e.workflowTaskCompletedEventAttributes,
        );
      const historyBefore = await meaningful();

      const pastCap = programs.amend(
        programId,
        { dasApprovalRef: 'DAS-2026-0200', approvedOn: addDays(appointment, 10), plannedEndDate: anniversary(appointment, 3) },
        das,
      );
      await expect(pastCap).rejects.toBeInstanceOf(RuleViolationError);
      await expect(pastCap).rejects.toMatchObject({ code: 'exceeds-statutory-maximum', violations: [{ field: 'plannedEndDate' }] });

      const belowMinimum = programs.amend(
        programId,
        { dasApprovalRef: 'DAS-2026-0201', approvedOn: addDays(appointment, 10), plannedEndDate: addMonths(appointment, 11) },
        das,
      );
      await expect(belowMinimum).rejects.toMatchObject({ code: 'below-minimum-length' });

      const historyAfter = await meaningful();
      expect(historyAfter).toEqual(historyBefore);
      expect(historyAfter.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(false);
      // The checklist speaks of today (as the workflow last saw it), so only it may move.
      const withoutChecklist = (view: typeof before) => ({ ...view, checklist: [] });
      expect(withoutChecklist(await programs.show(programId))).toEqual(withoutChecklist(before));

      // A lawful amendment still goes through afterwards.
      const amended = await programs.amend(
        programId,
        { dasApprovalRef: 'DAS-2026-0202', approvedOn: addDays(appointment, 10), plannedEndDate: addMonths(appointment, 24) },
        das,
      );
      expect(amended.schedule.plannedEndDate).toBe(addMonths(appointment, 24));
      const events = await waitForRecorded(db, programId, amended.version);
      expect(events.filter((e) => e.type === 'schedule-amended').map((e) => e.data.dasApprovalRef)).toEqual(['DAS-2026-0202']);
      await programs.withdraw(programId, { effectiveOn: addDays(appointment, 10), reason: 'test complete' }, hr);
      await resultOf(programId);
    });
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'c-amendments-then-withdrawal');
  });

  it('(d) records one event when the same milestone is signed off twice', async () => {
    const { worker, programs } = await setup();
    const appointment = await serverToday(env);
    const { programId } = await programs.enroll(enrollmentFixture(appointment), hr);

    await worker.runUntil(async () => {
      await skipTo(env, addDays(appointment, 30));
      const first = await programs.signOff(programId, 'm1', { signedOn: addDays(appointment, 30) }, supervisor);
      const second = await programs.signOff(programId, 'm1', { signedOn: addDays(appointment, 30), comments: 'again' }, supervisor);
      expect(second.version).toBe(first.version);
      expect(second.milestones.find((m) => m.id === 'm1')).toMatchObject({ status: 'signed-off', signedOffBy: supervisor.id });
      await waitForRecorded(db, programId, second.version);
      await programs.withdraw(programId, { effectiveOn: addDays(appointment, 30), reason: 'test complete' }, hr);
      await resultOf(programId);
    });
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'd-repeated-sign-off');
    const signOffs = (await recordedEvents(db, programId)).filter((e) => e.type === 'milestone-signed-off');
    expect(signOffs).toHaveLength(1);
  });

  it('(i) transfers a trainee mid-program: the clock runs on, the new supervisor signs off, the search attribute follows', async () => {
    const { worker, programs } = await setup();
    const appointment = await serverToday(env);
    const { programId } = await programs.enroll(enrollmentFixture(appointment), hr);
    const newSupervisor = { id: 'sup-0002', role: 'supervisor' } as const;
    const handle = env.client.workflow.getHandle(workflowIdFor(programId));

    await worker.runUntil(async () => {
      await skipTo(env, addMonths(appointment, 2));
      const moved = await programs.transfer(
        programId,
        { effectiveOn: addMonths(appointment, 2), agency: 'DOL', supervisorId: newSupervisor.id },
        hr,
      );
      expect(moved).toMatchObject({
        agency: 'DOL',
        supervisorId: newSupervisor.id,
        latestCompletionDate: addDays(anniversary(appointment, 3), -1),
      });
      expect((await handle.describe()).typedSearchAttributes.get(searchAttributes.agency)).toBe('DOL');

      const byFormer = programs.signOff(programId, 'm1', { signedOn: addMonths(appointment, 2) }, supervisor);
      await expect(byFormer).rejects.toMatchObject({ code: 'not-assigned-to-program' });
      const signed = await programs.signOff(programId, 'm1', { signedOn: addMonths(appointment, 2) }, newSupervisor);
      await waitForRecorded(db, programId, signed.version);
      await programs.withdraw(programId, { effectiveOn: addMonths(appointment, 2), reason: 'test complete' }, hr);
      await resultOf(programId);
    });
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'i-transferred');

    const events = await recordedEvents(db, programId);
    expect(events.filter((e) => e.type === 'transferred')).toHaveLength(1);
    expect(events.find((e) => e.type === 'milestone-signed-off')?.actor_id).toBe(newSupervisor.id);
    const { program } = await readModelOf(programId);
    expect(program).toMatchObject({
      agency: 'DOL',
      supervisorId: newSupervisor.id,
      programManagerId: enrollmentFixture(appointment).programManagerId,
    });
  });

  it('(j) corrects a sign-off and leave recorded in error: the milestone falls overdue again and the anniversary comes back', async () => {
    const { worker, programs } = await setup();
    const appointment = await serverToday(env);
    const enrollment = enrollmentFixture(appointment);
    const { programId } = await programs.enroll(enrollment, hr);
    const m1 = enrollment.schedule.milestones[0]!;

    await worker.runUntil(async () => {
      await skipTo(env, addDays(m1.dueDate, -5));
      await programs.signOff(programId, m1.id, { signedOn: addDays(m1.dueDate, -5) }, supervisor);
      const leave = { from: addDays(m1.dueDate, -40), to: addDays(m1.dueDate, -20), kind: 'unpaid' as const };
      const withLeave = await programs.recordLeave(programId, leave, hr);
      expect(withLeave.earliestReclassificationDate > anniversary(appointment, 1)).toBe(true);

      // Past the due date, the sign-off turns out to have been recorded in error.
      await skipTo(env, addDays(m1.dueDate, 3));
      const retracted = await programs.retractSignOff(programId, m1.id, { reason: 'Signed off the wrong trainee' }, supervisor);
      expect(retracted.milestones[0]).toMatchObject({ id: m1.id, status: 'overdue' });
      const cancelled = await programs.cancelLeave(programId, { from: leave.from, to: leave.to, reason: 'Entered twice' }, hr);
      expect(cancelled.earliestReclassificationDate).toBe(anniversary(appointment, 1));
      await waitForRecorded(db, programId, cancelled.version);
      await programs.withdraw(programId, { effectiveOn: addDays(m1.dueDate, 3), reason: 'test complete' }, hr);
      await resultOf(programId);
    });
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'j-corrections');

    const events = await recordedEvents(db, programId);
    const idOf = (type: string) => events.find((e) => e.type === type)?.event_id;
    expect(events.find((e) => e.type === 'sign-off-retracted')?.data).toMatchObject({
      milestoneId: m1.id,
      corrects: idOf('milestone-signed-off'),
    });
    expect(events.find((e) => e.type === 'leave-cancelled')?.data).toMatchObject({ corrects: idOf('leave-recorded') });
    expect(events.filter((e) => e.type === 'milestone-overdue' && e.data.milestoneId === m1.id)).toHaveLength(1);
    const { milestones } = await readModelOf(programId);
    expect(milestones[0]).toMatchObject({ milestone_id: m1.id, status: 'overdue', signed_off_by: null });
  });

  it('(k) takes a progress report from the trainee and its review by the program manager', async () => {
    const { worker, programs } = await setup();
    const appointment = await serverToday(env);
    const enrollment = enrollmentFixture(appointment);
    const { programId } = await programs.enroll(enrollment, hr);
    const trainee = { id: enrollment.trainee.employeeId, role: 'trainee' } as const;
    const manager = { id: enrollment.programManagerId, role: 'program-manager' } as const;
    const periodEnding = addMonths(appointment, 3);

    await worker.runUntil(async () => {
      await skipTo(env, addDays(periodEnding, 2));
      const submitted = await programs.submitProgressReport(
        programId,
        { periodEnding, summary: 'First quarter: orientation and casework.' },
        trainee,
      );
      expect(submitted.progressReports).toEqual([
        expect.objectContaining({ periodEnding, submittedOn: addDays(periodEnding, 2), submittedBy: trainee.id }),
      ]);
      await expect(programs.submitProgressReport(programId, { periodEnding, summary: 'Rewritten' }, trainee)).rejects.toMatchObject({
        code: 'progress-report-exists',
      });
      await skipTo(env, addDays(periodEnding, 9));
      const reviewed = await programs.reviewProgressReport(
        programId,
        periodEnding,
        { reviewedOn: addDays(periodEnding, 9), comments: 'On track.' },
        manager,
      );
      expect(reviewed.progressReports[0]).toMatchObject({
        reviewedOn: addDays(periodEnding, 9),
        reviewedBy: manager.id,
        reviewComments: 'On track.',
      });
      await waitForRecorded(db, programId, reviewed.version);
      await programs.withdraw(programId, { effectiveOn: addDays(periodEnding, 9), reason: 'test complete' }, hr);
      await resultOf(programId);
    });
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'k-progress-report');
    const types = (await recordedEvents(db, programId)).map((e) => e.type);
    expect(types.filter((t) => t.startsWith('progress-report'))).toEqual(['progress-report-submitted', 'progress-report-reviewed']);
    const { program } = await readModelOf(programId);
    expect(program?.progressReports).toEqual([expect.objectContaining({ periodEnding, reviewedBy: manager.id })]);
    expect((await issuedNotices(db, programId)).map((n) => n.kind)).toContain('progress-report-submitted');
  });

  it('(e) counts a 29 February appointment to 28 February in common years', async () => {
    const { worker, programs } = await setup();
    const today = await serverToday(env);
    let year = Number(today.slice(0, 4));
    while (!isLeapYear(year) || `${year}-02-29` <= today) year++;
    const appointment = `${year}-02-29`; // the next leap day: enrolled ahead of the appointment
    const latest = `${year + 3}-02-27`;
    const { programId } = await programs.enroll(
      enrollmentFixture(appointment, {
        schedule: {
          dasApprovalRef: 'DAS-LEAP-0029',
          approvedOn: today,
          plannedEndDate: latest,
          milestones: [{ id: 'm1', title: 'Rotation', dueDate: `${year}-08-29` }],
        },
      }),
      hr,
    );
    const outcome = await worker.runUntil(async () => {
      const view = await programs.show(programId);
      expect(view.earliestReclassificationDate).toBe(`${year + 1}-02-28`);
      expect(view.latestCompletionDate).toBe(latest);
      return resultOf(programId);
    });
    const third = `${year + 3}-02-28`; // the third anniversary of a leap day, in a common year
    expect(outcome).toMatchObject({ status: 'expired', ended: { on: third, reason: 'expired' } });
    const events = await recordedEvents(db, programId);
    const reached = events.find((e) => e.type === 'minimum-period-reached');
    expect(reached?.data.on).toBe(`${year + 1}-02-28`);
    expectStartOfDay(reached?.occurred_at, `${year + 1}-02-28`);
    const expired = events.find((e) => e.type === 'program-expired-at-maximum');
    expect(expired?.occurred_at.toISOString().slice(0, 16)).toBe(`${year + 3}-02-28T05:00`); // midnight EST
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'e2-leap-day-appointment');
  });

  it('(f) leaves an unsatisfactory rating to HR, reminds and escalates, and ends the program on the removal date HR confirms', async () => {
    const { worker, programs } = await setup();
    const appointment = await serverToday(env);
    const { programId } = await programs.enroll(enrollmentFixture(appointment), hr);
    const ratedOn = addMonths(appointment, 5);
    const removalOn = addDays(ratedOn, 45);
    const outcome = await worker.runUntil(async () => {
      await skipTo(env, ratedOn);
      const rated = await programs.rate(programId, { rating: 'unsatisfactory', ratedOn, comments: 'after fair trial' }, supervisor);
      // Decision 7: nothing ends on its own; the program says HR is to decide.
      expect(rated).toMatchObject({ status: 'active', ended: null, hrDecision: { ratedOn, requestedOn: ratedOn, escalated: false } });
      const escalatesOn = rated.hrDecision!.escalatesOn;
      await skipTo(env, addDays(escalatesOn, 1));
      expect((await programs.show(programId)).hrDecision).toMatchObject({ escalated: true });
      const confirmed = await programs.confirmRemoval(
        programId,
        { effectiveOn: removalOn, reason: 'Removal after fair trial (C.G.S. 5-230)' },
        hr,
      );
      expect(confirmed).toMatchObject({ status: 'active', hrDecision: null, scheduledRemoval: { effectiveOn: removalOn } });
      await skipTo(env, addDays(removalOn, -1), 20);
      expect((await programs.show(programId)).status).toBe('active');
      return resultOf(programId);
    });
    expect(outcome).toMatchObject({ status: 'ended', ended: { on: removalOn, reason: 'unsatisfactory-service' } });
    const events = await recordedEvents(db, programId);
    expectStartOfDay(events.find((e) => e.type === 'program-ended')?.occurred_at, removalOn);
    const notices = await issuedNotices(db, programId);
    const kinds = notices.map((n) => n.kind);
    // Weekly reminders to HR until the escalation (one or two, as holidays fall), then the escalation.
    expect(kinds.filter((k) => k.startsWith('hr-decision') && k !== 'hr-decision-reminder')).toEqual([
      'hr-decision-required',
      'hr-decision-escalated',
    ]);
    expect(kinds).toContain('hr-decision-reminder');
    const ended = notices.filter((n) => n.kind === 'program-ended');
    expect(ended.map((n) => n.issued_on)).toEqual([removalOn]);
    expect(ended[0]?.body).toContain('unsatisfactory service rating');
    expect((await readModelOf(programId)).program).toMatchObject({ status: 'ended', serviceRating: { rating: 'unsatisfactory' } });
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'f2-removal-confirmed-after-unsatisfactory-rating');
  });

  it('(g) reclassifies a migrated program appointed 13 months ago at once when everything is signed off', async () => {
    const { worker, programs } = await setup();
    const today = await serverToday(env);
    const appointment = addMonths(today, -13);
    const { programId } = await programs.enroll(
      enrollmentFixture(appointment, { priorExperience: { generalYears: 6, specialYears: 3 } }),
      hr,
    );

    const outcome = await worker.runUntil(async () => {
      const migrated = await programs.show(programId);
      expect(migrated.status).toBe('active');
      expect(migrated.milestones.map((m) => m.status)).toEqual(['overdue', 'overdue', 'overdue']);
      expect(migrated.earliestReclassificationDate < today).toBe(true);
      await signOffAll(programs, programId, addDays(today, -1));
      const view = await programs.rate(programId, { rating: 'satisfactory', ratedOn: addMonths(appointment, 6) }, supervisor);
      expect(view.status).toBe('reclassified');
      expect(view.reclassification?.effectiveOn).toBe(today);
      return resultOf(programId);
    });
    expect(outcome.status).toBe('reclassified');
    const types = (await recordedEvents(db, programId)).map((e) => e.type);
    expect(types.filter((t) => t === 'minimum-period-reached')).toHaveLength(1);
    expect(types.indexOf('minimum-period-reached')).toBeLessThan(types.indexOf('milestone-signed-off'));
    expect(types.filter((t) => t === 'reclassification-notice-issued')).toHaveLength(1);
    expect((await readModelOf(programId)).program).toMatchObject({ status: 'reclassified', reclassification: { effectiveOn: today } });
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'g2-migrated-reclassified-at-once-as-the-client-decided');
  });

  it('(h) resumes with nothing lost when the worker is restarted mid-program', async () => {
    const taskQueue = uniqueTaskQueue();
    const programs = programClient(env.client, taskQueue, env);
    // The time-skipping server never moves a dead worker's sticky queue back to the shared one (a
    // real server does, after stickyQueueScheduleToStartTimeout), so this worker caches nothing.
    const worker = await newWorker(taskQueue, { maxCachedWorkflows: 0 });
    const appointment = await serverToday(env);
    const { programId } = await programs.enroll(enrollmentFixture(appointment), hr);

    await worker.runUntil(async () => {
      await skipTo(env, addMonths(appointment, 2));
      const signed = await programs.signOff(programId, 'm1', { signedOn: addMonths(appointment, 2) }, supervisor);
      await waitForRecorded(db, programId, signed.version);
      // The time-skipping server holds its clock while a task is outstanding; stop when idle.
      await waitUntilIdle(env.client, programId);
    });
    // No worker for two months of program time: timers fire into the void and wait.
    await skipTo(env, addMonths(appointment, 4));

    const restarted = await newWorker(taskQueue);
    const outcome = await restarted.runUntil(async () => {
      const resumed = await programs.show(programId);
      expect(resumed.milestones.find((m) => m.id === 'm1')?.status).toBe('signed-off');
      const on = addMonths(appointment, 4);
      await programs.signOff(programId, 'm2', { signedOn: on }, supervisor);
      await programs.signOff(programId, 'm3', { signedOn: on }, supervisor);
      await programs.rate(programId, { rating: 'satisfactory', ratedOn: on }, supervisor);
      return resultOf(programId);
    });
    expect(outcome).toMatchObject({ status: 'reclassified', reclassification: { effectiveOn: anniversary(appointment, 1) } });
    const events = await recordedEvents(db, programId);
    expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'milestone-signed-off').map((e) => e.data.milestoneId)).toEqual(['m1', 'm2', 'm3']);
    expect((await issuedNotices(db, programId)).filter((n) => n.kind === 'reclassification')).toHaveLength(1);
    expect((await readModelOf(programId)).program).toMatchObject({ status: 'reclassified', version: events.length });
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'h-worker-restarted');
  });

  it('continues as new without losing state or pending work', async () => {
    const { worker, programs } = await setup();
    const appointment = await serverToday(env);
    const { programId } = await programs.enroll(enrollmentFixture(appointment), hr, { continueAsNewAfterHistoryEvents: 12 });
    const handle = env.client.workflow.getHandle(workflowIdFor(programId));
    const firstRunId = (await handle.describe()).runId;

    const outcome = await worker.runUntil(async () => {
      for (const [milestoneId, month] of [
        ['m1', 2],
        ['m2', 3],
        ['m3', 4],
      ] as const) {
        await skipTo(env, addMonths(appointment, month));
        await programs.signOff(programId, milestoneId, { signedOn: addMonths(appointment, month) }, supervisor);
      }
      const view = await programs.rate(programId, { rating: 'satisfactory', ratedOn: addMonths(appointment, 4) }, supervisor);
      expect(view.milestones.every((m) => m.status === 'signed-off')).toBe(true);
      return resultOf(programId);
    });
    expect((await handle.describe()).runId).not.toBe(firstRunId);
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'continued-as-new-last-run');
    expect(outcome).toMatchObject({ status: 'reclassified', reclassification: { effectiveOn: anniversary(appointment, 1) } });
    const events = await recordedEvents(db, programId);
    expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'milestone-signed-off')).toHaveLength(3);
  });
});

/** The first Monday on or after `date` whose week (Monday to Friday) has no legal holiday. */
function fullWorkingWeekFrom(date: string): string {
  let monday = addDays(date, (8 - dayOfWeek(date)) % 7);
  while (workingDaysInclusive(monday, addDays(monday, 4), isConnecticutHoliday) < 5) monday = addDays(monday, 7);
  return monday;
}

describe('the decisions of 2026-11-29 on the time-skipping server', () => {
  it('(l) reclassifies on the latest completion date itself when the last milestone is signed off that day', async () => {
    const { worker, programs } = await setup();
    const appointment = await serverToday(env);
    const latest = addDays(anniversary(appointment, 3), -1);
    const enrollment = enrollmentFixture(appointment);
    const { programId } = await programs.enroll(
      {
        ...enrollment,
        schedule: {
          ...enrollment.schedule,
          plannedEndDate: latest,
          milestones: [...enrollment.schedule.milestones.slice(0, 2), { id: 'm3', title: 'Capstone', dueDate: latest }],
        },
      },
      hr,
    );
    const outcome = await worker.runUntil(async () => {
      const early = addMonths(appointment, 9);
      await skipTo(env, early);
      await programs.signOff(programId, 'm1', { signedOn: early }, supervisor);
      await programs.signOff(programId, 'm2', { signedOn: early }, supervisor);
      await programs.rate(programId, { rating: 'satisfactory', ratedOn: early }, supervisor);
      await skipTo(env, latest, 16);
      const view = await programs.signOff(programId, 'm3', { signedOn: latest }, supervisor);
      expect(view).toMatchObject({ status: 'reclassified', reclassification: { effectiveOn: latest } });
      return resultOf(programId);
    });
    expect(outcome).toMatchObject({ status: 'reclassified', reclassification: { effectiveOn: latest } });
    expect((await recordedEvents(db, programId)).some((e) => e.type === 'program-expired-at-maximum')).toBe(false);
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'l-reclassified-on-latest-completion-date');
  });

  it('(m) moves nothing for unpaid leave taken after the first anniversary', async () => {
    const { worker, programs } = await setup();
    const appointment = await serverToday(env);
    const first = anniversary(appointment, 1);
    const { programId } = await programs.enroll(
      enrollmentFixture(appointment, { priorExperience: { generalYears: 6, specialYears: 3 } }),
      hr,
    );
    const outcome = await worker.runUntil(async () => {
      const after = addDays(first, 30);
      await skipTo(env, after);
      const withLeave = await programs.recordLeave(programId, { from: addDays(first, 7), to: addDays(first, 27), kind: 'unpaid' }, hr);
      expect(withLeave.earliestReclassificationDate).toBe(first);
      await signOffAll(programs, programId, after);
      const view = await programs.rate(programId, { rating: 'satisfactory', ratedOn: after }, supervisor);
      expect(view).toMatchObject({ status: 'reclassified', reclassification: { effectiveOn: after } });
      return resultOf(programId);
    });
    expect(outcome.status).toBe('reclassified');
    const reached = (await recordedEvents(db, programId)).filter((e) => e.type === 'minimum-period-reached');
    expect(reached.map((e) => e.data.on)).toEqual([first]);
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'm-leave-after-anniversary-moves-nothing');
  });

  it('(n) merges back-to-back leave records (Mon–Wed, Thu–Fri) into one absence that moves the anniversary', async () => {
    const { worker, programs } = await setup();
    const appointment = await serverToday(env);
    const monday = fullWorkingWeekFrom(addMonths(appointment, 2));
    const moved = addDays(anniversary(appointment, 1), 5);
    const { programId } = await programs.enroll(enrollmentFixture(appointment), hr);
    const outcome = await worker.runUntil(async () => {
      const recordedOn = addDays(monday, 7);
      await skipTo(env, recordedOn);
      const first = await programs.recordLeave(programId, { from: monday, to: addDays(monday, 2), kind: 'unpaid' }, hr);
      expect(first.earliestReclassificationDate).toBe(anniversary(appointment, 1)); // three working days: not over the threshold
      const second = await programs.recordLeave(programId, { from: addDays(monday, 3), to: addDays(monday, 4), kind: 'unpaid' }, hr);
      expect(second.earliestReclassificationDate).toBe(moved);
      await signOffAll(programs, programId, recordedOn);
      await programs.rate(programId, { rating: 'satisfactory', ratedOn: recordedOn }, supervisor);
      return resultOf(programId);
    });
    expect(outcome).toMatchObject({ status: 'reclassified', reclassification: { effectiveOn: moved } });
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'n-back-to-back-leave-merged');
  });

  it('(o) keeps a program with a withdrawal dated ahead active, and ends it at the start of that day', async () => {
    const { worker, programs } = await setup();
    const appointment = await serverToday(env);
    const effectiveOn = addDays(appointment, 40);
    const { programId } = await programs.enroll(enrollmentFixture(appointment), hr);
    const outcome = await worker.runUntil(async () => {
      await skipTo(env, addDays(appointment, 10));
      const scheduled = await programs.withdraw(programId, { effectiveOn, reason: 'Resigned' }, hr);
      expect(scheduled).toMatchObject({ status: 'active', ended: null });
      await skipTo(env, addDays(effectiveOn, -1), 20);
      expect((await programs.show(programId)).status).toBe('active');
      return resultOf(programId);
    });
    expect(outcome).toMatchObject({ status: 'ended', ended: { on: effectiveOn, reason: 'withdrawn' } });
    const ended = (await recordedEvents(db, programId)).find((e) => e.type === 'program-ended');
    expectStartOfDay(ended?.occurred_at, effectiveOn);
    expect((await issuedNotices(db, programId)).filter((n) => n.kind === 'program-ended').map((n) => n.issued_on)).toEqual([effectiveOn]);
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'o-withdrawal-scheduled-ahead');
  });

  it('(p) lets HR cancel a withdrawal scheduled ahead before its date: the program goes on', async () => {
    const { worker, programs } = await setup();
    const appointment = await serverToday(env);
    const effectiveOn = addDays(appointment, 40);
    const { programId } = await programs.enroll(enrollmentFixture(appointment), hr);
    await worker.runUntil(async () => {
      await skipTo(env, addDays(appointment, 10));
      await programs.withdraw(programId, { effectiveOn, reason: 'Resigned' }, hr);
      await skipTo(env, addDays(appointment, 20));
      const cancelled = await programs.cancelWithdrawal(programId, { reason: 'Resignation withdrawn' }, hr);
      expect(cancelled.status).toBe('active');
      await skipTo(env, addDays(effectiveOn, 5));
      const after = await programs.show(programId);
      expect(after).toMatchObject({ status: 'active', ended: null });
      await waitForRecorded(db, programId, after.version);
      await programs.withdraw(programId, { effectiveOn: addDays(effectiveOn, 5), reason: 'test complete' }, hr);
      await resultOf(programId);
    });
    const events = await recordedEvents(db, programId);
    const withdrawn = events.filter((e) => e.type === 'withdrawn');
    expect(events.find((e) => e.type === 'withdrawal-cancelled')?.data).toMatchObject({ effectiveOn, corrects: withdrawn[0]?.event_id });
    expect(events.filter((e) => e.type === 'program-ended').map((e) => e.data.on)).toEqual([addDays(effectiveOn, 5)]);
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'p-scheduled-withdrawal-cancelled');
  });

  it('(q) takes remediation with a DAS-approved amendment after an unsatisfactory rating, and reclassifies after a new satisfactory one', async () => {
    const { worker, programs } = await setup();
    const appointment = await serverToday(env);
    const fixture = enrollmentFixture(appointment);
    const { programId } = await programs.enroll(fixture, hr);
    const ratedOn = addMonths(appointment, 5);
    const remediationOn = addDays(ratedOn, 3);
    const outcome = await worker.runUntil(async () => {
      await skipTo(env, ratedOn);
      await programs.rate(programId, { rating: 'unsatisfactory', ratedOn }, supervisor);
      await skipTo(env, remediationOn);
      const remediated = await programs.recordRemediation(
        programId,
        {
          plan: 'Paired casework with a senior specialist for six weeks',
          dasApprovalRef: 'DAS-2026-0990',
          approvedOn: remediationOn,
          milestones: [...fixture.schedule.milestones, { id: 'r1', title: 'Remediation casework', dueDate: addMonths(appointment, 8) }],
        },
        hr,
      );
      expect(remediated).toMatchObject({ status: 'active', hrDecision: null, schedule: { dasApprovalRef: 'DAS-2026-0990' } });
      expect(remediated.checklist.find((c) => c.requirement === 'service-rated-satisfactory')?.met).toBe(false);
      const done = addMonths(appointment, 7);
      await skipTo(env, done);
      for (const milestoneId of ['m1', 'm2', 'm3', 'r1']) await programs.signOff(programId, milestoneId, { signedOn: done }, supervisor);
      const rated = await programs.rate(programId, { rating: 'satisfactory', ratedOn: done }, supervisor);
      expect(rated.status).toBe('awaiting-minimum');
      return resultOf(programId);
    });
    expect(outcome).toMatchObject({ status: 'reclassified', reclassification: { effectiveOn: anniversary(appointment, 1) } });
    const types = (await recordedEvents(db, programId)).map((e) => e.type);
    expect(types).not.toContain('program-ended');
    expect(types.slice(types.indexOf('remediation-recorded'), types.indexOf('remediation-recorded') + 2)).toEqual([
      'remediation-recorded',
      'schedule-amended',
    ]);
    const kinds = (await issuedNotices(db, programId)).map((n) => n.kind);
    expect(kinds.filter((k) => k === 'hr-decision-required' || k === 'remediation-recorded' || k === 'reclassification')).toEqual([
      'hr-decision-required',
      'remediation-recorded',
      'reclassification',
    ]);
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'q-remediation-then-reclassified');
  });

  it('(r) takes a migrated program with its full history: no overdue notice, the minimum period dated on the anniversary, reclassified at once', async () => {
    const { worker, programs } = await setup();
    const today = await serverToday(env);
    const appointment = addMonths(today, -14);
    const fixture = enrollmentFixture(appointment);
    const { programId } = await programs.enroll(
      {
        ...fixture,
        priorRecords: {
          signOffs: fixture.schedule.milestones.map((m) => ({ milestoneId: m.id, signedOn: m.dueDate, signedOffBy: 'sup-0009' })),
          serviceRatings: [{ rating: 'satisfactory', ratedOn: addMonths(appointment, 6), ratedBy: 'sup-0009' }],
        },
      },
      hr,
    );
    const outcome = await worker.runUntil(() => resultOf(programId));
    expect(outcome).toMatchObject({ status: 'reclassified', reclassification: { effectiveOn: today } });
    const events = await recordedEvents(db, programId);
    expect(
      events.filter((e) => e.type === 'milestone-overdue' || e.type === 'milestone-escalated' || e.type === 'overdue-reminder-issued'),
    ).toEqual([]);
    expect(events.find((e) => e.type === 'minimum-period-reached')?.data).toEqual({ on: anniversary(appointment, 1) });
    expect(events.filter((e) => e.type === 'milestone-signed-off').map((e) => [e.data.milestoneId, e.data.signedOn, e.actor_id])).toEqual(
      fixture.schedule.milestones.map((m) => [m.id, m.dueDate, 'sup-0009']),
    );
    const kinds = (await issuedNotices(db, programId)).map((n) => n.kind);
    expect(kinds.filter((k) => k.startsWith('milestone') || k.startsWith('overdue'))).toEqual([]);
    expect(kinds).toContain('reclassification');
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'r-migrated-with-history-reclassified');
  });
});
