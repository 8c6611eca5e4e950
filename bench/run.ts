/**
 * `npm run bench`: every path beside its floor, measured in the same run on the same servers, as one
 * table of ratios (the targets of issue 13). No test asserts a time; this prints and records.
 *
 *   npx tsx bench/run.ts [--enrollments 500] [--small 10000] [--large 100000] [--events 200000] [--only writes,reads,rebuild,cli] [--runs 1]
 *
 * - Writes: the project's API, worker and Temporal dev server started as production starts them
 *   (bench/lib/stack.ts). The floor is a bare workflow with one Update and one activity that inserts
 *   one row (bench/floor), on the same server, started by the same harness at the same concurrency.
 *   A load's workflows are worked through (every one idle) before the next load starts: no
 *   measurement shares the machine with the backlog another one left.
 * - Projection lag: from each enrollment's 201 to its row in the read model, during the enrollment
 *   load, and again while another database on the same server holds a transaction open.
 * - Reads: two read models, of `small` and of `large` simulated programs, each in a database of its
 *   own behind an API of its own in this process, measured interleaved (the same conditions for both
 *   sizes); every SQL statement the API sends for a request is recorded and run again by `pg`
 *   directly as that request's floor, and EXPLAINed at the large size.
 * - Rebuild: bench/event-store.ts (rebuild of the programs projection beside a COPY of the same rows).
 * - CLI: one command's wall time beside the same HTTP request made in this process.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { mintToken } from '../api/auth.js';
import { buildApiServer } from '../api/server.js';
import { createProgramClient } from '../client/programs.js';
import { migrate } from '../db/migrate.js';
import { workflowIdFor } from '../workflows/definitions.js';
import { floorProgram, floorSignOff } from './floor/workflows.js';
import { benchEnrollment, benchToday } from './lib/enrollment.js';
import { buildPrograms, insertReadModel } from './lib/read-model.js';
import { createScratchDatabase, startStack, adminUrl, type Stack } from './lib/stack.js';
import { median, percentile, round, runLoad } from './lib/stats.js';
import { request, timeRequest, type HttpAnswer } from './lib/http.js';

const { values } = parseArgs({
  options: {
    enrollments: { type: 'string', default: '500' },
    small: { type: 'string', default: '10000' },
    large: { type: 'string', default: '100000' },
    events: { type: 'string', default: '200000' },
    only: { type: 'string', default: 'writes,reads,rebuild,cli' },
    runs: { type: 'string', default: '1' },
  },
});
const runs = Math.max(1, Number(values.runs));
const enrollments = Number(values.enrollments);
const sections = new Set(values.only.split(','));

interface Row {
  path: string;
  project: string;
  floor: string;
  ratio: number;
  target: string;
  met: boolean;
}
const rows: Row[] = [];
const explains: string[] = [];
const ms = (value: number): string => `${round(value)} ms`;
const log = (message: string): void => console.error(`[bench] ${message}`);

// --- Writes ------------------------------------------------------------------------------------------

async function post(url: string, token: string, body: unknown): Promise<HttpAnswer> {
  const answer = await request('POST', url, { token, body });
  if (answer.status >= 300) throw new Error(`${url} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  return answer;
}

/**
 * Watches the read model for programs the API has answered for; lag = first seen − the 201. The lag
 * is split in two at the append of the program's first event (its `recorded_at`, the same host's
 * clock): the 201 to the append (the workflow's recording activity) and the append to the row
 * (the projector).
 */
function watchProjection(db: pg.Pool): {
  answered(programId: string): void;
  lags: number[];
  drain(): Promise<void>;
  split(): Promise<{ toAppend: number[]; toProjection: number[] }>;
} {
  const pending = new Map<string, number>();
  const answeredAt = new Map<string, number>(); // wall clock, to compare with the database's
  const seenAt = new Map<string, number>();
  const lags: number[] = [];
  let stopped = false;
  const loop = (async () => {
    const giveUpAt = (): number => performance.now() + 180_000;
    let deadline = Number.POSITIVE_INFINITY;
    for (;;) {
      if (pending.size > 0) {
        const ids = [...pending.keys()];
        const { rows: seen } = await db.query<{ program_id: string }>(
          'SELECT program_id FROM rm_programs WHERE program_id = ANY($1::text[])',
          [ids],
        );
        const now = performance.now();
        const wall = Date.now();
        for (const { program_id } of seen) {
          const at = pending.get(program_id);
          if (at !== undefined) lags.push(now - at);
          seenAt.set(program_id, wall);
          pending.delete(program_id);
        }
      }
      if (stopped && pending.size === 0) return;
      if (stopped && deadline === Number.POSITIVE_INFINITY) deadline = giveUpAt();
      if (performance.now() > deadline) throw new Error(`${pending.size} programs never reached the read model`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return {
    answered: (programId) => {
      pending.set(programId, performance.now());
      answeredAt.set(programId, Date.now());
    },
    lags,
    async drain() {
      stopped = true;
      await loop;
    },
    async split() {
      const { rows: appended } = await db.query<{ program_id: string; at: number }>(
        `SELECT program_id, extract(epoch FROM min(recorded_at))::float8 * 1000 AS at
           FROM program_events WHERE program_id = ANY($1::text[]) GROUP BY program_id`,
        [[...seenAt.keys()]],
      );
      const toAppend: number[] = [];
      const toProjection: number[] = [];
      for (const { program_id, at } of appended) {
        toAppend.push(at - (answeredAt.get(program_id) ?? at));
        toProjection.push((seenAt.get(program_id) ?? at) - at);
      }
      return { toAppend, toProjection };
    },
  };
}

/** One log line: where a projection lag went (the 201 to the append, the append to the row). */
function logLagSplit(label: string, split: { toAppend: number[]; toProjection: number[] }): void {
  const at = (samples: number[]): string => [50, 90, 99].map((p) => `p${p} ${round(percentile(samples, p))}`).join(', ');
  log(`${label}: 201 → first event appended: ${at(split.toAppend)} ms; appended → row in rm_programs: ${at(split.toProjection)} ms`);
}

/**
 * Where the time before the append goes, from the workflows' own histories (a sample of `ids`):
 * the start to the first workflow task's start, and the recording activity's schedule-to-start and
 * run time. Printed beside the lag split; it measures the worker, which the projector does not own.
 */
async function logRecordingDelays(client: Client, label: string, ids: readonly string[]): Promise<void> {
  type HistoryEvent = NonNullable<Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']>[number];
  const at = (e: HistoryEvent | undefined): number =>
    e?.eventTime ? Number(e.eventTime.seconds ?? 0) * 1000 + (e.eventTime.nanos ?? 0) / 1e6 : Number.NaN;
  const firstTask: number[] = [];
  const toStart: number[] = [];
  const running: number[] = [];
  const step = Math.max(1, Math.floor(ids.length / 50));
  for (let i = 0; i < ids.length; i += step) {
    const events = (await client.workflow.getHandle(workflowIdFor(ids[i] ?? '')).fetchHistory()).events ?? [];
    const started = events.find((e) => e.workflowExecutionStartedEventAttributes);
    const task = events.find((e) => e.workflowTaskStartedEventAttributes);
    const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'recordEvents');
    const id = scheduled?.eventId;
    const activityStarted = events.find(
      (e) => e.activityTaskStartedEventAttributes && String(e.activityTaskStartedEventAttributes.scheduledEventId) === String(id),
    );
    const completed = events.find(
      (e) => e.activityTaskCompletedEventAttributes && String(e.activityTaskCompletedEventAttributes.scheduledEventId) === String(id),
    );
    firstTask.push(at(task) - at(started));
    toStart.push(at(activityStarted) - at(scheduled));
    running.push(at(completed) - at(activityStarted));
  }
  const pct = (samples: number[]): string =>
    [50, 90, 99].map((p) => `p${p} ${round(percentile(samples.filter(Number.isFinite), p))}`).join(', ');
  log(
    `${label}, from ${firstTask.length} histories: start → first workflow task ${pct(firstTask)} ms; recordEvents schedule-to-start ${pct(toStart)} ms, run ${pct(running)} ms`,
  );
}

/**
 * Waits until every workflow of `workflowIds` has nothing left to run (no workflow task, no
 * activity): a load's workflows are still being worked through when its last start has answered,
 * and the next measurement must not share the machine with that backlog. Logs how long it took.
 */
async function waitUntilIdle(client: Client, label: string, workflowIds: readonly string[]): Promise<void> {
  const started = performance.now();
  for (const workflowId of workflowIds) {
    for (;;) {
      const { raw } = await client.workflow.getHandle(workflowId).describe();
      // A notice's delivery retries for as long as the benchmark's mail server is missing: not work to wait for.
      const working = (raw.pendingActivities ?? []).filter((a) => a.activityType?.name !== 'deliverNotice');
      if (!raw.pendingWorkflowTask && working.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  log(`${label}: every workflow idle ${round((performance.now() - started) / 1000)} s after the load's last answer`);
}

async function enrollThroughApi(
  stack: Stack,
  count: number,
  prefix: string,
  afterLoad: () => Promise<void> = async () => {},
): Promise<{
  load: Awaited<ReturnType<typeof runLoad>>;
  ids: string[];
  lags: number[];
  split: { toAppend: number[]; toProjection: number[] };
}> {
  const token = await mintToken(stack.authSecret, { sub: 'hr-bench', roles: ['hr'], ttl: '1h' });
  const watcher = watchProjection(stack.db);
  const ids: string[] = [];
  const load = await runLoad(count, 20, async (i) => {
    const answer = await post(`${stack.apiBase}/v1/programs`, token, benchEnrollment(`E${prefix}${String(i).padStart(5, '0')}`));
    const { programId } = JSON.parse(answer.body) as { programId: string };
    watcher.answered(programId);
    ids.push(programId);
  });
  await afterLoad();
  await watcher.drain();
  return { load, ids, lags: watcher.lags, split: await watcher.split() };
}

async function writes(): Promise<void> {
  log('starting the Temporal dev server, PostgreSQL database, worker, floor worker and API');
  const stack = await startStack();
  try {
    const client = stack.temporal.client;
    const runId = randomUUID().slice(0, 8);
    // Warm both paths (bundles loaded, connections open) before anything is timed.
    await client.workflow.start(floorProgram, { taskQueue: 'bench-floor', workflowId: `floor-warm-${runId}` });
    const warm = await enrollThroughApi(stack, 20, '9');
    await waitUntilIdle(client, 'warm-up', [`floor-warm-${runId}`, ...warm.ids.map(workflowIdFor)]);

    log(`floor: ${enrollments} bare workflow starts at concurrency 20`);
    const floorStart = await runLoad(enrollments, 20, async (i) => {
      await client.workflow.start(floorProgram, { taskQueue: 'bench-floor', workflowId: `floor-${runId}-${i}` });
    });
    await waitUntilIdle(
      client,
      'floor',
      Array.from({ length: enrollments }, (_, i) => `floor-${runId}-${i}`),
    );
    log(`project: ${enrollments} enrollments through the API at concurrency 20`);
    const enrolled = await enrollThroughApi(stack, enrollments, '1');
    await waitUntilIdle(client, 'project', enrolled.ids.map(workflowIdFor));
    for (const [name, load] of [
      ['floor start', floorStart],
      ['API enroll', enrolled.load],
    ] as const) {
      if (load.errors.length) throw new Error(`${name}: ${load.errors.length} failed, first: ${load.errors[0]}`);
    }
    rows.push({
      path: `enroll via the API, ${enrollments} at concurrency 20: throughput`,
      project: `${round(enrolled.load.throughput)}/s`,
      floor: `${round(floorStart.throughput)}/s (bare workflow start)`,
      ratio: round(enrolled.load.throughput / floorStart.throughput, 2),
      target: '≥ 0.8',
      met: enrolled.load.throughput / floorStart.throughput >= 0.8,
    });
    const enrollP99 = percentile(enrolled.load.latencies, 99);
    const floorStartP99 = percentile(floorStart.latencies, 99);
    rows.push({
      path: 'enroll via the API: p99',
      project: ms(enrollP99),
      floor: ms(floorStartP99),
      ratio: round(enrollP99 / floorStartP99, 2),
      target: '≤ 1.5',
      met: enrollP99 / floorStartP99 <= 1.5,
    });
    const lagP99 = percentile(enrolled.lags, 99);
    logLagSplit('projection lag under the enrollment load', enrolled.split);
    await logRecordingDelays(client, 'the enrollment load', enrolled.ids);
    rows.push({
      path: 'projection lag under the enrollment load: p99',
      project: ms(lagP99),
      floor: '—',
      ratio: round(lagP99 / 1000, 2),
      target: '≤ 1 s',
      met: lagP99 <= 1000,
    });

    log(`floor: ${enrollments} executeUpdate calls at concurrency 10`);
    const floorUpdate = await runLoad(enrollments, 10, async (i) => {
      await client.workflow.getHandle(`floor-${runId}-${i}`).executeUpdate(floorSignOff, { args: ['m1'] });
    });
    log(`project: ${enrollments} sign-offs through the API at concurrency 10`);
    const supervisorToken = await mintToken(stack.authSecret, { sub: 'sup-bench', roles: ['supervisor'], ttl: '1h' });
    const signOffs = await runLoad(enrolled.ids.length, 10, async (i) => {
      await post(`${stack.apiBase}/v1/programs/${enrolled.ids[i]}/milestones/m1/sign-off`, supervisorToken, { signedOn: benchToday });
    });
    for (const [name, load] of [
      ['floor update', floorUpdate],
      ['API sign-off', signOffs],
    ] as const) {
      if (load.errors.length) throw new Error(`${name}: ${load.errors.length} failed, first: ${load.errors[0]}`);
    }
    for (const p of [50, 99] as const) {
      const project = percentile(signOffs.latencies, p);
      const floor = percentile(floorUpdate.latencies, p);
      const limit = p === 50 ? 1.3 : 1.5;
      rows.push({
        path: `sign-off via the API, ${enrollments} at concurrency 10: p${p}`,
        project: ms(project),
        floor: `${ms(floor)} (raw executeUpdate)`,
        ratio: round(project / floor, 2),
        target: `≤ ${limit}`,
        met: project / floor <= limit,
      });
    }

    // Another database on the same server holds a transaction open while programs are enrolled.
    log('projection lag while another database holds a transaction open');
    // The transaction is held for 60 s from the start of the load (or until the load is done, if
    // that takes longer), then rolled back; programs not projected by then carry the whole wait.
    const holder = new pg.Client({ connectionString: adminUrl });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT txid_current()');
    const holdUntil = performance.now() + 60_000;
    const held = await enrollThroughApi(stack, Math.min(200, enrollments), '2', async () => {
      const left = holdUntil - performance.now();
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
      await holder.query('ROLLBACK');
    });
    await holder.end();
    const heldP99 = percentile(held.lags, 99);
    logLagSplit('projection lag, another database holding a transaction open', held.split);
    await logRecordingDelays(client, 'another database holding a transaction open', held.ids);
    rows.push({
      path: 'projection lag p99, another database holding a transaction open',
      project: ms(heldP99),
      floor: '—',
      ratio: round(heldP99 / 1000, 2),
      target: '≤ 1 s',
      met: heldP99 <= 1000,
    });

    await section('cli', () => cli(stack, enrolled.ids[0] ?? ''));
  } finally {
    await stack.stop();
  }
}

// --- CLI ---------------------------------------------------------------------------------------------

function runCliOnce(env: NodeJS.ProcessEnv, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // As `npm run cli` runs it: the compiled file under plain node.
    const child = spawn(process.execPath, ['dist/cli/cli.mjs', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`cli ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
  });
}

async function cli(stack: Stack, programId: string): Promise<void> {
  log('CLI: `show` as a process, beside the same request made in this process');
  await new Promise<void>((resolve, reject) => {
    const build = spawn(process.execPath, ['--import', 'tsx', 'client/build-cli.ts'], { stdio: 'inherit' });
    build.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`building the CLI exited ${code}`))));
  });
  // The CLI is an API client: the same GET with the same token, from this process, is its floor.
  const token = await mintToken(stack.authSecret, { sub: 'hr-bench', roles: ['hr'], ttl: '1h' });
  const env = { ...stack.env, API_URL: stack.apiBase, LAP_TOKEN: token };
  const url = `${stack.apiBase}/v1/programs/${encodeURIComponent(programId)}`;
  const walls: number[] = [];
  const calls: number[] = [];
  await runCliOnce(env, ['show', programId]);
  for (let i = 0; i < 5; i++) {
    walls.push(await runCliOnce(env, ['show', programId]));
    calls.push(await timeRequest(url, token));
  }
  const overhead = median(walls) - median(calls);
  rows.push({
    path: 'CLI `show`: wall time over the same request',
    project: ms(median(walls)),
    floor: `${ms(median(calls))} (the request in-process)`,
    ratio: round(overhead / 1000, 2),
    target: '≤ 0.5 s over',
    met: overhead <= 500,
  });
}

// --- Reads -------------------------------------------------------------------------------------------

interface Statement {
  text: string;
  values: unknown[];
}

/** A pool whose queries are recorded while `recording` is set: what one request sends, in order. */
function recordingPool(url: string): {
  pool: pg.Pool;
  record<T>(action: () => Promise<T>): Promise<{ result: T; statements: Statement[] }>;
} {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => {});
  let recording: Statement[] | null = null;
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const [first, second] = args;
    if (recording) {
      if (typeof first === 'string') recording.push({ text: first, values: Array.isArray(second) ? second : [] });
      else if (first && typeof first === 'object' && 'text' in first) {
        const config = first as { text: string; values?: unknown[] };
        recording.push({ text: config.text, values: config.values ?? (Array.isArray(second) ? second : []) });
      }
    }
    return query(...args);
  };
  return {
    pool,
    async record(action) {
      recording = [];
      try {
        const result = await action();
        return { result, statements: recording };
      } finally {
        recording = null;
      }
    },
  };
}

/** The same statements by `pg` directly, concurrently as the API may send them. */
async function timeStatements(db: pg.Pool, statements: readonly Statement[]): Promise<number> {
  const started = performance.now();
  await Promise.all(statements.map((s) => db.query(s.text, s.values)));
  return performance.now() - started;
}

/** A read by its path from the API's root, as one caller. */
interface ReadPath {
  name: string;
  path: string;
  token: string;
}

/** A read model of its own size in a database of its own, served by an API of its own. */
interface ReadSite {
  base: string;
  recorder: ReturnType<typeof recordingPool>;
  direct: pg.Pool;
  close(): Promise<void>;
}

async function openReadSite(count: number, secret: string, temporal: Client): Promise<ReadSite> {
  const scratch = await createScratchDatabase('lap_bench_reads');
  const recorder = recordingPool(scratch.url);
  const direct = new pg.Pool({ connectionString: scratch.url, max: 10 });
  direct.on('error', () => {});
  try {
    await migrate(scratch.url);
    log(`reads: simulating ${count.toLocaleString('en-US')} programs into a read model of their own`);
    await insertReadModel(direct, buildPrograms(count));
    const app = await buildApiServer({
      programs: createProgramClient({ client: temporal }),
      db: recorder.pool,
      temporal,
      authSecret: secret,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return {
      base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
      recorder,
      direct,
      async close() {
        await app.close();
        await recorder.pool.end();
        await direct.end();
        await scratch.drop();
      },
    };
  } catch (error) {
    await Promise.allSettled([recorder.pool.end(), direct.end()]);
    await scratch.drop();
    throw error;
  }
}

/**
 * One read on both read models, interleaved: each round sends the request to the small one and the
 * large one and runs each one's SQL by `pg`, in alternating order, so both sizes are measured under
 * the same conditions of the machine rather than minutes apart.
 */
async function measureReadPair(
  read: ReadPath,
  sites: readonly [ReadSite, ReadSite],
): Promise<{ api: number; sql: number; statements: Statement[] }[]> {
  const recorded = [];
  for (const site of sites) {
    const url = `${site.base}${read.path}`;
    for (let i = 0; i < 5; i++) await timeRequest(url, read.token);
    const { statements } = await site.recorder.record(() => timeRequest(url, read.token));
    if (statements.length === 0) throw new Error(`${read.name} sent no SQL: nothing to compare with`);
    recorded.push({ site, url, statements, api: [] as number[], sql: [] as number[] });
  }
  for (let round = 0; round < 40; round++) {
    for (const one of round % 2 === 0 ? recorded : [...recorded].reverse()) {
      one.api.push(await timeRequest(one.url, read.token));
      one.sql.push(await timeStatements(one.site.direct, one.statements));
    }
  }
  return recorded.map((one) => ({ api: median(one.api), sql: median(one.sql), statements: one.statements }));
}

async function reads(): Promise<void> {
  const small = Number(values.small);
  const large = Number(values.large);
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const secret = randomUUID() + randomUUID();
  const sites: ReadSite[] = [];
  try {
    sites.push(await openReadSite(small, secret, temporal));
    sites.push(await openReadSite(large, secret, temporal));
    const [atSmall, atLarge] = sites as [ReadSite, ReadSite];
    const hr = await mintToken(secret, { sub: 'hr-bench', roles: ['hr'], ttl: '1h' });
    const supervisor = await mintToken(secret, { sub: 'sup-0001', roles: ['supervisor'], ttl: '1h' });
    const paths: ReadPath[] = [
      { name: 'GET one program', path: '/v1/programs/p-bench-000001', token: hr },
      { name: 'GET /v1/dashboard', path: '/v1/dashboard', token: hr },
      { name: 'GET /v1/inbox (a supervisor)', path: '/v1/inbox', token: supervisor },
      { name: 'GET /v1/programs (active, first page)', path: '/v1/programs?status=active&limit=50', token: hr },
    ];
    const sizes = `${large.toLocaleString('en-US')} beside ${small.toLocaleString('en-US')} programs`;
    for (const read of paths) {
      const [before, after] = (await measureReadPair(read, [atSmall, atLarge])) as [
        Awaited<ReturnType<typeof measureReadPair>>[number],
        Awaited<ReturnType<typeof measureReadPair>>[number],
      ];
      if (read.name === 'GET one program') {
        rows.push({
          path: `${read.name} (${large.toLocaleString('en-US')} programs)`,
          project: ms(after.api),
          floor: `${ms(after.sql)} (its SQL)`,
          ratio: round(after.api / after.sql, 2),
          target: '≤ 3',
          met: after.api / after.sql <= 3,
        });
      } else {
        rows.push({
          path: `${read.name} at ${large.toLocaleString('en-US')} programs`,
          project: ms(after.api),
          floor: `${ms(after.sql)} (its SQL)`,
          ratio: round(after.api / after.sql, 2),
          target: '≤ 2',
          met: after.api / after.sql <= 2,
        });
        rows.push({
          path: `${read.name}: ${sizes}`,
          project: ms(after.api),
          floor: `${ms(before.api)} (itself at ${small.toLocaleString('en-US')})`,
          ratio: round(after.api / before.api, 2),
          target: '≤ 1.2',
          met: after.api / before.api <= 1.2,
        });
        log(
          `${read.name}: its SQL ${ms(before.sql)} at ${small.toLocaleString('en-US')}, ${ms(after.sql)} at ${large.toLocaleString('en-US')}`,
        );
      }
      for (const statement of after.statements) {
        const { rows: plan } = await atLarge.direct.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${statement.text}`,
          statement.values,
        );
        explains.push(
          `-- ${read.name} at ${large.toLocaleString('en-US')} programs\n-- ${statement.text.replace(/\s+/g, ' ').trim()}\n${plan.map((r) => r['QUERY PLAN']).join('\n')}`,
        );
      }
    }
  } finally {
    for (const site of sites) await site.close();
    await temporal.connection.close();
  }
}

// --- Rebuild -----------------------------------------------------------------------------------------

async function rebuild(): Promise<void> {
  const events = Number(values.events);
  log(`rebuild: ${events.toLocaleString('en-US')} events, beside COPY of the same rows (bench/event-store.ts)`);
  const dir = await mkdtemp(join(tmpdir(), 'lap-bench-'));
  try {
    const out = join(dir, 'event-store.json');
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bench/event-store.ts', String(events), '--out', out], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bench/event-store.ts exited ${code}`))));
    });
    const result = JSON.parse(await readFile(out, 'utf8')) as {
      copy: { eventsPerSecond: number };
      rebuild: { eventsPerSecond: number; ratioToCopy: number };
    };
    rows.push({
      path: `projection rebuild, ${events.toLocaleString('en-US')} events`,
      project: `${Math.round(result.rebuild.eventsPerSecond).toLocaleString('en-US')} events/s`,
      floor: `${Math.round(result.copy.eventsPerSecond).toLocaleString('en-US')} rows/s (COPY)`,
      ratio: round(result.rebuild.ratioToCopy, 2),
      target: '≥ 0.30',
      met: result.rebuild.ratioToCopy >= 0.3,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// --- Report ------------------------------------------------------------------------------------------

/** A section that fails is reported as failed; the others still run and print. */
const failures: string[] = [];
async function section(name: string, run: () => Promise<void>): Promise<void> {
  if (!sections.has(name)) return;
  try {
    await run();
  } catch (error) {
    failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}
// Each run measures every path beside its floor anew; with more than one, each path's row is the run
// whose ratio is the median of that path's ratios (each ratio still taken within one run).
const runsOfRows: Row[][] = [];
for (let run = 1; run <= runs; run++) {
  if (runs > 1) log(`run ${run} of ${runs}`);
  rows.length = 0;
  explains.length = 0;
  await section('writes', writes);
  await section('reads', reads);
  await section('rebuild', rebuild);
  runsOfRows.push([...rows]);
}
const medianRows = (runsOfRows[0] ?? []).map((first) => {
  const candidates = runsOfRows
    .map((one) => one.find((r) => r.path === first.path))
    .filter((r): r is Row => r !== undefined)
    .sort((a, b) => a.ratio - b.ratio);
  const middle = candidates[Math.floor((candidates.length - 1) / 2)] ?? first;
  return { ...middle, ratios: candidates.map((r) => r.ratio) };
});
rows.splice(0, rows.length, ...medianRows);

const table = [
  `| path | project | floor, same run | ratio | target | met |${runs > 1 ? ' ratios of the runs |' : ''}`,
  `|---|---|---|---|---|---|${runs > 1 ? '---|' : ''}`,
  ...medianRows.map(
    (r) =>
      `| ${r.path} | ${r.project} | ${r.floor} | ${r.ratio} | ${r.target} | ${r.met ? 'yes' : 'no'} |${runs > 1 ? ` ${r.ratios.join(', ')} |` : ''}`,
  ),
].join('\n');
if (explains.length) console.log(`\nEXPLAIN of each read query at the large size\n\n${explains.join('\n\n')}\n`);
console.log(`\nnpm run bench, ${new Date().toISOString()}, ${(await import('node:os')).cpus().length} cores\n\n${table}\n`);
if (failures.length) console.log(`Sections that failed:\n${failures.map((f) => `- ${f}`).join('\n')}\n`);
await writeFile('bench/results.last.json', `${JSON.stringify({ at: new Date().toISOString(), rows, failures }, null, 2)}\n`);
// A benchmark is a command: it ends when it has reported, whatever handle a server left open.
process.exit(failures.length ? 1 : 0);
