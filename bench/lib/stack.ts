/**
 * The system under measurement, started the way production starts it: a Temporal dev server of its
 * own, a scratch PostgreSQL database, the project's worker and API as separate processes (real
 * secrets, NODE_ENV=production), and the floor's bare worker beside them on the same server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import pg from 'pg';
import { migrate } from '../../db/migrate.js';
import { searchAttributes } from '../../workflows/definitions.js';
import { loadDirectory, readDirectoryFile } from '../../db/staff-directory.js';
import { dropDatabase } from '../../test/drop-database.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const temporalCli = process.env.TEMPORAL_CLI_PATH ?? `${root}.tools/bin/temporal`;
export const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://lap:lap@127.0.0.1:5432/lap_test';

export interface Stack {
  temporal: TestWorkflowEnvironment;
  databaseUrl: string;
  db: pg.Pool;
  apiBase: string;
  /** The environment the project's processes run with (the CLI benchmark reuses it). */
  env: NodeJS.ProcessEnv;
  authSecret: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function createScratchDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    /** Drops the database; a failure is reported, not thrown, so it never hides the benchmark's own error. */
    async drop() {
      await dropDatabase(adminUrl, name).catch((error: unknown) => {
        console.error(`[bench] could not drop the scratch database ${name}: ${(error as Error).message}`);
      });
    },
  };
}

/**
 * Starts a process and resolves once a line of its output matches `ready`. BENCH_CHILD_NODE_ARGS adds
 * options to its `node` (profiling: `--cpu-prof --cpu-prof-dir=/tmp/profiles`, written when it stops).
 */
function startProcess(label: string, script: string, env: NodeJS.ProcessEnv, ready: RegExp): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...(process.env.BENCH_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', script],
      { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const onData = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-4000);
      if (ready.test(output)) {
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${label} exited with ${code} before it was ready:\n${output}`)));
  });
}

async function waitForHealth(base: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const response = await fetch(`${base}/v1/health`).catch(() => null);
    if (response?.ok) return;
    if (Date.now() > deadline) throw new Error(`the API at ${base} did not become healthy`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startStack(): Promise<Stack> {
  const typeNames = { KEYWORD: 'KEYWORD', DATETIME: 'DATETIME' } as const;
  const temporal = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCli },
      searchAttributes: Object.values(searchAttributes).map((key) => ({
        name: key.name,
        type: typeNames[key.type as keyof typeof typeNames],
      })),
      extraArgs: ['--headless', '--log-level', 'error'],
    },
  });
  const scratch = await createScratchDatabase('lap_bench');
  await migrate(scratch.url);
  const db = new pg.Pool({ connectionString: scratch.url, max: 20 });
  db.on('error', () => {});
  // The API enrolls only staff the directory lists: the development directory and the benchmark's own two.
  await loadDirectory(db, [
    ...(await readDirectoryFile(`${root}db/seeds/staff-directory.dev.json`)),
    { kind: 'staff', ref: 'sup-bench', displayName: 'Benchmark Supervisor', email: 'sup-bench@staff.test' },
    { kind: 'staff', ref: 'pm-bench', displayName: 'Benchmark Program Manager', email: 'pm-bench@staff.test' },
  ]);
  const apiPort = await freePort();
  const authSecret = randomBytes(32).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    TEMPORAL_ADDRESS: temporal.address,
    DATABASE_URL: scratch.url,
    API_PORT: String(apiPort),
    API_HOST: '127.0.0.1',
    AUTH_JWT_SECRET: authSecret,
    PAYLOAD_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    IMPORT_ID_SECRET: randomBytes(32).toString('base64url'),
    // Every write of the benchmark comes from this one address.
    RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
    // Notices go to a port nobody listens on: deliveries wait and retry, as with a mail server down.
    SMTP_URL: `smtp://127.0.0.1:${await freePort()}`,
  };
  const children: ChildProcess[] = [];
  try {
    children.push(await startProcess('worker', 'worker/main.ts', env, /worker polling/));
    children.push(await startProcess('floor worker', 'bench/floor/worker.ts', env, /floor worker ready/));
    children.push(await startProcess('API', 'api/main.ts', env, /listening|Server listening/i));
    await waitForHealth(`http://127.0.0.1:${apiPort}`);
  } catch (error) {
    for (const child of children) child.kill('SIGKILL');
    throw error;
  }
  return {
    temporal,
    databaseUrl: scratch.url,
    db,
    apiBase: `http://127.0.0.1:${apiPort}`,
    env,
    authSecret,
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
            }),
        ),
      );
      await db.end();
      await temporal.teardown();
      await scratch.drop();
    },
  };
}
