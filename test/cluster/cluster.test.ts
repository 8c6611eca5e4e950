/**
 * The cluster profile (scripts/cluster-up.sh): a Temporal server on PostgreSQL with its four services
 * as separate processes and 4 history shards, two program workers and two API processes. Programs
 * go in through one API and are signed off through the other while a worker crashes and the history
 * service restarts; at the end Temporal, the event log and the read model tell the same story. Then
 * a second worker build rolls out beside the first (Worker Versioning), and the programs pinned to
 * the first move to the second only after their histories replay on it (npm run versioning:move).
 */
import { loadDataConverter, decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptingDataConverter, parseEncryptionKeys } from '../../temporal/payload-codec.js';
import { addMonths, civilDateInNewYork } from '../../domain/dates.js';
import type { ProgramEvent } from '../../domain/program.js';
import type { EnrollmentInput } from '../../domain/schemas.js';
import { setCurrentBuild } from '../../worker/temporal-setup.js';
import { workflowIdFor } from '../../workflows/definitions.js';
import { workflowInterceptorModules } from '../../worker/tracing.js';
import { enrollmentFixture, quietLogger } from '../integration/harness.js';
import { startCluster, type Cluster } from './cluster.js';

const PROGRAMS = 200;
const CONCURRENCY = 8;
let cluster: Cluster;
let hrToken: string;
let supervisorToken: string;
const today = civilDateInNewYork(Date.now());

beforeAll(async () => {
  cluster = await startCluster({ name: 'ct', portBase: 17500 });
  [hrToken, supervisorToken] = await Promise.all([cluster.token('hr-0001', 'hr'), cluster.token('sup-0001', 'supervisor')]);
});

afterAll(async () => {
  await cluster?.destroy();
});

const root = fileURLToPath(new URL('../../', import.meta.url));
const incompatibleWorkflowsPath = fileURLToPath(new URL('./incompatible-workflows.ts', import.meta.url));

/** `npm run versioning:move -- …` as an operator runs it, with the program processes' configuration. */
function moveCommand(...args: string[]): Promise<{ code: number; output: string }> {
  const inherited = { ...process.env };
  delete inherited.TEMPORAL_ADDRESS; // the cluster's profile, not the dev server
  return new Promise((resolve) => {
    execFile(
      `${root}node_modules/.bin/tsx`,
      ['worker/move-programs.ts', ...args],
      { cwd: root, env: { ...inherited, ...cluster.settings } },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` });
      },
    );
  });
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * One request as a careful client sends it: a refused connection or a 5xx (a process restarting)
 * is sent again, the same request, which the API answers without doing anything twice.
 */
async function call(
  baseUrl: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer & { attempts: number }> {
  // Until answered: a restarting service on a busy machine can take minutes; the bound only keeps a
  // request that is never answered from hanging the run, and the last answer says why.
  const giveUpAt = Date.now() + 600_000;
  let last = 'no answer';
  for (let attempts = 1; ; attempts++) {
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      if (response.status < 500)
        return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, attempts };
      last = `${response.status} ${text.slice(0, 300)}`;
    } catch (error) {
      // Connection refused or reset, or no answer in time: the same request again.
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > giveUpAt) throw new Error(`${method} ${path}: no answer after ${attempts} attempts; the last: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Runs `task` over `items`, `limit` at a time. */
async function inParallel<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        await task(items[index] as T, index);
      }
    }),
  );
}

/** The events the workflow handed to `recordEvents`, as Temporal's history holds them (decoded with the cluster's key). */
async function eventsInTemporal(programId: string, keys: string): Promise<{ id: string; version: number; type: string }[]> {
  const converter = loadDataConverter(encryptingDataConverter(parseEncryptionKeys(keys)));
  const history = await cluster.client.workflow.getHandle(workflowIdFor(programId)).fetchHistory();
  const recorded: { id: string; version: number; type: string }[] = [];
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name !== 'recordEvents') continue;
    const events = await decodeFromPayloadsAtIndex<ProgramEvent[]>(converter, 0, scheduled.input?.payloads);
    recorded.push(...events.map(({ id, version, type }) => ({ id, version, type })));
  }
  return recorded;
}

async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 600_000,
  pauseMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

describe('the cluster profile', () => {
  it('runs 200 programs to reclassification through two APIs while a worker crashes and the history service restarts, and Temporal, the event log and the read model agree', async () => {
    const [enrollApi, signOffApi] = cluster.apiUrls as [string, string];
    // Appointed 13 months ago: past the minimum year, so the last requirement met reclassifies at once.
    const appointed = addMonths(today, -13);
    const enrollments: EnrollmentInput[] = Array.from({ length: PROGRAMS }, () => enrollmentFixture(appointed));
    const programIds: string[] = [];

    await inParallel(enrollments, CONCURRENCY, async (enrollment, i) => {
      const answer = await call(enrollApi, 'POST', '/v1/programs', hrToken, enrollment, { 'idempotency-key': `cluster-${i}` });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      programIds[i] = answer.body.programId as string;
    });
    expect(new Set(programIds).size).toBe(PROGRAMS);

    const steps = ['m1', 'm2', 'm3', 'rating'] as const;
    const signOffAll = (from: number, to: number): Promise<void> =>
      inParallel(programIds.slice(from, to), CONCURRENCY, async (programId) => {
        for (const step of steps) {
          const answer =
            step === 'rating'
              ? await call(signOffApi, 'POST', `/v1/programs/${programId}/service-ratings`, supervisorToken, {
                  rating: 'satisfactory',
                  ratedOn: today,
                })
              : await call(signOffApi, 'POST', `/v1/programs/${programId}/milestones/${step}/sign-off`, supervisorToken, {
                  signedOn: today,
                });
          if (answer.status === 200) continue;
          // A rating sent again after its answer was lost meets a program it has already reclassified.
          const retriedRating = step === 'rating' && answer.attempts > 1;
          // The read model follows the workflow: wait for it to show what the first attempt did.
          const now = retriedRating
            ? await waitFor(
                `${programId} reclassified in the read model`,
                () => call(signOffApi, 'GET', `/v1/programs/${programId}`, supervisorToken),
                (read) => read.body.status === 'reclassified',
                120_000,
              ).catch(() => call(signOffApi, 'GET', `/v1/programs/${programId}`, supervisorToken))
            : undefined;
          expect(now?.body.status, `${step} of ${programId}: ${answer.status} ${JSON.stringify(answer.body)}`).toBe('reclassified');
        }
      });

    // A third of the way: one of the two workers crashes (SIGKILL), and stays down.
    await signOffAll(0, PROGRAMS / 3);
    await cluster.stopProcess('worker-1', 'KILL');
    // Two thirds of the way: the history service stops and starts again, requests in flight.
    const secondThird = signOffAll(PROGRAMS / 3, (2 * PROGRAMS) / 3);
    await cluster.stopProcess('history', 'TERM');
    await cluster.startProcess('history');
    await secondThird;
    await signOffAll((2 * PROGRAMS) / 3, PROGRAMS);

    // Every program's workflow completes (reclassified), with the second worker alone.
    const closed = await waitFor(
      'every workflow to complete',
      async () => {
        const statuses = await Promise.all(
          programIds.map(async (id) => (await cluster.client.workflow.getHandle(workflowIdFor(id)).describe()).status.name),
        );
        return statuses.filter((s) => s !== 'COMPLETED');
      },
      (open) => open.length === 0,
      600_000,
      2_000,
    );
    expect(closed).toEqual([]);

    // The read model catches up with the event log.
    const lastVersions = async (): Promise<Map<string, number>> => {
      const { rows } = await cluster.db.query<{ program_id: string; version: number }>(
        'SELECT program_id, max(version)::int AS version FROM program_events WHERE program_id = ANY($1) GROUP BY program_id',
        [programIds],
      );
      return new Map(rows.map((r) => [r.program_id, r.version]));
    };
    const logged = await lastVersions();
    await waitFor(
      'the read model to reach the event log',
      async () =>
        (
          await cluster.db.query<{ program_id: string; version: number; status: string }>(
            'SELECT program_id, version, status FROM rm_programs WHERE program_id = ANY($1)',
            [programIds],
          )
        ).rows,
      (rows) => rows.length === PROGRAMS && rows.every((r) => r.version === logged.get(r.program_id) && r.status === 'reclassified'),
    );

    // Temporal's history, the event log and the read model hold the same events, none twice.
    const keys = (await import('node:fs/promises')).readFile(`${cluster.dir}/cluster.env`, 'utf8');
    const payloadKeys = /^PAYLOAD_ENCRYPTION_KEYS=(.*)$/m.exec(await keys)?.[1] ?? '';
    await inParallel(programIds, CONCURRENCY, async (programId) => {
      const inTemporal = await eventsInTemporal(programId, payloadKeys);
      const { rows } = await cluster.db.query<{ event_id: string; version: number; type: string }>(
        'SELECT event_id, version, type FROM program_events WHERE program_id = $1 ORDER BY version',
        [programId],
      );
      expect(rows.map((r) => ({ id: r.event_id, version: r.version, type: r.type }))).toEqual(inTemporal);
      expect(rows.map((r) => r.version)).toEqual(rows.map((_, i) => i + 1));
      expect(rows.at(-1)?.type).toBe('reclassification-notice-issued');
    });

    // Both APIs serve the same programs from the shared read model.
    for (const api of cluster.apiUrls) {
      const shown = await call(api, 'GET', `/v1/programs/${programIds[0]}`, hrToken);
      expect(shown).toMatchObject({ status: 200, body: { status: 'reclassified' } });
    }
  });

  it('rolls out a second worker build beside the first: programs started on build 1 stay on it, new programs start on build 2, and old ones move to build 2 only once they replay on it', async () => {
    const [api] = cluster.apiUrls as [string];
    await cluster.startProcess('worker-1'); // build 1 again, after the crash above
    const appointed = addMonths(today, -2);
    const enroll = async (): Promise<string> => {
      const answer = await call(api, 'POST', '/v1/programs', hrToken, enrollmentFixture(appointed));
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      return answer.body.programId as string;
    };
    const versionOf = async (programId: string): Promise<string | undefined> => {
      const { raw } = await cluster.client.workflow.getHandle(workflowIdFor(programId)).describe();
      return raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId ?? undefined;
    };
    /** The build ids of the workers that completed the program's workflow tasks, in order. */
    const buildsThatRan = async (programId: string): Promise<string[]> => {
      const history = await cluster.client.workflow.getHandle(workflowIdFor(programId)).fetchHistory();
      return (history.events ?? [])
        .map((e) => e.workflowTaskCompletedEventAttributes?.deploymentVersion?.buildId)
        .filter((id): id is string => typeof id === 'string' && id.length > 0);
    };

    const onBuild1 = await enroll();
    expect(
      await waitFor(
        'the first workflow task',
        () => versionOf(onBuild1),
        (v) => v !== undefined,
      ),
    ).toBe('build-1');

    // Build 2 rolls out on a worker of its own and is made current.
    await cluster.startProcess('worker-3', { buildId: 'build-2' });
    await setCurrentBuild(cluster.connection, cluster.namespace, cluster.deploymentName, 'build-2');

    const onBuild2 = await enroll();
    expect(
      await waitFor(
        'the first workflow task',
        () => versionOf(onBuild2),
        (v) => v !== undefined,
      ),
    ).toBe('build-2');

    // The old program keeps running on build 1: its next workflow task is done by a build-1 worker.
    const signed = await call(api, 'POST', `/v1/programs/${onBuild1}/milestones/m1/sign-off`, supervisorToken, { signedOn: today });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect(await versionOf(onBuild1)).toBe('build-1');
    expect(new Set(await buildsThatRan(onBuild1))).toEqual(new Set(['build-1']));
    const signed2 = await call(api, 'POST', `/v1/programs/${onBuild2}/milestones/m1/sign-off`, supervisorToken, { signedOn: today });
    expect(signed2.status, JSON.stringify(signed2.body)).toBe(200);
    expect(new Set(await buildsThatRan(onBuild2))).toEqual(new Set(['build-2']));

    // Moving build 1's programs to build 2 is a deliberate, replay-tested step (npm run versioning:move).
    const pinnedTo = async (programId: string): Promise<string | undefined> => {
      const { raw } = await cluster.client.workflow.getHandle(workflowIdFor(programId)).describe();
      const info = raw.workflowExecutionInfo?.versioningInfo;
      return (info?.versioningOverride?.pinned?.version?.buildId || info?.deploymentVersion?.buildId) ?? undefined;
    };
    const build2Bundle = `${cluster.dir}/workflow-bundle-build-2.js`; // what cluster-up built for build 2's worker
    const incompatibleBundle = `${cluster.dir}/workflow-bundle-incompatible.js`;
    await writeFile(
      incompatibleBundle,
      (await bundleWorkflowCode({ workflowsPath: incompatibleWorkflowsPath, workflowInterceptorModules, logger: quietLogger })).code,
    );

    // Code the program's history does not replay on: nothing moves, and the program is named with the reason.
    const refused = await moveCommand('--from', 'build-1', '--to', 'build-2', '--bundle', incompatibleBundle);
    expect(refused.code, refused.output).toBe(1);
    expect(refused.output).toMatch(new RegExp(`kept +${workflowIdFor(onBuild1)}: DeterminismViolationError`));
    expect(await pinnedTo(onBuild1)).toBe('build-1');

    // A dry run with build 2's own code: the program would move, and does not.
    const dryRun = await moveCommand('--from', 'build-1', '--to', 'build-2', '--bundle', build2Bundle, '--dry-run');
    expect(dryRun.code, dryRun.output).toBe(0);
    expect(dryRun.output).toContain(`would move  ${workflowIdFor(onBuild1)}`);
    expect(dryRun.output).not.toContain(workflowIdFor(onBuild2)); // pinned to build 2 already
    expect(await pinnedTo(onBuild1)).toBe('build-1');

    // The move: the program replays on build 2, is pinned to it, and its next workflow task runs there.
    const moved = await moveCommand('--from', 'build-1', '--to', 'build-2', '--bundle', build2Bundle);
    expect(moved.code, moved.output).toBe(0);
    expect(moved.output).toContain(`moved  ${workflowIdFor(onBuild1)}`);
    expect(await pinnedTo(onBuild1)).toBe('build-2');
    const signedAfterMove = await call(api, 'POST', `/v1/programs/${onBuild1}/milestones/m2/sign-off`, supervisorToken, {
      signedOn: today,
    });
    expect(signedAfterMove.status, JSON.stringify(signedAfterMove.body)).toBe(200);
    expect((await buildsThatRan(onBuild1)).at(-1)).toBe('build-2');
    // Nothing is left on build 1.
    expect((await moveCommand('--from', 'build-1', '--to', 'build-2', '--bundle', build2Bundle, '--dry-run')).output).toContain(
      '0 open program(s) pinned to build-1',
    );
  });
});
