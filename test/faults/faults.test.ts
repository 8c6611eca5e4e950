/**
 * The system under faults: a worker killed, PostgreSQL restarted, Temporal stopped, the SMTP server
 * down. Each test ends on the same invariant: every accepted command is exactly one event in
 * Temporal and one row in program_events, the read model equals a rebuild from the log, and every
 * notice reached each recipient (once: repeats keep their Message-ID).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, invariants, startFaultSystem, waitFor, type FaultSystem } from './harness.js';
import { runLoad, workflowVersions } from './load.js';

let system: FaultSystem;

beforeAll(async () => {
  system = await startFaultSystem();
}, 300_000);

afterAll(async () => {
  await system?.close();
}, 120_000);

async function expectInvariants(programIds: string[], signOffs: Map<string, string[]>): Promise<void> {
  const found = await invariants(system, programIds, signOffs, (ids) => workflowVersions(system, ids));
  expect(found.problems).toEqual([]);
  expect(found.workflowVersions).toEqual(found.eventCounts);
  expect(found.rebuilt).toEqual(found.live);
  expect(found.distinctReceived).toBe(found.deliveries);
}

describe('under faults', () => {
  it('loses and repeats nothing when the worker is SIGKILLed three times during 200 enrollments and 600 concurrent sign-offs', async () => {
    const kills: Promise<void>[] = [];
    const killAt = new Set([120, 380, 620]);
    const { programIds, signOffs } = await runLoad(system, {
      programs: 200,
      prefix: 'k',
      onAnswered: (answered) => {
        if (!killAt.has(answered)) return;
        kills.push(
          system.worker.kill('SIGKILL').then(() => {
            system.worker.start(); // as the start script does
          }),
        );
      },
    });
    await Promise.all(kills);
    expect(kills).toHaveLength(3);
    await expectInvariants(programIds, signOffs);
  }, 900_000);

  it('keeps every process running through two PostgreSQL restarts (fast shutdown) under the same load; health goes 503, then 200 by itself', async () => {
    const exitsBefore = { worker: system.worker.exits, api: system.api.exits };
    const restarts: Promise<void>[] = [];
    const healthSeen: number[] = [];
    const restartAt = new Set([150, 450]);
    const { programIds, signOffs } = await runLoad(system, {
      programs: 200,
      prefix: 'p',
      onAnswered: (answered) => {
        if (!restartAt.has(answered)) return;
        restarts.push(
          (async () => {
            await system.postgres.stop();
            await waitFor(async () => {
              const status = await system.health();
              healthSeen.push(status);
              return status === 503;
            }, 'health to report PostgreSQL down', 60_000);
            await system.postgres.start();
            await waitFor(async () => (await system.health()) === 200, 'health to recover by itself', 120_000);
            healthSeen.push(200);
          })(),
        );
      },
    });
    await Promise.all(restarts);
    expect(restarts).toHaveLength(2);
    expect(healthSeen.filter((s) => s === 503)).toHaveLength(2);
    expect({ worker: system.worker.exits, api: system.api.exits }).toEqual(exitsBefore);
    const down = await call(system, 'GET', '/v1/health', '');
    expect(down.status).toBe(200);
    await expectInvariants(programIds, signOffs);
  }, 900_000);
});
