/** The floor's worker process, started by bench/run.ts beside the project's own worker. */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import pg from 'pg';
import { createFloorActivities } from './activities.js';

const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
db.on('error', () => {});
await db.query(
  'CREATE TABLE IF NOT EXISTS bench_floor_rows (workflow_id text, version integer, kind text, PRIMARY KEY (workflow_id, version))',
);
const connection = await NativeConnection.connect({ address });
const worker = await Worker.create({
  connection,
  taskQueue: process.env.FLOOR_TASK_QUEUE ?? 'bench-floor',
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  activities: createFloorActivities(db),
});
process.once('SIGTERM', () => worker.shutdown());
console.log('floor worker ready');
await worker.run();
await connection.close();
await db.end();
