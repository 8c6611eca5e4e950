/**
 * The notice outbox: a notice and one delivery per recipient, written together once; then each
 * delivery's way to the SMTP server (pending → sending → sent, or rejected), recorded around the
 * send by the delivery activity.
 */
import type { Pool, PoolClient } from 'pg';
import type { CivilDate } from '../domain/dates.js';
import type { Recipient, RecipientRole } from '../domain/notices.js';

/** A notice ready for the outbox: rendered, with its recipients settled. */
export interface OutboxNotice {
  noticeId: string;
  programId: string;
  kind: string;
  eventId: string;
  issuedOn: CivilDate;
  recipients: Recipient[];
  subject: string;
  body: string;
  emailText: string;
  /** Null for notices queued before templates (their text is all there is). */
  emailHtml: string | null;
  facts: unknown;
  attachPdf: boolean;
  /** Addresses known when the notice is issued (the trainee's, from the enrollment), by role. */
  knownAddresses: Partial<Record<RecipientRole, string>>;
  /** Whether to queue a delivery per recipient (not for notices queued before e-mail existed). */
  deliver: boolean;
}

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'rejected';

export interface DeliveryKey {
  noticeId: string;
  role: string;
  ref: string;
}

export interface Delivery extends DeliveryKey {
  address: string | null;
  messageId: string | null;
  status: DeliveryStatus;
  attempts: number;
}

export interface NoticeToDeliver {
  noticeId: string;
  kind: string;
  issuedOn: CivilDate;
  recipients: Recipient[];
  subject: string;
  body: string;
  emailText: string | null;
  emailHtml: string | null;
  attachPdf: boolean;
  deliveries: Delivery[];
}

/**
 * Writes each notice and its deliveries in one transaction. A notice already there (a retried
 * activity, a replayed workflow) is left as it is, deliveries and all, so nobody is queued twice.
 */
export async function recordNoticesWithDeliveries(db: Pool, notices: readonly OutboxNotice[]): Promise<{ issued: number }> {
  if (notices.length === 0) return { issued: 0 };
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const inserted = await client.query<{ notice_id: string }>(
      `INSERT INTO notices (notice_id, program_id, kind, event_id, issued_on, recipients, subject, body, email_text, email_html, facts, attach_pdf)
       SELECT notice_id, program_id, kind, event_id, issued_on, recipients, subject, body, email_text, email_html, facts, attach_pdf
         FROM jsonb_to_recordset($1::jsonb) AS r(
           notice_id text, program_id text, kind text, event_id text, issued_on date, recipients jsonb,
           subject text, body text, email_text text, email_html text, facts jsonb, attach_pdf boolean)
       ON CONFLICT (notice_id) DO NOTHING
       RETURNING notice_id`,
      [
        JSON.stringify(
          notices.map((n) => ({
            notice_id: n.noticeId,
            program_id: n.programId,
            kind: n.kind,
            event_id: n.eventId,
            issued_on: n.issuedOn,
            recipients: n.recipients,
            subject: n.subject,
            body: n.body,
            email_text: n.emailText,
            email_html: n.emailHtml,
            facts: n.facts,
            attach_pdf: n.attachPdf,
          })),
        ),
      ],
    );
    const fresh = new Set(inserted.rows.map((r) => r.notice_id));
    const deliveries = notices
      .filter((n) => n.deliver && fresh.has(n.noticeId))
      .flatMap((n) =>
        n.recipients.map((r) => ({
          notice_id: n.noticeId,
          recipient_role: r.role,
          recipient_ref: r.ref,
          address: n.knownAddresses[r.role] ?? null,
        })),
      );
    if (deliveries.length > 0) {
      await client.query(
        `INSERT INTO notice_deliveries (notice_id, recipient_role, recipient_ref, address)
         SELECT notice_id, recipient_role, recipient_ref, address
           FROM jsonb_to_recordset($1::jsonb) AS r(notice_id text, recipient_role text, recipient_ref text, address text)
         ON CONFLICT DO NOTHING`,
        [JSON.stringify(deliveries)],
      );
    }
    await client.query('COMMIT');
    return { issued: fresh.size };
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

export async function noticeToDeliver(db: Pool, noticeId: string): Promise<NoticeToDeliver | null> {
  const { rows } = await db.query<Omit<NoticeToDeliver, 'deliveries'>>(
    `SELECT notice_id AS "noticeId", kind, to_char(issued_on, 'YYYY-MM-DD') AS "issuedOn", recipients, subject, body,
            email_text AS "emailText", email_html AS "emailHtml", attach_pdf AS "attachPdf"
       FROM notices WHERE notice_id = $1`,
    [noticeId],
  );
  const notice = rows[0];
  if (!notice) return null;
  const deliveries = await db.query<Delivery>(
    `SELECT notice_id AS "noticeId", recipient_role AS role, recipient_ref AS ref, address, message_id AS "messageId", status, attempts
       FROM notice_deliveries WHERE notice_id = $1 ORDER BY created_at, recipient_role, recipient_ref`,
    [noticeId],
  );
  // Deliveries in the order the notice lists its recipients, so every run sends in the same order.
  const order = (d: Delivery): number => notice.recipients.findIndex((r) => r.role === d.role && r.ref === d.ref);
  return { ...notice, deliveries: deliveries.rows.sort((a, b) => order(a) - order(b)) };
}

const keyParams = (key: DeliveryKey): string[] => [key.noticeId, key.role, key.ref];

/** What the statements below need: the pool, or the one connection that holds a delivery's turn. */
type Queryable = Pick<Pool | PoolClient, 'query'>;

/** The first key of the two-key advisory locks deliveries take, so no other lock of ours shares them. */
const DELIVERY_LOCK_SPACE = 0x6e6f7469; // 'noti'

/**
 * Runs `work` (claim, send, record) as the only attempt at that delivery: two attempts at once, HR's
 * resend and the program's own retry, take turns, and the second finds the delivery sent. The turn is
 * a session advisory lock on a connection of its own, so a worker that dies mid-send loses its
 * connection and the turn with it: the next attempt is never held up by a dead one. (Behind a pooler
 * in transaction mode, session locks do not hold: connect the worker to PostgreSQL directly.)
 */
export async function withDeliveryTurn<T>(db: Pool, key: DeliveryKey, work: (connection: Queryable) => Promise<T>): Promise<T> {
  const client = await db.connect();
  const lockKey = [DELIVERY_LOCK_SPACE, JSON.stringify(keyParams(key))];
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', lockKey);
    try {
      return await work(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', lockKey).catch((error: unknown) => {
        // A connection that cannot unlock is closed, which unlocks it.
        broken = error instanceof Error ? error : new Error(String(error));
      });
    }
  } finally {
    client.release(broken);
  }
}
const KEY_MATCH = 'notice_id = $1 AND recipient_role = $2 AND recipient_ref = $3';

/**
 * Marks a delivery as on its way, just before the message goes to the SMTP server, and fixes its
 * Message-ID the first time. Answers the status it had: 'sending' means an earlier attempt got this
 * far and may have been accepted. Null when it is sent or rejected already.
 */
export async function claimDelivery(
  db: Queryable,
  key: DeliveryKey,
  address: string,
  messageId: string,
): Promise<{ previousStatus: DeliveryStatus; messageId: string } | null> {
  const { rows } = await db.query<{ previous_status: DeliveryStatus; message_id: string }>(
    `WITH previous AS (
       SELECT notice_id, recipient_role, recipient_ref, status FROM notice_deliveries WHERE ${KEY_MATCH} FOR UPDATE
     )
     UPDATE notice_deliveries d
        SET status = 'sending', attempts = d.attempts + 1, sending_at = now(), address = $4,
            message_id = coalesce(d.message_id, $5)
       FROM previous p
      WHERE d.notice_id = p.notice_id AND d.recipient_role = p.recipient_role AND d.recipient_ref = p.recipient_ref
        AND p.status IN ('pending', 'sending')
     RETURNING p.status AS previous_status, d.message_id`,
    [...keyParams(key), address, messageId],
  );
  const row = rows[0];
  return row ? { previousStatus: row.previous_status, messageId: row.message_id } : null;
}

export async function markSent(db: Queryable, key: DeliveryKey, smtpResponse: string): Promise<void> {
  await db.query(
    `UPDATE notice_deliveries SET status = 'sent', sent_at = now(), smtp_response = $4, last_error = NULL
      WHERE ${KEY_MATCH} AND status = 'sending'`,
    [...keyParams(key), smtpResponse],
  );
}

/**
 * Records a failed attempt. `pending` when the message certainly did not get through (the server
 * refused it for now, or was not there), `rejected` when it refused it for good, `sending` when it
 * cannot be known (the connection broke after the message went out).
 */
export async function markFailed(db: Queryable, key: DeliveryKey, status: Exclude<DeliveryStatus, 'sent'>, error: string): Promise<void> {
  await db.query(
    `UPDATE notice_deliveries SET status = $4, last_error = $5
      WHERE ${KEY_MATCH} AND status IN ('pending', 'sending')`,
    [...keyParams(key), status, error],
  );
}

/** How a delivery stands, for people: delivered, waiting (and why) or failed (and why). */
export interface DeliveryState {
  role: string;
  ref: string;
  state: 'delivered' | 'waiting' | 'failed';
  reason: string | null;
  attempts: number;
  deliveredAt: string | null;
}

export interface NoticeDeliveries {
  noticeId: string;
  recipients: DeliveryState[];
  resends: { resentBy: string; resentAt: string }[];
}

const NO_ADDRESS = 'no address in the staff directory';

/**
 * The reason shown for a delivery not made. Only our own words: the SMTP server's answer stays in
 * the outbox (it may quote an address), and its code says enough.
 */
function reasonOf(status: DeliveryStatus, lastError: string | null): string | null {
  const code = /\b([45]\d\d)\b/.exec(lastError ?? '')?.[1];
  switch (status) {
    case 'sent':
      return null;
    case 'rejected':
      return `the recipient's mail server refused it${code ? ` (${code})` : ''}`;
    case 'sending':
      return 'being sent; whether the mail server took it is not known yet';
    case 'pending':
      if (lastError === NO_ADDRESS) return NO_ADDRESS;
      if (lastError) return `the mail server has not taken it yet${code ? ` (${code})` : ''}; trying again`;
      return 'not sent yet';
  }
}

/** Every notice's deliveries of one program, and HR's resends of them, oldest notice first. */
export async function programDeliveries(db: Pool, programId: string): Promise<NoticeDeliveries[]> {
  const { rows } = await db.query<{
    notice_id: string;
    role: string;
    ref: string;
    status: DeliveryStatus;
    last_error: string | null;
    attempts: number;
    sent_at: Date | null;
  }>(
    `SELECT d.notice_id, d.recipient_role AS role, d.recipient_ref AS ref, d.status, d.last_error, d.attempts, d.sent_at
       FROM notice_deliveries d JOIN notices n USING (notice_id)
      WHERE n.program_id = $1
      ORDER BY n.issued_on, n.created_at, d.notice_id, d.created_at, d.recipient_role, d.recipient_ref`,
    [programId],
  );
  const resends = await db.query<{ notice_id: string; resent_by: string; resent_at: Date }>(
    `SELECT r.notice_id, r.resent_by, r.resent_at FROM notice_resends r JOIN notices n USING (notice_id) WHERE n.program_id = $1 ORDER BY r.resent_at`,
    [programId],
  );
  const byNotice = new Map<string, NoticeDeliveries>();
  const entry = (noticeId: string): NoticeDeliveries => {
    let found = byNotice.get(noticeId);
    if (!found) byNotice.set(noticeId, (found = { noticeId, recipients: [], resends: [] }));
    return found;
  };
  for (const row of rows) {
    entry(row.notice_id).recipients.push({
      role: row.role,
      ref: row.ref,
      state: row.status === 'sent' ? 'delivered' : row.status === 'rejected' ? 'failed' : 'waiting',
      reason: reasonOf(row.status, row.last_error),
      attempts: row.attempts,
      deliveredAt: row.sent_at ? row.sent_at.toISOString() : null,
    });
  }
  for (const row of resends.rows) entry(row.notice_id).resends.push({ resentBy: row.resent_by, resentAt: row.resent_at.toISOString() });
  return [...byNotice.values()];
}

/**
 * Records HR's resend of a notice and opens its refused deliveries again, in one transaction.
 * Answers the recipients whose delivery is now to be made (none when every one was delivered).
 */
export async function recordResend(db: Pool, noticeId: string, resentBy: string): Promise<{ role: string; ref: string }[]> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query(`UPDATE notice_deliveries SET status = 'pending' WHERE notice_id = $1 AND status = 'rejected'`, [noticeId]);
    const open = await client.query<{ role: string; ref: string }>(
      `SELECT recipient_role AS role, recipient_ref AS ref FROM notice_deliveries WHERE notice_id = $1 AND status IN ('pending', 'sending') ORDER BY recipient_role, recipient_ref`,
      [noticeId],
    );
    await client.query(`INSERT INTO notice_resends (notice_id, resent_by, reopened) VALUES ($1, $2, $3)`, [
      noticeId,
      resentBy,
      JSON.stringify(open.rows),
    ]);
    await client.query('COMMIT');
    return open.rows;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
