/** The worker process: applies migrations, then runs workflows and activities until stopped. */
import { NativeConnection, Runtime } from '@temporalio/worker';
import pg from 'pg';
import { createSmtpMailer } from '../activities/mailer.js';
import { migrate } from '../db/migrate.js';
import { createProjector } from '../db/projections.js';
import { encryptingDataConverter } from '../client/payload-codec.js';
import { loadConfig } from './config.js';
import { createProgramWorker } from './worker.js';

const config = loadConfig();
if (config.WORKER_METRICS_ADDRESS) {
  // Worker, poller and workflow-task metrics for Prometheus (docs/deployment.md, "Observability").
  Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: config.WORKER_METRICS_ADDRESS } } } });
}
await migrate(config.DATABASE_URL);
const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 10 });
const mailer = createSmtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM });
const connection = await NativeConnection.connect(config.temporal.connectionOptions);
const worker = await createProgramWorker({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  db,
  mailer,
  dataConverter: encryptingDataConverter(config.payloadKeys),
  ...(config.WORKER_BUILD_ID ? { deployment: { deploymentName: config.WORKER_DEPLOYMENT_NAME, buildId: config.WORKER_BUILD_ID } } : {}),
  ...(config.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH } } : {}),
});
// The read model follows the event log in this process; several workers may run it side by side.
const projector = createProjector(db);
projector.start();
if (config.usingDevelopmentPayloadKey) console.warn('PAYLOAD_ENCRYPTION_KEYS is not set: payloads are sealed with the published development key.');
const build = config.WORKER_BUILD_ID ? `, build ${config.WORKER_DEPLOYMENT_NAME}:${config.WORKER_BUILD_ID}` : '';
console.log(`worker polling task queue "${config.TEMPORAL_TASK_QUEUE}" on ${config.temporal.describe()}${build}`);
try {
  await worker.run();
} finally {
  await projector.stop();
  mailer.close();
  await connection.close();
  await db.end();
}
