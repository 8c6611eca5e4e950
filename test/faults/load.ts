/**
 * The fault tier's load: enrollments, then the sign-off of every milestone of every program, all
 * at once, each sent again (with its Idempotency-Key) until it is answered, as the contract asks.
 */
import { Client, Connection } from '@temporalio/client';
import { developmentDataConverter } from '../../client/payload-codec.js';
import { createProgramClient } from '../../client/programs.js';
import { civilDateInNewYork } from '../../domain/dates.js';
import { enrollmentFixture, TEST_DEADLINES } from '../integration/harness.js';
import { callUntilAnswered, mapLimit, type FaultSystem } from './harness.js';

export interface LoadResult {
  programIds: string[];
  signOffs: Map<string, string[]>;
  /** When each command was first sent and when it was answered (ms since the epoch). */
  timings: { kind: 'enroll' | 'sign-off'; sentAt: number; answeredAt: number }[];
}

export async function runLoad(system: FaultSystem, { programs, prefix, onAnswered }: { programs: number; prefix: string; onAnswered?: (answered: number) => void }): Promise<LoadResult> {
  const today = civilDateInNewYork(Date.now());
  const [hr, supervisor] = await Promise.all([system.token('hr-0001', 'hr'), system.token('sup-0001', 'supervisor')]);
  const timings: LoadResult['timings'] = [];
  let answered = 0;
  const timed = async <T,>(kind: 'enroll' | 'sign-off', send: () => Promise<T>): Promise<T> => {
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
      callUntilAnswered(system, 'POST', `/v1/programs/${programId}/milestones/${milestoneId}/sign-off`, supervisor, { signedOn: today }, {
        'idempotency-key': `${prefix}-${programId}-${milestoneId}`,
      }),
    ),
  );
  return { programIds, signOffs, timings };
}

/** Each program's version as its workflow has it (a query to Temporal, not the read model). */
export async function workflowVersions(system: FaultSystem, programIds: readonly string[]): Promise<number[]> {
  const connection = await Connection.connect({ address: system.temporal.address });
  try {
    const programs = createProgramClient({
      client: new Client({ connection, dataConverter: developmentDataConverter() }),
      taskQueue: 'fault-tier',
      deadlines: TEST_DEADLINES,
    });
    return await mapLimit(programIds, 8, async (programId) => (await programs.show(programId)).version);
  } finally {
    await connection.close();
  }
}
