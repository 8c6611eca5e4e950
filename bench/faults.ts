/**
 * `npm run bench:faults`: the fault tier's first load (enrollments, then every milestone signed off
 * at once) run twice on one system, without faults and with the worker SIGKILLed three times.
 * Reports, for each kill, the recovery time (from the restarted worker to the first command sent
 * after it that succeeds) and the p99 latency of the commands sent during recovery, against the
 * p99 of the run without faults. BENCH_PROGRAMS (default 200) sets the size of each run.
 */
import { startFaultSystem } from '../test/faults/harness.js';
import { runLoad } from '../test/faults/load.js';

const programs = Number(process.env.BENCH_PROGRAMS ?? 200);
const RECOVERY_WINDOW_MS = 20_000;

const p99 = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? Number.NaN;
};

const system = await startFaultSystem();
try {
  const calm = await runLoad(system, { programs, prefix: 'bc' });
  const calmLatencies = calm.timings.map((t) => t.answeredAt - t.sentAt);

  const total = programs * 4;
  const killAt = new Set([Math.round(total * 0.15), Math.round(total * 0.48), Math.round(total * 0.78)]);
  const faults: { killedAt: number; restartedAt: number }[] = [];
  const restarts: Promise<void>[] = [];
  const faulty = await runLoad(system, {
    programs,
    prefix: 'bf',
    onAnswered: (answered) => {
      if (!killAt.has(answered)) return;
      const killedAt = Date.now();
      restarts.push(
        system.worker.kill('SIGKILL').then(() => {
          system.worker.start();
          faults.push({ killedAt, restartedAt: Date.now() });
        }),
      );
    },
  });
  await Promise.all(restarts);

  const ms = (n: number): string => `${Math.round(n)} ms`;
  console.log(`\nfault bench: ${programs} enrollments + ${programs * 3} concurrent sign-offs per run`);
  console.log(`without faults: ${calm.timings.length} commands, p99 ${ms(p99(calmLatencies))}`);
  for (const [i, fault] of faults.entries()) {
    const after = faulty.timings.filter((t) => t.sentAt >= fault.restartedAt).sort((a, b) => a.answeredAt - b.answeredAt)[0];
    const during = faulty.timings
      .filter((t) => t.sentAt >= fault.killedAt && t.sentAt < fault.restartedAt + RECOVERY_WINDOW_MS)
      .map((t) => t.answeredAt - t.sentAt);
    console.log(
      `kill ${i + 1}: recovery ${after ? ms(after.answeredAt - fault.restartedAt) : 'n/a'}; ` +
        `${during.length} commands sent in the ${RECOVERY_WINDOW_MS / 1000} s after it, p99 ${during.length ? ms(p99(during)) : 'n/a'}`,
    );
  }
} finally {
  await system.close();
}
