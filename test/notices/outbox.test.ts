/**
 * The notice outbox and the delivery activity, called as Temporal would call them (a first attempt,
 * a retry), against a scratch database and real SMTP conversations: maildev, and a stub server for
 * the refusals maildev cannot give.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { createSmtpMailer, type Mailer } from '../../activities/mailer.js';
import { appendEvents } from '../../db/event-store.js';
import { loadDirectory } from '../../db/staff-directory.js';
import type { LegacyNotice, Notice } from '../../domain/notices.js';
import { createScratchDatabase, type ScratchDatabase } from '../integration/harness.js';
import { startMaildev, type Inbox } from './maildev.js';
import { SUPERVISOR, enrollmentFixture, runProgram } from './program-run.js';
import { startSmtpStub } from './smtp-stub.js';

let scratch: ScratchDatabase;
let inbox: Inbox;
const mailers: Mailer[] = [];

beforeAll(async () => {
  [scratch, inbox] = await Promise.all([createScratchDatabase('outbox'), startMaildev()]);
});

afterAll(async () => {
  for (const mailer of mailers) mailer.close();
  await inbox?.close();
  await scratch?.drop();
});

function mailerFor(url: string): Mailer {
  const mailer = createSmtpMailer({ url, from: 'notices@lap.test' });
  mailers.push(mailer);
  return mailer;
}

/** A reclassified program of the test's own, its events in the log, its staff in the directory (but `missing`). */
async function reclassifiedProgram(missing: string[] = []): Promise<{ notice: Notice; programId: string; traineeAddress: string }> {
  const id = randomUUID().slice(0, 8);
  const programId = `p-outbox-${id}`;
  const people = { supervisorId: `sup-${id}`, programManagerId: `pm-${id}`, agency: `AG-${id}` };
  const traineeAddress = `trainee-${id}@example.test`;
  const signOff = (milestoneId: string, on: string) => ({
    on,
    command: { type: 'sign-off-milestone' as const, milestoneId, signedOn: on },
    actor: { ...SUPERVISOR, id: people.supervisorId },
  });
  const run = runProgram(enrollmentFixture({ ...people, trainee: { employeeId: `E-${id}`, name: 'Dana Rivera', email: traineeAddress } }), {
    programId,
    script: [
      signOff('m1', '2025-06-25'),
      signOff('m2', '2025-09-25'),
      {
        on: '2025-09-25',
        command: { type: 'rate-service', rating: 'satisfactory', ratedOn: '2025-09-25' },
        actor: { ...SUPERVISOR, id: people.supervisorId },
      },
    ],
  });
  await appendEvents(scratch.pool, run.events);
  const entries = [
    { kind: 'staff' as const, ref: people.supervisorId, displayName: 'Supervisor', email: `${people.supervisorId}@staff.test` },
    {
      kind: 'staff' as const,
      ref: people.programManagerId,
      displayName: 'Program manager',
      email: `${people.programManagerId}@staff.test`,
    },
    { kind: 'agency-hr' as const, ref: people.agency, displayName: 'Agency HR', email: `hr-${id}@agency.test` },
    { kind: 'das' as const, ref: 'DAS', displayName: 'DAS', email: 'das-hr@das.test' },
  ];
  await loadDirectory(
    scratch.pool,
    entries.filter((e) => !missing.includes(e.ref)),
  );
  const notice = run.notices.find((n) => n.kind === 'reclassification');
  if (!notice) throw new Error('test setup: not reclassified');
  return { notice, programId, traineeAddress };
}

async function deliveries(noticeId: string) {
  const { rows } = await scratch.pool.query<{
    role: string;
    status: string;
    attempts: number;
    last_error: string | null;
    address: string | null;
  }>(
    `SELECT recipient_role AS role, status, attempts, last_error, address FROM notice_deliveries WHERE notice_id = $1 ORDER BY recipient_role`,
    [noticeId],
  );
  return rows;
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(error)}`);
  return error;
}

describe('the notice outbox', () => {
  it('queues each recipient of a notice once, however often the activity that issues it runs', async () => {
    const { notice } = await reclassifiedProgram();
    const activities = createActivities({ db: scratch.pool });
    expect(await activities.issueNotices([notice])).toEqual({ issued: 1 });
    expect(await activities.issueNotices([notice])).toEqual({ issued: 0 });
    expect((await deliveries(notice.noticeId)).map((d) => [d.role, d.status])).toEqual([
      ['agency-hr', 'pending'],
      ['das', 'pending'],
      ['program-manager', 'pending'],
      ['supervisor', 'pending'],
      ['trainee', 'pending'],
    ]);
    // Without a mailer (a worker for other tests) the deliveries wait; nothing is marked sent.
    expect(await activities.deliverNotice({ noticeId: notice.noticeId })).toEqual({ sent: 0, alreadyDone: 0, rejected: 0, pending: 5 });
  });

  it('sends each recipient one message; a retry of the activity sends nobody a second', async () => {
    const { notice, traineeAddress } = await reclassifiedProgram();
    const activities = createActivities({ db: scratch.pool, mailer: mailerFor(inbox.smtpUrl) });
    await activities.issueNotices([notice]);
    expect(await activities.deliverNotice({ noticeId: notice.noticeId })).toEqual({ sent: 5, alreadyDone: 0, rejected: 0, pending: 0 });
    expect(await activities.deliverNotice({ noticeId: notice.noticeId })).toEqual({ sent: 0, alreadyDone: 5, rejected: 0, pending: 0 });
    const { rows } = await scratch.pool.query<{ message_id: string }>('SELECT message_id FROM notice_deliveries WHERE notice_id = $1', [
      notice.noticeId,
    ]);
    const ours = new Set(rows.map((r) => r.message_id));
    const received = (await inbox.messages()).filter((m) => ours.has(m.messageId));
    expect(received).toHaveLength(5);
    expect(new Set(received.map((m) => m.to[0]?.address))).toEqual(
      new Set([
        traineeAddress,
        ...(['supervisor', 'program-manager'] as const).map((r) => `${notice.parties[r].ref}@staff.test`),
        `hr-${notice.parties['agency-hr'].ref.slice(3)}@agency.test`,
        'das-hr@das.test',
      ]),
    );
    expect((await deliveries(notice.noticeId)).every((d) => d.status === 'sent' && d.attempts === 1)).toBe(true);
  });

  it("sends each recipient one message when HR's resend and the program's own retry run at the same moment", async () => {
    const { notice } = await reclassifiedProgram();
    const smtp = mailerFor(inbox.smtpUrl);
    // The first message is held on its way until the second attempt has reached the same delivery.
    let release = (): void => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let sends = 0;
    const gated: Mailer = {
      messageIdDomain: smtp.messageIdDomain,
      close: () => {},
      async send(mail) {
        if (sends++ === 0) await held;
        return smtp.send(mail);
      },
    };
    const retry = createActivities({ db: scratch.pool, mailer: gated });
    const resend = createActivities({ db: scratch.pool, mailer: gated });
    await retry.issueNotices([notice]);
    const first = retry.deliverNotice({ noticeId: notice.noticeId });
    await vi.waitFor(() => expect(sends).toBe(1), { timeout: 60_000, interval: 50 });
    const second = resend.deliverNotice({ noticeId: notice.noticeId });
    // The second attempt is at the first delivery too: waiting its turn (or, were there no turns, sending it again).
    await vi.waitFor(
      async () => {
        const { rows } = await scratch.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        );
        expect(sends > 1 || (rows[0]?.n ?? 0) > 0).toBe(true);
      },
      { timeout: 60_000, interval: 50 },
    );
    release();
    const reports = await Promise.all([first, second]);
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(5);
    expect(reports.reduce((n, r) => n + r.alreadyDone, 0)).toBe(5);
    const { rows } = await scratch.pool.query<{ message_id: string }>('SELECT message_id FROM notice_deliveries WHERE notice_id = $1', [
      notice.noticeId,
    ]);
    const ours = new Set(rows.map((r) => r.message_id));
    const received = (await inbox.messages()).filter((m) => ours.has(m.messageId));
    expect(received.map((m) => m.to[0]?.address).sort()).toEqual([...new Set(received.map((m) => m.to[0]?.address))].sort());
    expect(received).toHaveLength(5);
    expect((await deliveries(notice.noticeId)).map((d) => [d.role, d.status, d.attempts])).toEqual(
      ['agency-hr', 'das', 'program-manager', 'supervisor', 'trainee'].map((role) => [role, 'sent', 1]),
    );
  });

  it('holds back only the recipient the staff directory does not know, until HR adds them', async () => {
    const { notice } = await reclassifiedProgram();
    const programManager = notice.parties['program-manager'].ref;
    await scratch.pool.query("DELETE FROM staff_directory WHERE entry_kind = 'staff' AND ref = $1", [programManager]);
    const stub = await startSmtpStub();
    try {
      const activities = createActivities({ db: scratch.pool, mailer: mailerFor(stub.url) });
      await activities.issueNotices([notice]);
      const failure = await failureOf(activities.deliverNotice({ noticeId: notice.noticeId }));
      expect(failure).toMatchObject({ type: 'notice-delivery-incomplete', nonRetryable: false });
      expect(failure.message).toContain(`program-manager ${programManager}: no address in the staff directory`);
      expect(stub.received).toHaveLength(4);

      await loadDirectory(scratch.pool, [
        { kind: 'staff', ref: programManager, displayName: 'Program manager', email: `${programManager}@staff.test` },
      ]);
      expect(await activities.deliverNotice({ noticeId: notice.noticeId })).toEqual({ sent: 1, alreadyDone: 4, rejected: 0, pending: 0 });
      expect(stub.received).toHaveLength(5);
      expect(new Set(stub.received.map((m) => m.to[0])).size).toBe(5);
    } finally {
      await stub.close();
    }
  });

  it("records a recipient's mailbox refused for good (550) and does not try it again", async () => {
    const { notice, traineeAddress } = await reclassifiedProgram();
    const stub = await startSmtpStub({ rcptTo: (address) => (address === traineeAddress ? '550 5.1.1 no such mailbox' : undefined) });
    try {
      const activities = createActivities({ db: scratch.pool, mailer: mailerFor(stub.url) });
      await activities.issueNotices([notice]);
      expect(await activities.deliverNotice({ noticeId: notice.noticeId })).toEqual({ sent: 4, alreadyDone: 0, rejected: 1, pending: 0 });
      const trainee = (await deliveries(notice.noticeId)).find((d) => d.role === 'trainee');
      expect(trainee).toMatchObject({ status: 'rejected', attempts: 1 });
      expect(trainee?.last_error).toContain('550');
      expect(await activities.deliverNotice({ noticeId: notice.noticeId })).toEqual({ sent: 0, alreadyDone: 5, rejected: 0, pending: 0 });
    } finally {
      await stub.close();
    }
  });

  it("never shows a recipient's address, even when the server's answer quotes it", async () => {
    const { notice, traineeAddress } = await reclassifiedProgram();
    // A temporary refusal now (retried, kept pending), one for good on the next attempt.
    let refusal = `452 4.2.2 <${traineeAddress}>: mailbox ${traineeAddress} is over quota`;
    const stub = await startSmtpStub({ rcptTo: (address) => (address === traineeAddress ? refusal : undefined) });
    try {
      const activities = createActivities({ db: scratch.pool, mailer: mailerFor(stub.url) });
      await activities.issueNotices([notice]);
      const failure = await failureOf(activities.deliverNotice({ noticeId: notice.noticeId }));
      expect(failure).toMatchObject({ type: 'notice-delivery-incomplete', nonRetryable: false });
      expect(failure.message).toContain('SMTP 452');
      expect(failure.message).not.toContain(traineeAddress);
      expect(failure.message).not.toContain('@');
      const pending = (await deliveries(notice.noticeId)).find((d) => d.role === 'trainee');
      expect(pending).toMatchObject({ status: 'pending' });
      expect(pending?.last_error).toContain('452');
      expect(pending?.last_error).not.toContain(traineeAddress);

      refusal = `550 5.1.1 <${traineeAddress}>: no such user ${traineeAddress}`;
      expect(await activities.deliverNotice({ noticeId: notice.noticeId })).toEqual({ sent: 0, alreadyDone: 4, rejected: 1, pending: 0 });
      const rejected = (await deliveries(notice.noticeId)).find((d) => d.role === 'trainee');
      expect(rejected?.last_error).toContain('550');
      expect(rejected?.last_error).not.toContain(traineeAddress);
      expect(rejected?.last_error).not.toContain('@');
    } finally {
      await stub.close();
    }
  });

  it('keeps every delivery pending, and says why without an address, when the server refuses our sender (530: our configuration)', async () => {
    const { notice } = await reclassifiedProgram();
    const stub = await startSmtpStub({ mailFrom: '530 5.7.0 Authentication required' });
    try {
      const activities = createActivities({ db: scratch.pool, mailer: mailerFor(stub.url) });
      await activities.issueNotices([notice]);
      const failure = await failureOf(activities.deliverNotice({ noticeId: notice.noticeId }));
      expect(failure).toMatchObject({ type: 'notice-delivery-incomplete', nonRetryable: false });
      expect(failure.message).toContain('SMTP 530');
      expect(failure.message).not.toContain('@');
      expect((await deliveries(notice.noticeId)).map((d) => d.status)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);
      expect(stub.received).toEqual([]);
    } finally {
      await stub.close();
    }
  });

  it('records a notice queued before templates as it was, without deliveries', async () => {
    const { notice } = await reclassifiedProgram();
    const legacy: LegacyNotice = {
      noticeId: `${notice.programId}/cap-warning-90`,
      programId: notice.programId,
      kind: 'cap-warning',
      eventId: notice.eventId,
      issuedOn: '2027-12-03',
      recipients: [{ role: 'supervisor', ref: 'sup-1' }],
      subject: 'Development program reaches its statutory maximum on 2028-03-02',
      body: 'The development program of Dana Rivera must be completed by 2028-03-02.',
    };
    const activities = createActivities({ db: scratch.pool, mailer: mailerFor(inbox.smtpUrl) });
    expect(await activities.issueNotices([legacy])).toEqual({ issued: 1 });
    const { rows } = await scratch.pool.query('SELECT subject, body, email_html FROM notices WHERE notice_id = $1', [legacy.noticeId]);
    expect(rows).toEqual([{ subject: legacy.subject, body: legacy.body, email_html: null }]);
    expect(await deliveries(legacy.noticeId)).toEqual([]);
    expect(await activities.deliverNotice({ noticeId: legacy.noticeId })).toEqual({ sent: 0, alreadyDone: 0, rejected: 0, pending: 0 });
  });

  it('refuses, without retrying, input that is not a notice', async () => {
    const activities = createActivities({ db: scratch.pool });
    const failure = await failureOf(activities.issueNotices([{ noticeId: 'p-x/cap-warning-90' } as unknown as Notice]));
    expect(failure).toMatchObject({ type: 'invalid-activity-input', nonRetryable: true });
    expect(await failureOf(activities.deliverNotice({ noticeId: 'p-none/reclassification' }))).toMatchObject({
      type: 'notice-not-found',
      nonRetryable: true,
    });
  });
});
