/**
 * The fault tier's system: a PostgreSQL cluster of its own (initdb on a free port, data in a temp
 * directory, so stopping it disturbs nothing else), a Temporal dev server of its own (a file
 * database, so it can be stopped and started again on the same state), maildev, and the worker and
 * API as production runs them: separate processes, configured by the environment.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { mintToken } from '../../api/auth.js';
import { migrate } from '../../db/migrate.js';
import { createProjector } from '../../db/projections.js';
import { loadDirectory, readDirectoryFile } from '../../db/staff-directory.js';
import { searchAttributes } from '../../workflows/definitions.js';
import { startMaildev, type Inbox } from '../notices/maildev.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const temporalCli = join(repoRoot, '.tools/bin/temporal');
const AUTH_SECRET = 'fault-tier-secret-'.padEnd(48, 'x');

/** Polls until `check` answers true; `what` names it in the error after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 180_000, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Runs a PostgreSQL tool as the postgres user (this may run as root, which initdb refuses). */
async function asPostgres(command: string, args: string[]): Promise<void> {
  const [version] = (await run('ls', ['/usr/lib/postgresql'])).stdout
    .trim()
    .split('\n')
    .sort((a, b) => Number(b) - Number(a));
  const binary = `/usr/lib/postgresql/${version}/bin/${command}`;
  if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', binary, ...args]);
  else await run(binary, args);
}

export interface Postgres {
  url: string;
  /** `pg_ctl stop -m fast`: every connection is cut (57P01), then the server is down. */
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startPostgres(): Promise<Postgres> {
  const dir = await mkdtemp(join(tmpdir(), 'lap-faults-pg-'));
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  await chmod(dir, 0o700);
  const data = join(dir, 'data');
  await asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  // A port of its own, kept across the tier's restarts: a server an interrupted run left behind
  // holds its port, not the next run's.
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = () => asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
  await start();
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query("CREATE ROLE lap LOGIN PASSWORD 'lap'");
  await admin.query('CREATE DATABASE lap_faults OWNER lap');
  await admin.end();
  const url = `postgres://lap:lap@127.0.0.1:${port}/lap_faults`;
  await migrate(url);
  const setup = new pg.Pool({ connectionString: url, max: 1 });
  await loadDirectory(setup, await readDirectoryFile(join(repoRoot, 'db/seeds/staff-directory.dev.json')));
  await setup.end();
  return {
    url,
    stop: () => asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
    start,
    async destroy() {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface Temporal {
  address: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** The dev server on ports of its own, its state in a file that outlives a stop. */
export async function startTemporal(): Promise<Temporal> {
  const dir = await mkdtemp(join(tmpdir(), 'lap-faults-temporal-'));
  const [port, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const address = `127.0.0.1:${port}`;
  const flags = Object.values(searchAttributes).flatMap((key) => [
    '--search-attribute',
    `${key.name}=${key.type === 'KEYWORD' ? 'Keyword' : 'Datetime'}`,
  ]);
  let child: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    child = spawn(
      temporalCli,
      [
        'server',
        'start-dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--http-port',
        String(httpPort),
        '--metrics-port',
        String(metricsPort),
        '--headless',
        '--db-filename',
        join(dir, 'temporal.db'),
        '--log-level',
        'error',
        ...flags,
      ],
      { stdio: 'ignore' },
    );
    await waitFor(() => canConnect(port), `Temporal on ${address}`, 60_000);
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    address,
    start,
    stop,
    async destroy() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function canConnect(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A process of ours (worker or API), started like production: `node --import tsx <file>`. */
export interface Service {
  readonly exits: number;
  kill(signal: NodeJS.Signals): Promise<void>;
  start(): void;
  output(): string;
}

function service(file: string, env: NodeJS.ProcessEnv): Service {
  let child: ChildProcess | null = null;
  let exits = 0;
  const lines: string[] = [];
  // Everything it printed is also kept whole in test/artifacts/ (git-ignored), to read after a failure.
  mkdirSync(join(repoRoot, 'test/artifacts'), { recursive: true });
  const logFile = createWriteStream(join(repoRoot, 'test/artifacts', `faults-${file.split('/')[0]}.log`), { flags: 'w' });
  const keep = (chunk: Buffer): void => {
    logFile.write(chunk);
    lines.push(chunk.toString('utf8'));
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  return {
    get exits() {
      return exits;
    },
    start() {
      child = spawn(process.execPath, ['--import', 'tsx', file], {
        cwd: repoRoot,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      child.once('exit', () => {
        exits++;
      });
    },
    async kill(signal) {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill(signal);
      await exited;
    },
    output: () => lines.join(''),
  };
}

export interface FaultSystem {
  postgres: Postgres;
  temporal: Temporal;
  inbox: Inbox;
  worker: Service;
  api: Service;
  apiUrl: string;
  db: pg.Pool;
  token(sub: string, role: string): Promise<string>;
  /** GET /v1/health's status code, or 0 when the API does not answer. */
  health(): Promise<number>;
  close(): Promise<void>;
}

export async function startFaultSystem(): Promise<FaultSystem> {
  const started = await Promise.allSettled([startPostgres(), startTemporal(), startMaildev()]);
  const [postgres, temporal, inbox] = started.map((s) => (s.status === 'fulfilled' ? s.value : null)) as [
    Postgres | null,
    Temporal | null,
    Inbox | null,
  ];
  if (!postgres || !temporal || !inbox) {
    // Leave nothing running behind a start that failed halfway.
    await Promise.all([postgres?.destroy(), temporal?.destroy(), inbox?.close()]);
    throw started.find((s): s is PromiseRejectedResult => s.status === 'rejected')?.reason;
  }
  const apiPort = await freePort();
  const env = {
    DATABASE_URL: postgres.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: 'fault-tier',
    SMTP_URL: inbox.smtpUrl,
    AUTH_JWT_SECRET: AUTH_SECRET,
    API_PORT: String(apiPort),
    API_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    // The published development keys (the tier reads the histories with them) are accepted only in
    // development mode; and every write comes from this one address, past the per-address limit.
    APP_ENV: 'development',
    RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
  };
  const worker = service('worker/main.ts', env);
  const api = service('api/main.ts', env);
  worker.start();
  api.start();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const health = async (): Promise<number> => {
    try {
      return (await fetch(`${apiUrl}/v1/health`, { signal: AbortSignal.timeout(10_000) })).status;
    } catch {
      return 0;
    }
  };
  try {
    await waitFor(async () => (await health()) === 200, 'the API to report healthy', 120_000);
  } catch (error) {
    // Leave nothing running behind a start that failed.
    await Promise.all([worker.kill('SIGTERM'), api.kill('SIGTERM')]);
    await Promise.all([temporal.destroy(), postgres.destroy(), inbox.close()]);
    throw error;
  }
  const db = new pg.Pool({ connectionString: postgres.url, max: 4 });
  db.on('error', () => undefined); // the tier restarts this server on purpose
  return {
    postgres,
    temporal,
    inbox,
    worker,
    api,
    apiUrl,
    db,
    token: (sub, role) => mintToken(AUTH_SECRET, { sub, roles: [role as never], ttl: '2h' }),
    health,
    async close() {
      await Promise.all([worker.kill('SIGTERM'), api.kill('SIGTERM')]);
      await db.end().catch(() => undefined);
      await Promise.all([temporal.destroy(), postgres.destroy(), inbox.close()]);
    },
  };
}

/** The checks every fault test ends with; each returns what it found, for a readable failure. */
export async function invariants(
  system: FaultSystem,
  programIds: readonly string[],
  signOffs: ReadonlyMap<string, readonly string[]>,
  workflowVersionsOf: (programIds: readonly string[]) => Promise<number[]>,
) {
  const { db } = system;
  // Temporal's version of each program (its workflow's state); recording follows it, a killed
  // worker's attempt a few seconds later, so the log is waited for until it has as many rows.
  const workflowVersions = await workflowVersionsOf(programIds);
  await waitFor(async () => {
    const { rows } = await db.query<{ program_id: string; n: number }>(
      'SELECT program_id, count(*)::int AS n FROM program_events WHERE program_id = ANY($1::text[]) GROUP BY program_id',
      [programIds],
    );
    const counts = new Map(rows.map((r) => [r.program_id, r.n]));
    return programIds.every((id, i) => (counts.get(id) ?? 0) >= (workflowVersions[i] ?? 0));
  }, 'the event log to hold every event the workflows have');
  // The projection caught up with the log (the worker runs it).
  await waitFor(async () => {
    const { rows } = await db.query<{ behind: number }>(
      `SELECT count(*)::int AS behind FROM program_events e LEFT JOIN rm_programs p USING (program_id)
        WHERE e.program_id = ANY($1::text[]) AND (p.version IS NULL OR p.version < e.version)`,
      [programIds],
    );
    return rows[0]?.behind === 0;
  }, 'the read model to catch up with the log');
  const { rows: events } = await db.query<{ program_id: string; version: number; type: string; milestone_id: string | null }>(
    `SELECT program_id, version, type, data->>'milestoneId' AS milestone_id FROM program_events WHERE program_id = ANY($1::text[]) ORDER BY program_id, version`,
    [programIds],
  );
  const byProgram = new Map<string, typeof events>();
  for (const event of events) byProgram.set(event.program_id, [...(byProgram.get(event.program_id) ?? []), event]);
  const problems: string[] = [];
  for (const programId of programIds) {
    const rows = byProgram.get(programId) ?? [];
    if (rows.filter((e) => e.type === 'enrolled').length !== 1)
      problems.push(`${programId}: ${rows.filter((e) => e.type === 'enrolled').length} enrolled events`);
    if (rows.some((e, i) => e.version !== i + 1)) problems.push(`${programId}: versions ${rows.map((e) => e.version).join(',')}`);
    for (const milestoneId of signOffs.get(programId) ?? []) {
      const count = rows.filter((e) => e.type === 'milestone-signed-off' && e.milestone_id === milestoneId).length;
      if (count !== 1) problems.push(`${programId}: ${count} sign-off events for ${milestoneId}`);
    }
  }
  // The read model equals a rebuild from the log.
  const { rows: live } = await db.query('SELECT program_id, version, view FROM rm_programs ORDER BY program_id');
  await createProjector(db).rebuild();
  const { rows: rebuilt } = await db.query('SELECT program_id, version, view FROM rm_programs ORDER BY program_id');
  // Every delivery made, each to its recipient once (a repeat keeps its Message-ID).
  await waitFor(async () => {
    const { rows } = await db.query<{ open: number }>(
      `SELECT count(*)::int AS open FROM notice_deliveries d JOIN notices n USING (notice_id) WHERE n.program_id = ANY($1::text[]) AND d.status <> 'sent'`,
      [programIds],
    );
    return rows[0]?.open === 0;
  }, 'every notice to be delivered');
  const { rows: deliveries } = await db.query<{ message_id: string }>(
    'SELECT d.message_id FROM notice_deliveries d JOIN notices n USING (notice_id) WHERE n.program_id = ANY($1::text[])',
    [programIds],
  );
  const wanted = new Set(deliveries.map((d) => d.message_id));
  const received = await system.inbox.waitFor(
    (mails) => [...wanted].every((id) => mails.some((m) => m.messageId === id)),
    'every delivery in the inbox',
    180_000,
  );
  const receivedIds = received.map((m) => m.messageId).filter((id) => wanted.has(id));
  return {
    problems,
    eventCounts: programIds.map((id) => byProgram.get(id)?.length ?? 0),
    workflowVersions,
    live,
    rebuilt,
    deliveries: deliveries.length,
    distinctReceived: new Set(receivedIds).size,
  };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
}
export { mapLimit };

export interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

/** One HTTP call; status 0 when the API could not be reached. */
export async function call(
  system: FaultSystem,
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<Answer> {
  try {
    const response = await fetch(`${system.apiUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null, headers: response.headers };
  } catch {
    return { status: 0, body: null, headers: new Headers() };
  }
}

/**
 * Sends a request until it gets an answer that is not "try again" (503, or no connection), as a
 * client following the contract does: a command goes again with the same Idempotency-Key.
 */
export async function callUntilAnswered(
  system: FaultSystem,
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const answer = await call(system, method, path, token, body, headers);
    if (answer.status !== 0 && answer.status !== 503 && answer.status !== 502) {
      if (answer.status >= 400) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    }
    if (attempt > 600) throw new Error(`${method} ${path}: no answer after ${attempt} attempts`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** Math.min(attempt, 4), 2_000)));
  }
}
