/** The worker process: applies migrations, then runs workflows and activities until stopped. */
import { NativeConnection } from '@temporalio/worker';
import pg from 'pg';
import { createSmtpMailer } from '../activities/mailer.js';
import { migrate } from '../db/migrate.js';
import { listenForAppends } from '../db/notifications.js';
import { createProjector } from '../db/projections.js';
import { encryptingDataConverter } from '../client/payload-codec.js';
import { loadConfig } from './config.js';
import { createProgramWorker } from './worker.js';

const config = loadConfig();
await migrate(config.DATABASE_URL);
const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 10 });
const mailer = createSmtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM });
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const worker = await createProgramWorker({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  db,
  mailer,
  dataConverter: encryptingDataConverter(config.payloadKeys),
  ...(config.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH } } : {}),
});
// The read model follows the event log in this process; several workers may run it side by side.
// It reads when events are appended (LISTEN/NOTIFY) and polls every second in case a wake-up is missed.
const projector = createProjector(db);
projector.start(1_000);
const appends = listenForAppends(config.DATABASE_URL, () => projector.wake());
if (config.usingDevelopmentPayloadKey) console.warn('PAYLOAD_ENCRYPTION_KEYS is not set: payloads are sealed with the published development key.');
console.log(`worker polling task queue "${config.TEMPORAL_TASK_QUEUE}" on ${config.TEMPORAL_ADDRESS}`);
try {
  await worker.run();
} finally {
  await appends.stop();
  await projector.stop();
  mailer.close();
  await connection.close();
  await db.end();
}
