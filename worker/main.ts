/**
 * The worker process: applies migrations, then runs workflows and activities until stopped.
 *
 * It outlives its dependencies: PostgreSQL and Temporal may be down when it starts (it waits for
 * them, with backoff) or go away while it runs (the pool replaces lost connections, the projector
 * resumes from its checkpoint, and a worker that loses Temporal is built again). SIGTERM drains it:
 * no new tasks are polled and the ones under way finish (worker.shutdown()).
 */
import { DefaultLogger, NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import { createSmtpMailer } from '../activities/mailer.js';
import { encryptingDataConverter } from '../temporal/payload-codec.js';
import { migrate } from '../db/migrate.js';
import { listenForAppends } from '../db/notifications.js';
import { createPool, withBackoff } from '../db/pool.js';
import { createProjector } from '../db/projections.js';
import { loadServerConfig } from '../config/index.js';
import { createLogger } from './logging.js';
import { startTracing, type Tracing } from './tracing.js';
import { createProgramWorker } from './worker.js';

let config: ReturnType<typeof loadServerConfig>;
let tracing: Tracing;
try {
  // The worker seals and opens payloads; it signs nothing.
  config = loadServerConfig(process.env, ['PAYLOAD_ENCRYPTION_KEYS']);
  // Workflow and activity spans (OpenTelemetry, from the OTEL_* environment); off unless OTEL_TRACES_EXPORTER names an exporter.
  tracing = startTracing('lap-worker');
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const log = createLogger('worker');
// The signals are handled here (below), so the runtime installs no handlers of its own. Workflow and
// activity log lines (with their workflow id, run id and activity) go to the same pino log.
const pinoLevel = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const satisfies Record<
  LogLevel,
  string
>;
Runtime.install({
  shutdownSignals: [],
  logger: new DefaultLogger('INFO', ({ level, message, meta }) => log[pinoLevel[level]]({ ...meta }, message)),
  // Worker, poller and workflow-task metrics for Prometheus (docs/deployment.md, "Observability").
  ...(config.WORKER_METRICS_ADDRESS
    ? { telemetryOptions: { metrics: { prometheus: { bindAddress: config.WORKER_METRICS_ADDRESS } } } }
    : {}),
});

let stopping = false;
const stopped = new AbortController();
await withBackoff('applying the migrations', () => migrate(config.DATABASE_URL), log, { signal: stopped.signal });
const db = createPool({ connectionString: config.DATABASE_URL, max: 10, name: 'worker', log });
const mailer = createSmtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM });
// The read model follows the event log in this process; several workers may run it side by side.
// It reads when events are appended (LISTEN/NOTIFY) and polls every second in case a wake-up is missed.
const projector = createProjector(db);
// It reads when events are appended (LISTEN/NOTIFY) and polls every second in case a wake-up is missed.
projector.start(1_000, (error) =>
  log.warn({ errorName: error instanceof Error ? error.name : typeof error }, 'projection step failed; retrying'),
);
const appends = listenForAppends(
  config.DATABASE_URL,
  () => projector.wake(),
  (error) =>
    log.warn({ errorName: error instanceof Error ? error.name : typeof error }, 'listening for appended events failed; listening again'),
);
if (tracing.enabled) log.info({ exporters: process.env.OTEL_TRACES_EXPORTER }, 'tracing workflows and activities with OpenTelemetry');
if (config.usingDevelopmentPayloadKey)
  log.warn('PAYLOAD_ENCRYPTION_KEYS is not set: payloads are sealed with the published development key.');

let current: { shutdown(): void } | undefined;
const stop = (signal: string): void => {
  if (stopping) process.exit(1); // a second signal does not wait
  stopping = true;
  stopped.abort();
  log.info({ signal }, 'shutting down: finishing the tasks under way');
  current?.shutdown();
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

let delayMs = 500;
while (!stopping) {
  let connection: NativeConnection | undefined;
  try {
    connection = await NativeConnection.connect(config.temporal.connectionOptions);
    const worker = await createProgramWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      db,
      mailer,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      dataConverter: encryptingDataConverter(config.payloadKeys),
      tracing,
      tuning: {
        maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
        maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
        maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
        workflowThreadPoolSize: config.WORKER_WORKFLOW_THREADS,
        stickyQueueScheduleToStartTimeout: config.WORKER_STICKY_QUEUE_TIMEOUT_MS,
      },
      ...(config.WORKER_BUILD_ID ? { deployment: { deploymentName: config.WORKER_DEPLOYMENT_NAME, buildId: config.WORKER_BUILD_ID } } : {}),
      ...(config.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH } } : {}),
    });
    current = worker;
    if (stopping) worker.shutdown();
    log.info(
      {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        temporal: config.temporal.describe(),
        ...(config.WORKER_BUILD_ID ? { build: `${config.WORKER_DEPLOYMENT_NAME}:${config.WORKER_BUILD_ID}` } : {}),
      },
      'worker polling',
    );
    delayMs = 500;
    await worker.run();
  } catch (error) {
    if (stopping) break;
    log.warn({ errorName: error instanceof Error ? error.name : typeof error, retryInMs: delayMs }, 'worker lost Temporal; starting again');
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 5_000);
  } finally {
    current = undefined;
    await connection?.close().catch(() => undefined);
  }
}
await appends.stop();
await projector.stop();
mailer.close();
await db.end();
await tracing.shutdown();
log.info('stopped');
