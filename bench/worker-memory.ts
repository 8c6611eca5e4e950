/**
 * `npm run bench:worker-memory`: the worker's resident memory as programs fill its cache, to size
 * WORKER_MAX_CACHED_WORKFLOWS (docs/operations.md, "Worker tuning"). Starts the benchmark's stack
 * (bench/lib/stack.ts), enrolls programs through the API in steps and, once the read model has them
 * all (the worker is idle again), reads the worker process's RSS. Prints RSS per step and the growth
 * per cached program. No assertion: it measures.
 *
 *   npx tsx bench/worker-memory.ts [--programs 2000] [--steps 4] [--cache 2000]
 *
 * `--cache` sets WORKER_MAX_CACHED_WORKFLOWS for the run: a small one (10) shows the same load with
 * almost nothing cached.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { mintToken } from '../api/auth.js';
import { benchEnrollment } from './lib/enrollment.js';
import { startStack } from './lib/stack.js';
import { round, runLoad } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    programs: { type: 'string', default: '2000' },
    steps: { type: 'string', default: '4' },
    cache: { type: 'string', default: '' },
  },
});
const total = Number(values.programs);
const steps = Number(values.steps);
if (values.cache) process.env.WORKER_MAX_CACHED_WORKFLOWS = values.cache;
const log = (message: string): void => console.error(`[worker-memory] ${message}`);

/** The worker process this benchmark started (a child running worker/main.ts). */
function workerPid(): number {
  const lines = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)])
    .toString()
    .split('\n');
  const line = lines.find((l) => l.includes('worker/main.ts'));
  if (!line) throw new Error('the worker process was not found');
  return Number(line.trim().split(/\s+/)[0]);
}

const rssMiB = (pid: number): number => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? Number.NaN) / 1024;
};

const stack = await startStack();
try {
  const pid = workerPid();
  const token = await mintToken(stack.authSecret, { sub: 'hr-bench', roles: ['hr'], ttl: '1h' });
  let enrolled = 0;
  const settle = async (): Promise<number> => {
    // Idle again once every program is in the read model: its workflow task and recording are done.
    for (;;) {
      const { rows } = await stack.db.query<{ n: string }>('SELECT count(*) AS n FROM rm_programs');
      if (Number(rows[0]?.n) >= enrolled) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    return rssMiB(pid);
  };
  const enroll = async (count: number): Promise<void> => {
    const from = enrolled;
    const load = await runLoad(count, 20, async (i) => {
      const response = await fetch(`${stack.apiBase}/v1/programs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(benchEnrollment(`M${String(from + i).padStart(6, '0')}`)),
      });
      if (response.status !== 201) throw new Error(`enrollment answered ${response.status}`);
    });
    if (load.errors.length > 0) throw new Error(`${load.errors.length} enrollments failed: ${load.errors[0]}`);
    enrolled += count;
  };
  await enroll(20); // bundle loaded, connections open
  const points: { programs: number; rss: number }[] = [{ programs: enrolled, rss: await settle() }];
  log(`${enrolled} programs: worker RSS ${round(points[0]?.rss ?? 0)} MiB`);
  for (let step = 1; step <= steps; step++) {
    await enroll(Math.round(total / steps));
    const rss = await settle();
    points.push({ programs: enrolled, rss });
    log(`${enrolled} programs: worker RSS ${round(rss)} MiB`);
  }
  const first = points[0];
  const last = points.at(-1);
  const perProgramKiB = first && last ? ((last.rss - first.rss) * 1024) / (last.programs - first.programs) : Number.NaN;
  console.log(
    JSON.stringify(
      { maxCachedWorkflows: process.env.WORKER_MAX_CACHED_WORKFLOWS ?? 'default', points, perProgramKiB: round(perProgramKiB) },
      null,
      1,
    ),
  );
} finally {
  await stack.stop();
}
