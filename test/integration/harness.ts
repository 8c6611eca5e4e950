/**
 * Real parts for the integration tier: Temporal's time-skipping test server (from the project's
 * .tools), a real PostgreSQL database, and the workflows bundled once per test file.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import pg from 'pg';
import type { Client } from '@temporalio/client';
import { createProgramClient } from '../../client/programs.js';
import { migrate } from '../../db/migrate.js';
import { addDays, addMonths, civilDateInNewYork, startOfDayInNewYork, type CivilDate } from '../../domain/dates.js';
import type { Actor } from '../../domain/program.js';
import type { EnrollmentInput } from '../../domain/schemas.js';
import { searchAttributes, workflowIdFor } from '../../workflows/definitions.js';
import { workflowInterceptorModules } from '../../worker/tracing.js';
import { workflowBundlerOptions, workflowsPath } from '../../worker/worker.js';
import { developmentDataConverter } from '../../temporal/payload-codec.js';
import { dropDatabase } from '../drop-database.js';

const tools = fileURLToPath(new URL('../../.tools/bin/', import.meta.url));
export const testServerPath = process.env.TEMPORAL_TEST_SERVER_PATH ?? `${tools}temporal-test-server`;
export const temporalCliPath = process.env.TEMPORAL_CLI_PATH ?? `${tools}temporal`;
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://lap:lap@127.0.0.1:5432/lap_test';

const { IndexedValueType } = proto.temporal.api.enums.v1;
const indexedType = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
} as const;

/** The time-skipping server, with the workflow's search attributes registered. */
export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerPath } },
    client: { dataConverter: developmentDataConverter() },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      Object.values(searchAttributes).map((key) => [key.name, indexedType[key.type as keyof typeof indexedType]]),
    ),
  });
  return env;
}

/** The Temporal dev server (the project's CLI binary), with the search attributes and the payload key. */
export function startDevServer(): Promise<TestWorkflowEnvironment> {
  const typeNames = { KEYWORD: 'KEYWORD', DATETIME: 'DATETIME' } as const;
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath },
      searchAttributes: Object.values(searchAttributes).map((key) => ({
        name: key.name,
        type: typeNames[key.type as keyof typeof typeNames],
      })),
      extraArgs: ['--headless', '--log-level', 'error'],
    },
    client: { dataConverter: developmentDataConverter() },
  });
}

export async function openTestDatabase(): Promise<pg.Pool> {
  await migrate(testDatabaseUrl);
  return new pg.Pool({ connectionString: testDatabaseUrl, max: 5 });
}

export interface ScratchDatabase {
  url: string;
  pool: pg.Pool;
  /** Drops every table and applies the migrations again. */
  reset(): Promise<void>;
  drop(): Promise<void>;
}

/** A database of the test file's own, created fresh and dropped at the end. */
export async function createScratchDatabase(name: string): Promise<ScratchDatabase> {
  const dbName = `lap_scratch_${name}_${process.pid}`;
  await dropDatabase(testDatabaseUrl, dbName); // what an interrupted run of this file left
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${dbName}`;
  await migrate(url.toString());
  const pool = new pg.Pool({ connectionString: url.toString(), max: 5 });
  // pool.end() does not wait for its connections to close: dropping the database may end one still
  // closing, and the pool reports that as an error of an idle client. Expected at teardown.
  pool.on('error', () => undefined);
  return {
    url: url.toString(),
    pool,
    async reset() {
      await pool.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
      await migrate(url.toString());
    },
    async drop() {
      await pool.end();
      await dropDatabase(testDatabaseUrl, dbName);
    },
  };
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundles the workflows once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, ...workflowBundlerOptions, logger: quietLogger });
  return bundle;
}

const noop = (): void => {};
export const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

/** A task queue and a program-id prefix of the test's own. */
export const uniqueTaskQueue = (): string => `test-${randomUUID()}`;

export const hr: Actor = { id: 'hr-0001', role: 'hr' };
export const supervisor: Actor = { id: 'sup-0001', role: 'supervisor' };
export const programManager: Actor = { id: 'pm-0001', role: 'program-manager' };
export const das: Actor = { id: 'das-0001', role: 'das' };

/** An enrollment whose milestones fall 6, 9 and 12 months after the appointment. */
export function enrollmentFixture(appointmentDate: CivilDate, overrides: Partial<EnrollmentInput> = {}): EnrollmentInput {
  return {
    trainee: { employeeId: `E${randomUUID().slice(0, 8)}`, name: 'Jordan Example', email: 'jordan.example@example.gov' },
    agency: 'OPM',
    functionalRole: 'Agency Labor Relations Specialist Trainee',
    targetClassCode: '5257MP',
    supervisorId: supervisor.id,
    programManagerId: programManager.id,
    appointmentDate,
    hoursPerWeek: 40,
    schedule: {
      dasApprovalRef: 'DAS-2026-0142',
      approvedOn: addDays(appointmentDate, -14),
      plannedEndDate: addMonths(appointmentDate, 18),
      milestones: [
        { id: 'm1', title: 'Contract administration rotation', dueDate: addMonths(appointmentDate, 6) },
        { id: 'm2', title: 'Grievance and arbitration casework', dueDate: addMonths(appointmentDate, 9) },
        { id: 'm3', title: 'Independent agency assignment', dueDate: addMonths(appointmentDate, 12) },
      ],
    },
    priorExperience: { generalYears: 5, specialYears: 2 },
    education: { semesterHours: 120, degrees: ['bachelor'] },
    ...overrides,
  };
}

/** Today's civil date in New York on the test server's clock. */
export async function serverToday(env: TestWorkflowEnvironment): Promise<CivilDate> {
  return civilDateInNewYork(await env.currentTimeMs());
}

/** Skips the server's clock forward to `hour` o'clock New York time on `date`. */
export async function skipTo(env: TestWorkflowEnvironment, date: CivilDate, hour = 12): Promise<void> {
  const target = startOfDayInNewYork(date) + hour * 3_600_000;
  const now = await env.currentTimeMs();
  if (target <= now) throw new Error(`cannot skip back to ${date}`);
  await env.sleep(target - now);
}

/** Deadlines far past anything a busy machine needs: these tests are about the answers, not the time. */
export const TEST_DEADLINES = { readMs: 60_000, commandMs: 60_000 };

/** A program client on the server's clock; on a time-skipping server, pass `env` so "today" is the server's. */
export function programClient(client: Client, taskQueue: string, env?: TestWorkflowEnvironment) {
  return createProgramClient({ client, taskQueue, deadlines: TEST_DEADLINES, ...(env ? { today: () => serverToday(env) } : {}) });
}

export interface EventRow {
  event_id: string;
  version: number;
  type: string;
  occurred_at: Date;
  actor_id: string;
  data: Record<string, unknown>;
}

export async function recordedEvents(db: pg.Pool, programId: string): Promise<EventRow[]> {
  const { rows } = await db.query<EventRow>(
    'SELECT event_id, version, type, occurred_at, actor_id, data FROM program_events WHERE program_id = $1 ORDER BY version',
    [programId],
  );
  return rows;
}

export async function issuedNotices(db: pg.Pool, programId: string) {
  const { rows } = await db.query<{ notice_id: string; kind: string; issued_on: string; subject: string; body: string }>(
    `SELECT notice_id, kind, to_char(issued_on, 'YYYY-MM-DD') AS issued_on, subject, body
       FROM notices WHERE program_id = $1 ORDER BY created_at, notice_id`,
    [programId],
  );
  return rows;
}

/** Waits until the event log holds `version` events of the program (recording is asynchronous). */
export async function waitForRecorded(db: pg.Pool, programId: string, version: number): Promise<EventRow[]> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const rows = await recordedEvents(db, programId);
    if (rows.length >= version) return rows;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`program ${programId} did not record ${version} events`);
}

export const historiesDir = fileURLToPath(new URL('../histories/', import.meta.url));

/** Waits until the program's workflow has no task or activity outstanding. */
export async function waitUntilIdle(client: Client, programId: string): Promise<void> {
  const handle = client.workflow.getHandle(workflowIdFor(programId));
  for (let attempt = 0; attempt < 200; attempt++) {
    const { raw } = await handle.describe();
    if ((raw.pendingActivities?.length ?? 0) === 0 && !raw.pendingWorkflowTask) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`program ${programId} did not become idle`);
}

/** With RECORD_HISTORIES=1, saves a finished workflow's history for the replay test. */
export async function saveHistoryIfRecording(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  await mkdir(historiesDir, { recursive: true });
  // Binary protobuf, as Temporal stores it: exact, and free of JSON-mapping differences.
  await writeFile(`${historiesDir}${name}.binpb`, proto.temporal.api.history.v1.History.encode(history).finish());
}
