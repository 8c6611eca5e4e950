/**
 * Notices delivered for real: the workflow on Temporal's time-skipping server, a scratch
 * PostgreSQL database, and maildev as the SMTP server (its own process, read through its REST API).
 * Years of program time pass in seconds; what arrives in the inbox is what is checked.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import { createSmtpMailer, messageIdFor, type Mailer } from '../../activities/mailer.js';
import { longDate } from '../../activities/notice-rendering.js';
import { createProgramClient } from '../../client/programs.js';
import { createProjector } from '../../db/projections.js';
import { loadDirectory } from '../../db/staff-directory.js';
import { addDays, addMonths, anniversary, type CivilDate } from '../../domain/dates.js';
import type { Actor } from '../../domain/program.js';
import { createProgramWorker } from '../../worker/worker.js';
import { workflowIdFor, type ProgramOutcome } from '../../workflows/definitions.js';
import {
  createScratchDatabase,
  enrollmentFixture,
  hr,
  saveHistoryIfRecording,
  serverToday,
  skipTo,
  startTimeSkippingServer,
  TEST_DEADLINES,
  uniqueTaskQueue,
  workflowBundle,
  type ScratchDatabase,
} from '../integration/harness.js';
import { startMaildev, type Inbox, type ReceivedMail } from './maildev.js';
import { pdfText } from './pdf-text.js';
import type { Payload } from '@temporalio/common';
import { developmentDataConverter } from '../../temporal/payload-codec.js';

// Failed delivery attempts are expected here; the worker's warnings about them would bury the report.
Runtime.install({ logger: new DefaultLogger('ERROR') });

const MAIL_FROM = '"Leadership Associate programs" <notices@lap.test>';
let env: TestWorkflowEnvironment;
let scratch: ScratchDatabase;
let inbox: Inbox;
let mailer: Mailer;

beforeAll(async () => {
  [env, scratch, inbox] = await Promise.all([startTimeSkippingServer(), createScratchDatabase('notices'), startMaildev()]);
  mailer = createSmtpMailer({ url: inbox.smtpUrl, from: MAIL_FROM });
  await loadDirectory(scratch.pool, [{ kind: 'das', ref: 'DAS', displayName: 'DAS', email: 'das-hr@das.test' }]);
});

afterAll(async () => {
  mailer?.close();
  await inbox?.close();
  await scratch?.drop();
  await env?.teardown();
});

/** A supervisor, program manager and agency of the test's own, in the staff directory. */
async function cast() {
  const id = randomUUID().slice(0, 8);
  const supervisor: Actor = { id: `sup-${id}`, role: 'supervisor' };
  const programManager: Actor = { id: `pm-${id}`, role: 'program-manager' };
  const agency = `AG-${id}`;
  await loadDirectory(scratch.pool, [
    { kind: 'staff', ref: supervisor.id, displayName: 'Supervisor', email: `${supervisor.id}@staff.test` },
    { kind: 'staff', ref: programManager.id, displayName: 'Program manager', email: `${programManager.id}@staff.test` },
    { kind: 'agency-hr', ref: agency, displayName: 'Agency HR', email: `hr-${id}@agency.test` },
  ]);
  const enroll = (appointment: CivilDate, milestones?: { id: string; title: string; dueDate: CivilDate }[]) => {
    const base = enrollmentFixture(appointment, { supervisorId: supervisor.id, programManagerId: programManager.id, agency });
    return {
      ...base,
      trainee: { ...base.trainee, email: `trainee-${id}@example.test` },
      schedule: milestones ? { ...base.schedule, milestones } : base.schedule,
    };
  };
  return { supervisor, programManager, agency, enroll };
}

async function newWorker(taskQueue: string): Promise<Worker> {
  return createProgramWorker({
    connection: env.nativeConnection,
    taskQueue,
    db: scratch.pool,
    mailer,
    workflowBundle: await workflowBundle(),
  });
}

const resultOf = (programId: string): Promise<ProgramOutcome> => env.client.workflow.getHandle(workflowIdFor(programId)).result();

interface DeliveryRow {
  notice_id: string;
  kind: string;
  issued_on: string;
  role: string;
  status: string;
  attempts: number;
  message_id: string | null;
}

async function deliveriesOf(programId: string): Promise<DeliveryRow[]> {
  const { rows } = await scratch.pool.query<DeliveryRow>(
    `SELECT n.notice_id, n.kind, to_char(n.issued_on, 'YYYY-MM-DD') AS issued_on, d.recipient_role AS role, d.status, d.attempts, d.message_id
       FROM notices n JOIN notice_deliveries d USING (notice_id)
      WHERE n.program_id = $1 ORDER BY n.issued_on, n.created_at, d.recipient_role`,
    [programId],
  );
  return rows;
}

/** The program's messages in the inbox, in the order they arrived, each with its delivery. */
async function mailsOf(programId: string, received?: ReceivedMail[]): Promise<(ReceivedMail & { delivery: DeliveryRow })[]> {
  const byMessageId = new Map((await deliveriesOf(programId)).filter((d) => d.message_id).map((d) => [d.message_id, d]));
  return (received ?? (await inbox.messages())).flatMap((mail) => {
    const delivery = byMessageId.get(mail.messageId);
    return delivery ? [{ ...mail, delivery }] : [];
  });
}

const byRole = (mails: { delivery: DeliveryRow }[], role: string): [string, string][] =>
  mails.filter((m) => m.delivery.role === role).map((m) => [m.delivery.issued_on, m.delivery.kind]);

describe('notices by e-mail', () => {
  it('sends reminders, escalations, warnings and the final notice to each recipient in order, once each', async () => {
    const taskQueue = uniqueTaskQueue();
    const programs = createProgramClient({ client: env.client, taskQueue, today: () => serverToday(env), deadlines: TEST_DEADLINES });
    const people = await cast();
    const appointment = await serverToday(env);
    const [m1Due, m2Due] = [addMonths(appointment, 4), addMonths(appointment, 8)];
    const { programId } = await programs.enroll(
      people.enroll(appointment, [
        { id: 'm1', title: 'Contract administration rotation', dueDate: m1Due },
        { id: 'm2', title: 'Grievance and arbitration casework', dueDate: m2Due },
      ]),
      hr,
    );
    const worker = await newWorker(taskQueue);
    const outcome = await worker.runUntil(async () => {
      await skipTo(env, addDays(m1Due, -7));
      await programs.signOff(programId, 'm1', { signedOn: addDays(m1Due, -7) }, people.supervisor);
      // m2 is signed off 20 days late, after the escalation; service is never rated: the cap ends it.
      await skipTo(env, addDays(m2Due, 20));
      await programs.signOff(programId, 'm2', { signedOn: addDays(m2Due, 20) }, people.supervisor);
      return resultOf(programId);
    });
    expect(outcome.status).toBe('expired');
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'n4-reminders-escalation-expiry-at-third-anniversary-delivered');

    const latest = addDays(anniversary(appointment, 3), -1);
    const firstAnniversary = anniversary(appointment, 1);
    const finalNotices: [string, string][] = [
      [firstAnniversary, 'minimum-period-reached'],
      [addDays(latest, -90), 'cap-warning'],
      [addDays(latest, -30), 'cap-warning'],
      [anniversary(appointment, 3), 'program-expired'], // the latest completion date is served in full
    ];
    const mails = await mailsOf(programId, await inbox.waitFor((all) => all.length > 0, 'mail'));
    expect(byRole(mails, 'supervisor')).toEqual([
      [addDays(m1Due, -14), 'milestone-due-soon'],
      [addDays(m2Due, -14), 'milestone-due-soon'],
      [addDays(m2Due, 1), 'milestone-overdue'],
      [addDays(m2Due, 8), 'overdue-reminder'],
      [addDays(m2Due, 14), 'milestone-escalated'],
      [addDays(m2Due, 15), 'overdue-reminder-escalated'],
      ...finalNotices,
    ]);
    expect(byRole(mails, 'program-manager')).toEqual([
      [addDays(m2Due, 14), 'milestone-escalated'],
      [addDays(m2Due, 15), 'overdue-reminder-escalated'],
      ...finalNotices,
    ]);
    expect(byRole(mails, 'trainee')).toEqual([finalNotices[0], finalNotices[3]]);
    expect(byRole(mails, 'agency-hr')).toEqual(finalNotices);
    expect(byRole(mails, 'das')).toEqual([finalNotices[3]]);
    expect(mails).toHaveLength(23);
    // Each to the address the directory (or the enrollment) gives, under its own Message-ID.
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(mails.length);
    const addressOf = {
      supervisor: `${people.supervisor.id}@staff.test`,
      'program-manager': `${people.programManager.id}@staff.test`,
      das: 'das-hr@das.test',
    };
    for (const mail of mails) {
      const expected = addressOf[mail.delivery.role as keyof typeof addressOf];
      if (expected) expect(mail.to.map((t) => t.address)).toEqual([expected]);
    }
    expect(mails.find((m) => m.delivery.kind === 'overdue-reminder-escalated')?.text).toContain('Grievance and arbitration casework, due');
    const deliveries = await deliveriesOf(programId);
    expect(deliveries.every((d) => d.status === 'sent' && d.attempts === 1)).toBe(true);
  });

  it('a worker killed right after sending, before it reports, leaves exactly one message per recipient', async () => {
    const { programId, reclassification, noticeId } = await reclassifyUnderDoomedWorker('after-recorded');
    // Sent and recorded, and the worker died before telling Temporal: the attempt is still open.
    expect(reclassification.map((m) => m.delivery.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    const open = await openDelivery(programId);
    expect(open).toMatchObject({ attempt: 1, state: 'started' });

    const worker = await newWorker(reclassification[0]?.taskQueue ?? '');
    const outcome = await worker.runUntil(async () => {
      await endDeadAttempt(programId, open.activityId);
      return resultOf(programId);
    });
    // A fresh worker retried the delivery and found every recipient served.
    expect(outcome.status).toBe('reclassified');
    expect(await deliveryAttempts(programId, noticeId)).toEqual({ attempts: 2, completed: true });
    const after = (await mailsOf(programId)).filter((m) => m.delivery.kind === 'reclassification');
    expect(after.map((m) => m.delivery.role).sort()).toEqual(['agency-hr', 'das', 'program-manager', 'supervisor', 'trainee']);
    expect(new Set(after.map((m) => m.to[0]?.address)).size).toBe(5);
    expect(after.map((m) => m.delivery.attempts)).toEqual([1, 1, 1, 1, 1]);
    await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'n2-worker-killed-after-send');
  });

  it("a worker killed between the server's acceptance and the database write sends that one recipient a second copy, under the same Message-ID", async () => {
    const { programId, reclassification, noticeId } = await reclassifyUnderDoomedWorker('after-accepted', 3);
    // Two recipients served and recorded; the third accepted by the server but not recorded; two not reached.
    expect(reclassification.map((m) => m.delivery.status)).toEqual(['sent', 'sent', 'sending']);

    const open = await openDelivery(programId);
    const worker = await newWorker(reclassification[0]?.taskQueue ?? '');
    await worker.runUntil(async () => {
      await endDeadAttempt(programId, open.activityId);
      return resultOf(programId);
    });
    const mails = (await mailsOf(programId)).filter((m) => m.delivery.kind === 'reclassification');
    const copies = new Map<string, number>();
    for (const mail of mails) copies.set(mail.delivery.role, (copies.get(mail.delivery.role) ?? 0) + 1);
    const third = reclassification[2]?.delivery.role ?? '';
    expect(Object.fromEntries(copies)).toEqual({ trainee: 1, supervisor: 1, 'program-manager': 1, 'agency-hr': 1, das: 1, [third]: 2 });
    const duplicates = mails.filter((m) => m.delivery.role === third);
    expect(duplicates[0]?.messageId).toBe(duplicates[1]?.messageId);
    expect(await deliveryAttempts(programId, noticeId)).toEqual({ attempts: 2, completed: true });
    expect((await deliveriesOf(programId)).filter((d) => d.kind === 'reclassification').map((d) => [d.role, d.status, d.attempts])).toEqual(
      [
        ['agency-hr', 'sent', 1],
        ['das', 'sent', 1],
        ['program-manager', 'sent', 1],
        ['supervisor', 'sent', 1],
        ['trainee', 'sent', 1],
      ].map(([role, status, attempts]) => [role, status, role === third ? 2 : attempts]),
    );
  });

  it('holds the notices while the SMTP server is down and delivers every one once it is back', async () => {
    const taskQueue = uniqueTaskQueue();
    const programs = createProgramClient({ client: env.client, taskQueue, today: () => serverToday(env), deadlines: TEST_DEADLINES });
    const people = await cast();
    const today = await serverToday(env);
    await inbox.stop();
    try {
      // Migrated 13 months after appointment: overdue and escalation notices and the minimum period at once.
      const { programId } = await programs.enroll(people.enroll(addMonths(today, -13)), hr);
      const worker = await newWorker(taskQueue);
      const outcome = await worker.runUntil(async () => {
        const refused = await eventually(
          () => deliveriesOf(programId),
          (rows) => rows.length === 13 && rows.every((d) => d.status === 'pending' && d.attempts >= 1) && rows.some((d) => d.attempts >= 2),
          'every delivery tried and refused, and retried',
        );
        expect(new Set(refused.map((d) => d.kind))).toEqual(
          new Set(['milestone-overdue', 'milestone-escalated', 'minimum-period-reached']),
        );
        await programs.withdraw(programId, { effectiveOn: today, reason: 'Resigned' }, hr);
        await eventually(
          () => deliveriesOf(programId),
          (rows) => rows.length === 18 && rows.every((d) => d.attempts >= 1),
          'the ending notice tried',
        );

        // Temporal keeps retrying with backoff; the program stays open until its notices are out.
        const { raw, status } = await env.client.workflow.getHandle(workflowIdFor(programId)).describe();
        expect(status.name).toBe('RUNNING');
        const pending = (raw.pendingActivities ?? []).filter((a) => a.activityType?.name === 'deliverNotice');
        expect(pending).toHaveLength(8);
        const failure = pending.find((a) => (a.attempt ?? 0) >= 2)?.lastFailure;
        expect(failure?.applicationFailureInfo?.type).toBe('notice-delivery-incomplete');
        expect(failure?.message).toMatch(/ESOCKET \(connect\)/);
        expect(failure?.message).not.toContain('@'); // no address in Temporal's history

        await inbox.start();
        return resultOf(programId);
      });
      expect(outcome.status).toBe('ended');
      await saveHistoryIfRecording(env.client, workflowIdFor(programId), 'n3-smtp-outage-then-delivered');
      const deliveries = await deliveriesOf(programId);
      expect(deliveries.every((d) => d.status === 'sent')).toBe(true);
      const mails = await mailsOf(programId);
      expect(mails).toHaveLength(18);
      expect(mails.map((m) => `${m.delivery.notice_id} ${m.delivery.role}`).sort()).toEqual(
        deliveries.map((d) => `${d.notice_id} ${d.role}`).sort(),
      );
      expect(byRole(mails, 'das')).toEqual([[today, 'program-ended']]);
    } finally {
      await inbox.start(); // for the tests after this one, whatever happened here
    }
  });

  it('attaches to the reclassification e-mail the PDF the API serves, and it states what the notice must', async () => {
    const taskQueue = uniqueTaskQueue();
    const programs = createProgramClient({ client: env.client, taskQueue, today: () => serverToday(env), deadlines: TEST_DEADLINES });
    const people = await cast();
    const today = await serverToday(env);
    const enrollment = people.enroll(addMonths(today, -13));
    const { programId } = await programs.enroll(enrollment, hr);
    const worker = await newWorker(taskQueue);
    await worker.runUntil(async () => {
      for (const milestoneId of ['m1', 'm2', 'm3']) await programs.signOff(programId, milestoneId, { signedOn: today }, people.supervisor);
      await programs.rate(programId, { rating: 'satisfactory', ratedOn: today }, people.supervisor);
      return resultOf(programId);
    });
    const noticeId = `${programId}/reclassification`;
    const mails = (await mailsOf(programId)).filter((m) => m.delivery.notice_id === noticeId);
    expect(mails.map((m) => m.delivery.role).sort()).toEqual(['agency-hr', 'das', 'program-manager', 'supervisor', 'trainee']);
    const toTrainee = mails.find((m) => m.delivery.role === 'trainee');
    if (!toTrainee) throw new Error('no message to the trainee');
    expect(toTrainee.to.map((t) => t.address)).toEqual([expect.stringMatching(/^trainee-.*@example\.test$/)]);
    expect(toTrainee.messageId).toBe(messageIdFor(noticeId, { role: 'trainee', ref: enrollment.trainee.employeeId }, 'lap.test'));
    expect(toTrainee.headers['auto-submitted']).toBe('auto-generated');
    expect(toTrainee.html).toContain('<th scope="row"');
    expect(toTrainee.text).toContain('No additional working test period is required.');
    expect(toTrainee.attachments?.map((a) => [a.filename, a.contentType])).toEqual([['reclassification-notice.pdf', 'application/pdf']]);

    const attached = await inbox.attachment(toTrainee, 'reclassification-notice.pdf');
    const { text } = await pdfText(attached);
    expect(text).toContain('Jordan Example');
    expect(text).toContain('Agency Labor Relations Specialist (5257MP)');
    expect(text).toContain(`Effective date ${longDate(today)}`);
    expect(text).toContain('without competitive examination');
    expect(text).toContain('No additional working test period is required.');

    await createProjector(scratch.pool).catchUp();
    const authSecret = randomUUID() + randomUUID();
    const app = await buildApiServer({ programs, db: scratch.pool, temporal: env.client, authSecret });
    try {
      const response = await app.inject({
        method: 'GET',
        url: `/v1/notices/${encodeURIComponent(noticeId)}`,
        headers: {
          accept: 'application/pdf',
          authorization: `Bearer ${await mintToken(authSecret, { sub: 'hr-0001', roles: ['hr'], ttl: '5m' })}`,
        },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/pdf');
      expect(response.rawPayload.equals(attached)).toBe(true);
    } finally {
      await app.close();
    }
  });
});

/** Polls (in real time) until `done` holds for what `read` answers. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const doomedWorkerPath = fileURLToPath(new URL('./doomed-worker.ts', import.meta.url));

/** A worker in a child process that SIGKILLs itself while delivering the reclassification notice. */
async function startDoomedWorker(taskQueue: string, killAt: 'after-recorded' | 'after-accepted', killAfterAccepted = 1) {
  const dir = await mkdtemp(join(tmpdir(), 'doomed-worker-'));
  const bundlePath = join(dir, 'workflow-bundle.js');
  await writeFile(bundlePath, (await workflowBundle()).code);
  const child = spawn(process.execPath, ['--import', 'tsx', doomedWorkerPath], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      TASK_QUEUE: taskQueue,
      DATABASE_URL: scratch.url,
      SMTP_URL: inbox.smtpUrl,
      MAIL_FROM,
      WORKFLOW_BUNDLE_PATH: bundlePath,
      KILL_AT: killAt,
      KILL_NOTICE_KIND: 'reclassification',
      KILL_AFTER_ACCEPTED: String(killAfterAccepted),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (data: Buffer) => {
      if (data.toString().includes('ready')) resolve();
    });
    void exited.then((how) => reject(new Error(`the doomed worker ended before it was ready: ${how}`)));
  });
  return { exited, stop: () => child.kill('SIGKILL') };
}

/**
 * A program migrated in 13 months after appointment, served by a worker that dies delivering its
 * reclassification notice. Answers the reclassification messages in the inbox at that moment.
 */
async function reclassifyUnderDoomedWorker(killAt: 'after-recorded' | 'after-accepted', killAfterAccepted = 1) {
  const taskQueue = uniqueTaskQueue();
  const programs = createProgramClient({ client: env.client, taskQueue, today: () => serverToday(env), deadlines: TEST_DEADLINES });
  const people = await cast();
  const today = await serverToday(env);
  const { programId } = await programs.enroll(people.enroll(addMonths(today, -13)), hr);
  const doomed = await startDoomedWorker(taskQueue, killAt, killAfterAccepted);
  try {
    // The notices of the migration (overdue, escalated, minimum period) go out first, undisturbed.
    await waitUntilDelivered(programId);
    for (const milestoneId of ['m1', 'm2', 'm3'])
      await programs.signOff(programId, milestoneId, { signedOn: addDays(today, -1) }, people.supervisor);
    const view = await programs.rate(programId, { rating: 'satisfactory', ratedOn: addDays(today, -1) }, people.supervisor);
    expect(view.status).toBe('reclassified');
    expect(await doomed.exited).toBe('SIGKILL');
  } finally {
    doomed.stop();
  }
  const noticeId = `${programId}/reclassification`;
  const reclassification = (await mailsOf(programId))
    .filter((m) => m.delivery.kind === 'reclassification')
    .map((m) => ({ ...m, taskQueue }));
  return { programId, noticeId, reclassification };
}

async function waitUntilDelivered(programId: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const deliveries = await deliveriesOf(programId);
    if (deliveries.length > 0 && deliveries.every((d) => d.status === 'sent')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the notices were not delivered');
}

/** The program's one open deliverNotice activity, as Temporal sees it. */
async function openDelivery(programId: string): Promise<{ activityId: string; attempt: number; state: string }> {
  const { raw } = await env.client.workflow.getHandle(workflowIdFor(programId)).describe();
  const open = (raw.pendingActivities ?? []).filter((a) => a.activityType?.name === 'deliverNotice');
  expect(open).toHaveLength(1);
  const states: Record<number, string> = { 1: 'scheduled', 2: 'started', 3: 'cancel-requested', 4: 'paused', 5: 'pause-requested' };
  return { activityId: open[0]?.activityId ?? '', attempt: open[0]?.attempt ?? 0, state: states[Number(open[0]?.state)] ?? 'unknown' };
}

/**
 * Ends the dead worker's attempt as its start-to-close timeout would, two minutes later: the
 * time-skipping server does not skip time while an attempt is out, so the test says what the
 * timeout would have said. Temporal then retries the delivery by its retry policy.
 */
async function endDeadAttempt(programId: string, activityId: string): Promise<void> {
  await env.asyncCompletionClient.fail({ workflowId: workflowIdFor(programId), activityId }, new Error('the worker was killed'));
}

const payloadCodec = developmentDataConverter().payloadCodecs?.[0];

/** How many attempts the history shows for the delivery of `noticeId`, and whether one completed. */
async function deliveryAttempts(programId: string, noticeId: string): Promise<{ attempts: number; completed: boolean }> {
  const history = await env.client.workflow.getHandle(workflowIdFor(programId)).fetchHistory();
  const events = history.events ?? [];
  let scheduled: (typeof events)[number] | undefined;
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes?.activityType?.name !== 'deliverNotice') continue;
    if ((await noticeIdOf(e.activityTaskScheduledEventAttributes.input?.payloads?.[0])) === noticeId) scheduled = e;
  }
  const scheduledId = scheduled?.eventId?.toString();
  const started = events.find((e) => e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === scheduledId);
  const completed = events.some((e) => e.activityTaskCompletedEventAttributes?.scheduledEventId?.toString() === scheduledId);
  return { attempts: started?.activityTaskStartedEventAttributes?.attempt ?? 0, completed };
}

/** The activity's input as the worker reads it: opened with the payload key first. */
async function noticeIdOf(payload: Payload | null | undefined): Promise<string | undefined> {
  if (!payload) return undefined;
  const [opened] = (await payloadCodec?.decode([payload])) ?? [payload];
  if (!opened?.data) return undefined;
  const value: unknown = JSON.parse(Buffer.from(opened.data).toString('utf8'));
  return typeof value === 'object' && value !== null && 'noticeId' in value && typeof value.noticeId === 'string'
    ? value.noticeId
    : undefined;
}
