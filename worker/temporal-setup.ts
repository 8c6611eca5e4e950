/**
 * Prepares a Temporal namespace for the programs, idempotently: registers the namespace when it is
 * missing, adds the workflow's search attributes (workflows/definitions.ts, the one list of them)
 * that it lacks, and, with --current-build, makes a worker build the current version of the worker
 * deployment once its workers poll. Safe to run on every deploy; changes nothing already right.
 *
 *   npm run -s temporal:setup [-- --retention-days 3650] [--current-build <buildId>]
 *
 * Connects like the worker (temporal/connection.ts: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, a
 * TOML profile); on Temporal Cloud the namespace is created in the Cloud console instead, and
 * registration is skipped when it already exists.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { loadTemporalTarget } from '../temporal/connection.js';
import { searchAttributes } from '../workflows/definitions.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;
const indexedTypes = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
} as const;

/** The search attributes the workflow upserts, as Temporal's operator service names their types. */
export const requiredSearchAttributes: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = Object.fromEntries(
  Object.values(searchAttributes).map((key) => [key.name, indexedTypes[key.type as keyof typeof indexedTypes]]),
);

/** The worker deployment the program workers belong to; each release is one build id in it. */
export const DEFAULT_DEPLOYMENT_NAME = 'development-programs';

const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;
const GRPC_FAILED_PRECONDITION = 9;
const GRPC_INVALID_ARGUMENT = 3;
const GRPC_UNAVAILABLE = 14;
const grpcCode = (error: unknown): number | undefined => (error as { code?: number }).code;

async function retrying<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  timeoutMs: number,
  retryOn: readonly number[] = [GRPC_NOT_FOUND, GRPC_FAILED_PRECONDITION, GRPC_UNAVAILABLE],
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = '';
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      lastProblem = (error as Error).message;
      const code = grpcCode(error);
      if (code === undefined || !retryOn.includes(code)) throw error;
    }
    if (Date.now() > deadline) throw new Error(`timed out: ${what}${lastProblem ? ` (${lastProblem})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function ensureNamespace(connection: Connection, namespace: string, retentionDays = 3650): Promise<'registered' | 'present'> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return 'present';
  } catch (error) {
    if (grpcCode(error) !== GRPC_NOT_FOUND) throw error;
  }
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      description: 'Leadership Associate development programs',
      // Closed programs' histories stay readable this long; the event log in PostgreSQL is the record.
      workflowExecutionRetentionPeriod: msToTs(retentionDays * 86_400_000),
    });
  } catch (error) {
    if (grpcCode(error) !== GRPC_ALREADY_EXISTS) throw error;
    return 'present';
  }
  return 'registered';
}

export async function ensureSearchAttributes(connection: Connection, namespace: string, timeoutMs = 60_000): Promise<string[]> {
  const missing = async (): Promise<string[]> => {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const wrong = Object.entries(requiredSearchAttributes).filter(
      ([name, type]) => customAttributes[name] !== undefined && customAttributes[name] !== type,
    );
    if (wrong.length > 0) {
      throw new Error(
        `search attributes of the wrong type in namespace ${namespace}: ${wrong.map(([name]) => name).join(', ')} (remove them or use another namespace)`,
      );
    }
    return Object.keys(requiredSearchAttributes).filter((name) => customAttributes[name] === undefined);
  };
  // A namespace registered a moment ago may not have reached every service yet: retry on NotFound.
  const added = await retrying(
    `adding search attributes to ${namespace}`,
    async () => {
      const absent = await missing();
      if (absent.length > 0) {
        await connection.operatorService.addSearchAttributes({
          namespace,
          searchAttributes: Object.fromEntries(Object.entries(requiredSearchAttributes).filter(([name]) => absent.includes(name))),
        });
      }
      return absent;
    },
    timeoutMs,
  );
  await retrying(`search attributes visible in ${namespace}`, async () => ((await missing()).length === 0 ? true : undefined), timeoutMs);
  return added;
}

/**
 * Makes `buildId` the current version of the deployment: new programs start on it. Waits until its
 * workers have polled the task queue (the server refuses a version nobody serves).
 */
export async function setCurrentBuild(
  connection: Connection,
  namespace: string,
  deploymentName: string,
  buildId: string,
  timeoutMs = 120_000,
): Promise<void> {
  await retrying(
    `making ${deploymentName}:${buildId} current`,
    async () => {
      await connection.workflowService.setWorkerDeploymentCurrentVersion({
        namespace,
        deploymentName,
        buildId,
        identity: 'temporal-setup',
      });
      return true;
    },
    timeoutMs,
    // Until the build's workers have polled, the server does not know the version (or refuses it).
    [GRPC_NOT_FOUND, GRPC_FAILED_PRECONDITION, GRPC_INVALID_ARGUMENT, GRPC_UNAVAILABLE],
  );
}

/** The deployment's current build id, or null when unversioned workers take new programs. */
export async function currentBuild(connection: Connection, namespace: string, deploymentName: string): Promise<string | null> {
  try {
    const { workerDeploymentInfo } = await connection.workflowService.describeWorkerDeployment({ namespace, deploymentName });
    return workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId || null;
  } catch (error) {
    if (grpcCode(error) === GRPC_NOT_FOUND) return null;
    throw error;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      'retention-days': { type: 'string', default: '3650' },
      'current-build': { type: 'string' },
      'deployment-name': { type: 'string', default: process.env.WORKER_DEPLOYMENT_NAME ?? DEFAULT_DEPLOYMENT_NAME },
    },
  });
  const retentionDays = Number(values['retention-days']);
  if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new Error('--retention-days: must be a whole number of days, 1 or more');
  const target = loadTemporalTarget();
  let connection: Connection | undefined;
  // The frontend may still be starting (cluster-up runs this right after it): wait for it, up to two minutes.
  for (const deadline = Date.now() + 120_000; !connection;) {
    try {
      connection = await Connection.connect({ ...target.connectionOptions, connectTimeout: '5s' });
      await connection.workflowService.getSystemInfo({});
    } catch (error) {
      await connection?.close();
      connection = undefined;
      if (Date.now() > deadline)
        throw new Error(`Temporal does not answer at ${target.describe()}: ${(error as Error).message}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    const namespace = await ensureNamespace(connection, target.namespace, retentionDays);
    const added = await ensureSearchAttributes(connection, target.namespace);
    console.log(
      `namespace ${target.namespace}: ${namespace}; search attributes ${added.length > 0 ? `added ${added.join(', ')}` : 'present'}`,
    );
    const buildId = values['current-build'];
    if (buildId) {
      const deploymentName = values['deployment-name'];
      if ((await currentBuild(connection, target.namespace, deploymentName)) === buildId)
        console.log(`${deploymentName}: ${buildId} is already current`);
      else {
        await setCurrentBuild(connection, target.namespace, deploymentName, buildId);
        console.log(`${deploymentName}: ${buildId} is now current; new programs start on it`);
      }
    }
  } finally {
    await connection.close();
  }
}
