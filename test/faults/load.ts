/**
 * The fault tier's load: enrollments, then the sign-off of every milestone of every program, all
 * at once, each sent again (with its Idempotency-Key) until it is answered, as the contract asks.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { developmentDataConverter } from '../../temporal/payload-codec.js';
import { createProgramClient, TemporalUnavailableError } from '../../client/programs.js';
import { civilDateInNewYork } from '../../domain/dates.js';
import { workflowSpanSinks } from '../../worker/worker.js';
import { workflowIdFor } from '../../workflows/definitions.js';
import { enrollmentFixture, TEST_DEADLINES, workflowBundle } from '../integration/harness.js';
import { callUntilAnswered, mapLimit, type FaultSystem } from './harness.js';

export interface LoadResult {
  programIds: string[];
  signOffs: Map<string, string[]>;
  /** When each command was first sent and when it was answered (ms since the epoch). */
  timings: { kind: 'enroll' | 'sign-off'; sentAt: number; answeredAt: number }[];
}

export async function runLoad(
  system: FaultSystem,
  { programs, prefix, onAnswered }: { programs: number; prefix: string; onAnswered?: (answered: number) => void },
): Promise<LoadResult> {
  const today = civilDateInNewYork(Date.now());
  const [hr, supervisor] = await Promise.all([system.token('hr-0001', 'hr'), system.token('sup-0001', 'supervisor')]);
  const timings: LoadResult['timings'] = [];
  let answered = 0;
  const timed = async <T>(kind: 'enroll' | 'sign-off', send: () => Promise<T>): Promise<T> => {
    const sentAt = Date.now();
    const result = await send();
    timings.push({ kind, sentAt, answeredAt: Date.now() });
    onAnswered?.(++answered);
    return result;
  };
  const programIds = await mapLimit(
    Array.from({ length: programs }, (_, i) => i),
    16,
    (i) =>
      timed('enroll', async () => {
        const body = enrollmentFixture(today, { supervisorId: 'sup-0001', programManagerId: 'pm-0001' });
        body.trainee.employeeId = `F${prefix}${String(i).padStart(5, '0')}`;
        const program = await callUntilAnswered(system, 'POST', '/v1/programs', hr, body, { 'idempotency-key': `${prefix}-enroll-${i}` });
        return (program as { programId: string }).programId;
      }),
  );
  const signOffs = new Map(programIds.map((id) => [id, ['m1', 'm2', 'm3']]));
  const work = programIds.flatMap((programId) => ['m1', 'm2', 'm3'].map((milestoneId) => ({ programId, milestoneId })));
  await mapLimit(work, 40, ({ programId, milestoneId }) =>
    timed('sign-off', () =>
      // The same sign-off again is 200 with nothing new: safe to send until answered.
      callUntilAnswered(
        system,
        'POST',
        `/v1/programs/${programId}/milestones/${milestoneId}/sign-off`,
        supervisor,
        { signedOn: today },
        {
          'idempotency-key': `${prefix}-${programId}-${milestoneId}`,
        },
      ),
    ),
  );
  return { programIds, signOffs, timings };
}

/** Each program's version as its workflow has it (a query to Temporal, not the read model). */
export async function workflowVersions(system: FaultSystem, programIds: readonly string[]): Promise<number[]> {
  const connection = await Connection.connect({ address: system.temporal.address });
  try {
    const client = new Client({ connection, dataConverter: developmentDataConverter() });
    const programs = createProgramClient({ client, taskQueue: 'fault-tier', deadlines: TEST_DEADLINES });
    return await mapLimit(programIds, 8, async (programId) => {
      // Asked again while Temporal says "not now" (a worker rebuilding its copy of the program after
      // a kill): the state waited for is an answer. That the history itself always replays is
      // checked on its own (historiesThatDoNotReplay).
      const deadline = Date.now() + 120_000;
      for (;;) {
        try {
          return (await programs.show(programId)).version;
        } catch (error) {
          if (!(error instanceof TemporalUnavailableError) || Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    });
  } finally {
    await connection.close();
  }
}

/**
 * Programs whose history, as Temporal holds it, does not replay against today's workflow code: what
 * a worker that lost its cache (killed, or evicted) would hit. Each failing history is kept in
 * test/artifacts/ to be replayed and read.
 */
export async function historiesThatDoNotReplay(system: FaultSystem, programIds: readonly string[]): Promise<string[]> {
  const connection = await Connection.connect({ address: system.temporal.address });
  try {
    const client = new Client({ connection, dataConverter: developmentDataConverter() });
    const failing: string[] = [];
    const bundle = await workflowBundle();
    await mapLimit(programIds, 4, async (programId) => {
      const history = await client.workflow.getHandle(workflowIdFor(programId)).fetchHistory();
      try {
        await Worker.runReplayHistory(
          { workflowBundle: bundle, replayName: programId, dataConverter: developmentDataConverter(), sinks: workflowSpanSinks() },
          history,
        );
      } catch (error) {
        failing.push(`${programId}: ${error instanceof Error ? error.message : String(error)}`);
        await mkdir('test/artifacts', { recursive: true });
        await writeFile(`test/artifacts/unreplayable-${programId}.binpb`, proto.temporal.api.history.v1.History.encode(history).finish());
      }
    });
    return failing;
  } finally {
    await connection.close();
  }
}
