/**
 * A worker process that dies on purpose, for the delivery tests: it runs the real activities and,
 * while delivering a notice of the kind KILL_NOTICE_KIND, kills itself with SIGKILL at KILL_AT:
 *   after-recorded  the activity has sent every message and recorded them 'sent', and has not yet
 *                   reported its completion to Temporal;
 *   after-accepted  the SMTP server has accepted message number KILL_AFTER_ACCEPTED (1-based) of
 *                   the notice, and the database does not know yet.
 * It caches no workflow, so no sticky queue is left behind (the time-skipping server never moves one).
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import pg from 'pg';
import { z } from 'zod';
import { createActivities } from '../../activities/index.js';
import { createSmtpMailer, type Mailer } from '../../activities/mailer.js';
import { developmentDataConverter } from '../../temporal/payload-codec.js';
import { workflowSpanSinks } from '../../worker/worker.js';

const env = z
  .object({
    TEMPORAL_ADDRESS: z.string(),
    TASK_QUEUE: z.string(),
    DATABASE_URL: z.string(),
    SMTP_URL: z.string(),
    MAIL_FROM: z.string(),
    WORKFLOW_BUNDLE_PATH: z.string(),
    KILL_AT: z.enum(['after-recorded', 'after-accepted']),
    KILL_NOTICE_KIND: z.string(),
    KILL_AFTER_ACCEPTED: z.coerce.number().int().positive().default(1),
  })
  .parse(process.env);

Runtime.install({ logger: new DefaultLogger('ERROR') });
const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: killed');
};

const db = new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 });
const smtp = createSmtpMailer({ url: env.SMTP_URL, from: env.MAIL_FROM });
let accepted = 0;
const mailer: Mailer = {
  messageIdDomain: smtp.messageIdDomain,
  close: () => smtp.close(),
  async send(mail) {
    const result = await smtp.send(mail);
    if (env.KILL_AT === 'after-accepted' && mail.noticeKind === env.KILL_NOTICE_KIND && ++accepted === env.KILL_AFTER_ACCEPTED) die();
    return result;
  },
};
const activities = createActivities({ db, mailer });
const worker = await Worker.create({
  connection: await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS }),
  dataConverter: developmentDataConverter(),
  taskQueue: env.TASK_QUEUE,
  workflowBundle: { codePath: env.WORKFLOW_BUNDLE_PATH },
  maxCachedWorkflows: 0,
  sinks: workflowSpanSinks(),
  activities: {
    ...activities,
    async deliverNotice(input: { noticeId: string }) {
      const report = await activities.deliverNotice(input);
      const { rows } = await db.query<{ kind: string }>('SELECT kind FROM notices WHERE notice_id = $1', [input.noticeId]);
      if (env.KILL_AT === 'after-recorded' && rows[0]?.kind === env.KILL_NOTICE_KIND) die();
      return report;
    },
  },
});
console.log('ready');
await worker.run();
