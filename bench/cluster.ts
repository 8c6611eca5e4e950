/**
 * Cluster benchmark: completed program lifecycles per second and sign-off latency (p50, p99) through
 * the HTTP API, on the cluster profile (scripts/cluster-up.sh: Temporal on PostgreSQL, four services
 * as separate processes, 4 history shards) with one program worker and with two, next to the
 * Temporal dev server (one process, SQLite) with one worker, measured in the same run.
 *
 *   npm run bench:cluster [-- --programs 150 --concurrency 16]
 *
 * A lifecycle: enroll a trainee appointed 13 months ago (one API process), sign off three milestones
 * and rate the service (the other API process), until the workflow completes, reclassified. The
 * cluster runs in ports 17700-17799 and databases of its own, dropped at the end. Results go to
 * bench/cluster.last.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import pg from 'pg';
import { mintToken } from '../api/auth.js';
import { encryptingDataConverter, parseEncryptionKeys } from '../temporal/payload-codec.js';
import { migrate } from '../db/migrate.js';
import { loadDirectory, readDirectoryFile } from '../db/staff-directory.js';
import { addMonths, civilDateInNewYork } from '../domain/dates.js';
import { startDevServer, testDatabaseUrl, enrollmentFixture } from '../test/integration/harness.js';
import { startCluster } from '../test/cluster/cluster.js';
import { workflowIdFor } from '../workflows/definitions.js';
import { dropDatabase } from '../test/drop-database.js';

const { values } = parseArgs({ options: { programs: { type: 'string', default: '150' }, concurrency: { type: 'string', default: '16' } } });
const programCount = Number(values.programs);
const concurrency = Number(values.concurrency);
const today = civilDateInNewYork(Date.now());

interface Target {
  label: string;
  enrollApi: string;
  signOffApi: string;
  client: Client;
  hrToken: string;
  supervisorToken: string;
}

interface Result {
  label: string;
  programs: number;
  seconds: number;
  lifecyclesPerSecond: number;
  signOffP50Ms: number;
  signOffP99Ms: number;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function post(url: string, token: string, body: unknown, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.ok) return JSON.parse(text) as Record<string, unknown>;
    if (response.status < 500 || attempt >= 5) throw new Error(`POST ${url}: ${response.status} ${text.slice(0, 300)}`);
  }
}

async function measure(target: Target): Promise<Result> {
  const signOffLatencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const runId = randomBytes(6).toString('hex');
  const lifecycle = async (i: number): Promise<void> => {
    const { programId } = (await post(`${target.enrollApi}/v1/programs`, target.hrToken, enrollmentFixture(addMonths(today, -13)), {
      'idempotency-key': `bench-${runId}-${i}`,
    })) as { programId: string };
    for (const milestone of ['m1', 'm2', 'm3']) {
      const t0 = performance.now();
      await post(`${target.signOffApi}/v1/programs/${programId}/milestones/${milestone}/sign-off`, target.supervisorToken, {
        signedOn: today,
      });
      signOffLatencies.push(performance.now() - t0);
    }
    await post(`${target.signOffApi}/v1/programs/${programId}/service-ratings`, target.supervisorToken, {
      rating: 'satisfactory',
      ratedOn: today,
    });
    await target.client.workflow.getHandle(workflowIdFor(programId)).result();
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < programCount) await lifecycle(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  signOffLatencies.sort((a, b) => a - b);
  return {
    label: target.label,
    programs: programCount,
    seconds,
    lifecyclesPerSecond: programCount / seconds,
    signOffP50Ms: percentile(signOffLatencies, 50),
    signOffP99Ms: percentile(signOffLatencies, 99),
  };
}

/** The dev server with one worker and two API processes, as `npm start` runs them (ports 17780-17781). */
async function devServerTarget(): Promise<{ target: Target; stop(): Promise<void> }> {
  const env = await startDevServer();
  const dbName = `lap_bench_dev_${process.pid}`;
  const adminClient = new pg.Client({ connectionString: testDatabaseUrl });
  await adminClient.connect();
  await adminClient.query(`CREATE DATABASE ${dbName}`);
  await adminClient.end();
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${dbName}`;
  await migrate(url.toString());
  const db = new pg.Pool({ connectionString: url.toString(), max: 2 });
  await loadDirectory(db, await readDirectoryFile('db/seeds/staff-directory.dev.json'));
  await db.end();
  const secret = randomBytes(32).toString('base64url');
  const keys = `k1:${randomBytes(32).toString('base64')}`;
  const common = {
    ...process.env,
    NODE_ENV: 'production',
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: 'default',
    DATABASE_URL: url.toString(),
    AUTH_JWT_SECRET: secret,
    PAYLOAD_ENCRYPTION_KEYS: keys,
    IMPORT_ID_SECRET: randomBytes(32).toString('base64url'),
    // Every write of the benchmark comes from this one address.
    RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
    SMTP_URL: 'smtp://127.0.0.1:17725',
  };
  const children: ChildProcess[] = [];
  const launch = (script: string, extra: Record<string, string>): void => {
    children.push(spawn('node_modules/.bin/tsx', [script], { env: { ...common, ...extra }, stdio: 'ignore', detached: true }));
  };
  children.push(
    spawn('node_modules/.bin/maildev', ['--smtp', '17725', '--web', '17726', '--ip', '127.0.0.1', '--web-ip', '127.0.0.1'], {
      stdio: 'ignore',
      detached: true,
    }),
  );
  launch('worker/main.ts', {});
  launch('api/main.ts', { API_PORT: '17780' });
  launch('api/main.ts', { API_PORT: '17781' });
  for (const port of [17780, 17781]) {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/v1/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  const { Client: TemporalClient } = await import('@temporalio/client');
  const client = new TemporalClient({
    connection: env.connection,
    namespace: 'default',
    dataConverter: encryptingDataConverter(parseEncryptionKeys(keys)),
  });
  return {
    target: {
      label: 'dev server, 1 worker',
      enrollApi: 'http://127.0.0.1:17780',
      signOffApi: 'http://127.0.0.1:17781',
      client,
      hrToken: await mintToken(secret, { sub: 'hr-0001', roles: ['hr'], ttl: '2h' }),
      supervisorToken: await mintToken(secret, { sub: 'sup-0001', roles: ['supervisor'], ttl: '2h' }),
    },
    async stop() {
      for (const child of children) if (child.pid) process.kill(-child.pid, 'SIGTERM');
      await Promise.all(
        children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))),
      );
      await env.teardown();
      await dropDatabase(testDatabaseUrl, dbName);
    },
  };
}

const results: Result[] = [];
const dev = await devServerTarget();
try {
  results.push(await measure(dev.target));
} finally {
  await dev.stop();
}

const cluster = await startCluster({ name: 'bench', portBase: 17700 });
try {
  const [enrollApi, signOffApi] = cluster.apiUrls as [string, string];
  const target = {
    enrollApi,
    signOffApi,
    client: cluster.client,
    hrToken: await cluster.token('hr-0001', 'hr'),
    supervisorToken: await cluster.token('sup-0001', 'supervisor'),
  };
  await cluster.stopProcess('worker-2');
  results.push(await measure({ ...target, label: 'cluster, 1 worker' }));
  await cluster.startProcess('worker-2');
  results.push(await measure({ ...target, label: 'cluster, 2 workers' }));
} finally {
  await cluster.destroy();
}

console.log(`\n${programCount} lifecycles each, ${concurrency} at a time\n`);
console.log('target                  lifecycles/s   sign-off p50   sign-off p99');
for (const r of results) {
  console.log(
    `${r.label.padEnd(22)}  ${r.lifecyclesPerSecond.toFixed(2).padStart(12)}   ${r.signOffP50Ms.toFixed(0).padStart(9)} ms   ${r.signOffP99Ms.toFixed(0).padStart(9)} ms`,
  );
}
await writeFile(
  new URL('./cluster.last.json', import.meta.url),
  `${JSON.stringify({ programs: programCount, concurrency, cpus: (await import('node:os')).cpus().length, results }, null, 2)}\n`,
);
