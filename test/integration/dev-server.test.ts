/**
 * Update and search-attribute semantics on the real Temporal dev server (the CLI's
 * `server start-dev`). The command line is tested through the API (test/api/cli.test.ts).
 */
import { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { RuleViolationError, type ProgramClient } from '../../client/programs.js';
import { addDays, addMonths, civilDateInNewYork } from '../../domain/dates.js';
import { createProgramWorker } from '../../worker/worker.js';
import { programQuery, searchAttributes, workflowIdFor } from '../../workflows/definitions.js';
import {
  das,
  enrollmentFixture,
  hr,
  openTestDatabase,
  programClient,
  recordedEvents,
  startDevServer,
  supervisor,
  uniqueTaskQueue,
  waitForRecorded,
  waitUntilIdle,
  workflowBundle,
} from './harness.js';
import { ENCRYPTED_ENCODING } from '../../temporal/payload-codec.js';

let env: TestWorkflowEnvironment;
let db: pg.Pool;
let worker: Worker;
let programs: ProgramClient;
let running: Promise<void>;
const today = civilDateInNewYork(Date.now());

beforeAll(async () => {
  [env, db] = await Promise.all([startDevServer(), openTestDatabase()]);
  const taskQueue = uniqueTaskQueue();
  worker = await createProgramWorker({ connection: env.nativeConnection, taskQueue, db, workflowBundle: await workflowBundle() });
  running = worker.run();
  programs = programClient(env.client, taskQueue);
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await db?.end();
  await env?.teardown();
});

describe('on the Temporal dev server', () => {
  it('answers a rejected Update with the rule and writes nothing to history', async () => {
    const { programId } = await programs.enroll(enrollmentFixture(today), hr);
    const handle = env.client.workflow.getHandle(workflowIdFor(programId));
    await waitForRecorded(db, programId, 2);
    await waitUntilIdle(env.client, programId);
    const before = (await handle.fetchHistory()).events?.length;

    const rejection = programs.signOff(programId, 'no-such-milestone', { signedOn: today }, supervisor);
    await expect(rejection).rejects.toBeInstanceOf(RuleViolationError);
    await expect(rejection).rejects.toMatchObject({ code: 'unknown-milestone', violations: [{ field: 'milestoneId' }] });
    await expect(
      programs.amend(programId, { dasApprovalRef: 'DAS-X-1', approvedOn: today, plannedEndDate: addMonths(today, 40) }, das),
    ).rejects.toMatchObject({ code: 'exceeds-statutory-maximum' });

    expect((await handle.fetchHistory()).events?.length).toBe(before);
    await programs.withdraw(programId, { effectiveOn: today, reason: 'test complete' }, hr);
  });

  it('keeps no personal data readable in Temporal: every payload of the history is sealed, and a client without the key cannot open them', async () => {
    const enrollment = enrollmentFixture(today);
    const { programId } = await programs.enroll(enrollment, hr);
    await programs.signOff(programId, 'm1', { signedOn: today, comments: 'Private remark' }, supervisor);
    await waitForRecorded(db, programId, 3);
    await waitUntilIdle(env.client, programId);

    const history = await env.client.workflow.getHandle(workflowIdFor(programId)).fetchHistory();
    const raw = Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish());
    for (const secret of [enrollment.trainee.name, enrollment.trainee.email, 'Private remark'])
      expect(raw.includes(secret), secret).toBe(false);
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(new TextDecoder().decode(started?.metadata?.encoding ?? undefined)).toBe(ENCRYPTED_ENCODING);

    // With the key, the program reads as ever; without it, not at all.
    expect((await programs.show(programId)).traineeEmployeeId).toBe(enrollment.trainee.employeeId);
    const keyless = new Client({ connection: env.connection });
    await expect(keyless.workflow.getHandle(workflowIdFor(programId)).query(programQuery)).rejects.toThrow();
    await programs.withdraw(programId, { effectiveOn: today, reason: 'test complete' }, hr);
  });

  it('still shows where a waiting program waits, by its own line, in the stack-trace query (stack depth cut for speed)', async () => {
    const { programId } = await programs.enroll(enrollmentFixture(today), hr);
    await waitForRecorded(db, programId, 2);
    await waitUntilIdle(env.client, programId);
    const stacks = await env.client.workflow.getHandle(workflowIdFor(programId)).query<string>('__stack_trace');
    // The main loop's wait for its next rule date or the next command.
    expect(stacks).toMatch(/development-program\.ts:\d+/);
    await programs.withdraw(programId, { effectiveOn: today, reason: 'test complete' }, hr);
  });

  it('publishes status, target class, agency and the key dates as search attributes, with no personal data', async () => {
    const agency = `AGENCY-${Date.now()}`;
    const { programId } = await programs.enroll(enrollmentFixture(today, { agency }), hr);
    await programs.show(programId);
    const query = `Agency = '${agency}' AND ProgramStatus = 'active' AND TargetClassCode = '5257MP'`;
    let found: string[] = [];
    for (let attempt = 0; attempt < 50 && found.length === 0; attempt++) {
      found = [];
      for await (const execution of env.client.workflow.list({ query })) found.push(execution.workflowId);
      if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(found).toEqual([workflowIdFor(programId)]);

    const description = await env.client.workflow.getHandle(workflowIdFor(programId)).describe();
    const attributes = JSON.stringify(description.typedSearchAttributes);
    expect(attributes).not.toContain('Jordan');
    expect(attributes).not.toContain('example.gov');
    expect(description.workflowId).not.toContain('E');
    expect(description.typedSearchAttributes.get(searchAttributes.latestCompletion)?.toISOString().slice(0, 10)).toBe(
      addDays(addMonths(today, 36), -1),
    );
    await programs.withdraw(programId, { effectiveOn: today, reason: 'test complete' }, hr);
  });

  it('gives the same program for the same idempotency key, and refuses a part-time enrollment without starting anything', async () => {
    const key = `import-${Date.now()}`;
    const first = await programs.enroll(enrollmentFixture(today), hr, { idempotencyKey: key });
    const again = await programs.enroll(enrollmentFixture(today), hr, { idempotencyKey: key });
    expect(again.programId).toBe(first.programId);
    const events = await waitForRecorded(db, first.programId, 2);
    expect(events.filter((e) => e.type === 'enrolled')).toHaveLength(1);

    const partTime = programs.enroll(enrollmentFixture(today, { hoursPerWeek: 35 }), hr, { programId: `pt-${key}` });
    await expect(partTime).rejects.toMatchObject({ code: 'not-full-time', violations: [{ field: 'hoursPerWeek' }] });
    await expect(env.client.workflow.getHandle(workflowIdFor(`pt-${key}`)).describe()).rejects.toThrow();
    await programs.withdraw(first.programId, { effectiveOn: today, reason: 'test complete' }, hr);
  });
});

describe('recording across continue-as-new', () => {
  it('carries the events it could not record yet across continue-as-new, and records each once when the database is back', async () => {
    const taskQueue = uniqueTaskQueue();
    const carrying = programClient(env.client, taskQueue);
    const real = createActivities({ db });
    let recordingDown = true;
    let failedAttempts = 0;
    const carryingWorker = await createProgramWorker({
      connection: env.nativeConnection,
      taskQueue,
      db,
      workflowBundle: await workflowBundle(),
      activityOverrides: {
        recordEvents: async (events) => {
          if (recordingDown) {
            failedAttempts++;
            throw ApplicationFailure.retryable('the event log is out of reach (test)', 'test-outage');
          }
          return real.recordEvents(events);
        },
      },
    });
    const appointment = today;
    const { programId } = await carrying.enroll(enrollmentFixture(appointment), hr, { continueAsNewAfterHistoryEvents: 14 });
    const handle = env.client.workflow.getHandle(workflowIdFor(programId));
    const firstRunId = (await handle.describe()).runId;

    await carryingWorker.runUntil(async () => {
      // Updates are accepted while nothing can be recorded: the history grows past its limit.
      const signed = ['m1', 'm2', 'm3'];
      for (const milestoneId of signed) {
        await carrying.signOff(programId, milestoneId, { signedOn: appointment }, supervisor);
      }
      for (let attempt = 0; (await handle.describe()).runId === firstRunId; attempt++) {
        if (attempt > 1_200) throw new Error('the program never continued as new while recording failed');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(failedAttempts).toBeGreaterThan(0);
      expect(await recordedEvents(db, programId)).toEqual([]);
      const pending = await carrying.show(programId);
      expect(pending.milestones.filter((m) => m.status === 'signed-off').map((m) => m.id)).toEqual(signed);

      recordingDown = false;
      const events = await waitForRecorded(db, programId, pending.version);
      expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((e) => e.type === 'milestone-signed-off').map((e) => e.data.milestoneId)).toEqual(signed);
      expect(events[0]?.type).toBe('enrolled');
      // Nothing was written twice, and the new run knows everything the first one accepted.
      expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
      expect((await carrying.show(programId)).version).toBe(events.length);
    });
  });
});
