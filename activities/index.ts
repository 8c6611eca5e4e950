/**
 * Activities are adapters: each does one side effect, idempotently, keyed by something stable
 * (the event id, the notice id, the notice and recipient), so a retry, a replay or a second worker
 * never applies it twice.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import type { z } from 'zod';
import type { LegacyNotice, Notice } from '../domain/notices.js';
import type { ProgramEvent } from '../domain/program.js';
import { EventConflictError, appendEvents } from '../db/event-store.js';
import {
  claimDelivery,
  withDeliveryTurn,
  markFailed,
  markSent,
  noticeToDeliver,
  recordNoticesWithDeliveries,
  type Delivery,
  type NoticeToDeliver,
  type OutboxNotice,
} from '../db/outbox.js';
import { lookUpAddress } from '../db/staff-directory.js';
import { classifySendFailure, messageIdFor, type Mailer } from './mailer.js';
import { renderNoticePdf } from './notice-pdf.js';
import { loadNoticeTemplates, type NoticeTemplates } from './notice-rendering.js';
import { deliverNoticeInput, eventRowSchema, queuedNoticeSchema } from './schemas.js';

function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(
      `invalid ${what}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      'invalid-activity-input',
    );
  }
  return parsed.data;
}

export interface ActivityDependencies {
  db: Pool;
  /**
   * Sends the notices. Without one, notices are still recorded with their deliveries, which stay
   * pending: for tests of other concerns. The worker process always has one (SMTP_URL).
   */
  mailer?: Mailer;
  /** The notice templates; by default those in activities/notice-templates/. */
  templates?: NoticeTemplates;
  /** Where the web UI is reached (PUBLIC_BASE_URL): e-mails link to the program's page there. */
  publicBaseUrl?: string | undefined;
  /**
   * How many messages this worker sends at once. Each holds a database connection for the whole
   * send (its delivery's turn, db/outbox.ts), so this stays well below the pool's size: a slow mail
   * server then slows notices only, never the events a sign-off records.
   */
  concurrentSends?: number;
}

/** Runs at most `max` of the works given it at once; the others wait their turn, first come first served. */
function concurrencyLimit(max: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    while (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await work();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

export interface DeliveryReport {
  /** Sent in this attempt. */
  sent: number;
  /** Sent or refused for good by an earlier attempt (or one running beside this one): not sent again. */
  alreadyDone: number;
  /** Refused for good (5xx) in this attempt; kept with the server's answer. */
  rejected: number;
  /** Left for later: only when this worker has no mailer. */
  pending: number;
}

/** The running activity's context; null when called directly (tests of the activity's logic). */
function activityContext(): Context | null {
  try {
    return Context.current();
  } catch {
    return null;
  }
}

/**
 * Heartbeats every `everyMs` while `work` runs: a worker that dies mid-way is noticed after the
 * activity's heartbeat timeout (seconds) rather than its start-to-close timeout (minutes).
 */
async function heartbeating<T>(everyMs: number, work: () => Promise<T>): Promise<T> {
  const context = activityContext();
  if (!context) return work();
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** An SMTP error's text with every address in it replaced: it is kept in the outbox for operators. */
export function withoutAddresses(text: string): string {
  return text.replace(/<?[^\s<>@"',;:()]+@[^\s<>@"',;:()]+>?/g, '<address>');
}

type SendOutcome = { outcome: 'sent' } | { outcome: 'done-before' } | { outcome: 'rejected' } | { outcome: 'open'; problem: string };

export function createActivities({
  db,
  mailer,
  publicBaseUrl,
  templates = loadNoticeTemplates(undefined, { publicBaseUrl }),
  concurrentSends = 3,
}: ActivityDependencies) {
  const sending = concurrencyLimit(concurrentSends);
  /** A notice as the outbox takes it: rendered from the templates, or as queued before templates. */
  const forOutbox = (queued: Notice | LegacyNotice): OutboxNotice => {
    if ('recipients' in queued) {
      // Queued before notices were e-mailed: recorded as then, without deliveries (its trainee's
      // address did not travel with it).
      return {
        ...queued,
        recipients: queued.recipients,
        emailText: queued.body,
        emailHtml: null,
        facts: null,
        attachPdf: false,
        knownAddresses: {},
        deliver: false,
      };
    }
    const content = templates.render(queued);
    const knownAddresses: OutboxNotice['knownAddresses'] = {};
    for (const recipient of content.recipients) {
      const address = queued.parties[recipient.role].address;
      if (address !== null) knownAddresses[recipient.role] = address;
    }
    return {
      noticeId: queued.noticeId,
      programId: queued.programId,
      kind: queued.kind,
      eventId: queued.eventId,
      issuedOn: queued.issuedOn,
      recipients: content.recipients,
      subject: content.subject,
      body: content.body,
      emailText: content.text,
      emailHtml: content.html,
      facts: queued.facts,
      attachPdf: content.attachPdf,
      knownAddresses,
      deliver: true,
    };
  };

  /** Sends one delivery, recording 'sending' before and the outcome after. */
  async function send(notice: NoticeToDeliver, delivery: Delivery, sender: Mailer, attachment: Buffer | null): Promise<SendOutcome> {
    const address = delivery.address ?? (await lookUpAddress(db, delivery.role, delivery.ref));
    if (!address) {
      // Retried: the notice goes out once HR adds the entry.
      await markFailed(db, delivery, 'pending', 'no address in the staff directory');
      return { outcome: 'open', problem: `${delivery.role} ${delivery.ref}: no address in the staff directory` };
    }
    // One attempt at a time per delivery (HR's resend beside the program's own retry): the second
    // waits its turn and then finds the delivery sent.
    return sending(() =>
      withDeliveryTurn(db, delivery, async (connection) => {
        const claimed = await claimDelivery(connection, delivery, address, messageIdFor(notice.noticeId, delivery, sender.messageIdDomain));
        if (!claimed) return { outcome: 'done-before' }; // another attempt finished it in the meantime
        try {
          const { response } = await sender.send({
            to: address,
            subject: notice.subject,
            text: notice.emailText ?? `${notice.subject}\n\n${notice.body}`,
            html: notice.emailHtml,
            messageId: claimed.messageId,
            noticeKind: notice.kind,
            attachments: attachment ? [{ filename: `${notice.kind}-notice.pdf`, content: attachment, contentType: 'application/pdf' }] : [],
          });
          // The window: a worker that dies here leaves the delivery 'sending' although the server has
          // the message; it is sent again under the same Message-ID, which receivers can deduplicate.
          await markSent(connection, delivery, response);
          return { outcome: 'sent' };
        } catch (error) {
          const failure = classifySendFailure(error);
          const message = withoutAddresses(error instanceof Error ? error.message : String(error));
          await markFailed(
            connection,
            delivery,
            failure === 'refused-for-good' ? 'rejected' : failure === 'not-accepted' ? 'pending' : 'sending',
            message,
          );
          if (failure === 'refused-for-good') return { outcome: 'rejected' };
          // Only codes leave this function: an SMTP message may quote the address.
          return { outcome: 'open', problem: `${delivery.role} ${delivery.ref}: ${smtpErrorCode(error)}` };
        }
      }),
    );
  }

  return {
    /** Appends events to the event log; an event already there is not written again. */
    async recordEvents(events: ProgramEvent[]): Promise<{ appended: number }> {
      const rows = events.map((e) => parseInput(eventRowSchema, e, `event ${e.id}`));
      try {
        const result = await appendEvents(db, rows);
        // With the Temporal context (workflow id, run id) the logger adds: the request's program and
        // version in the API's log line lead here, and from here to the rows.
        activityContext()?.log.info('events recorded', {
          programId: rows[0]?.programId,
          versions: rows.map((r) => r.version),
          eventIds: rows.map((r) => r.id),
          appended: result.appended,
        });
        return result;
      } catch (error) {
        if (error instanceof EventConflictError) {
          throw ApplicationFailure.create({ type: 'event-conflict', message: error.message, nonRetryable: true, cause: error });
        }
        throw error;
      }
    },

    /**
     * Issues notices: renders each from its templates and writes it with one delivery per recipient
     * (the outbox), in one transaction. A notice already issued (same business key) is not issued
     * again, nor queued for anyone again.
     */
    async issueNotices(notices: (Notice | LegacyNotice)[]): Promise<{ issued: number }> {
      const queued = notices.map((n) => parseInput(queuedNoticeSchema, n, `notice ${n.noticeId}`));
      return recordNoticesWithDeliveries(db, queued.map(forOutbox));
    },

    /**
     * Sends a notice to each recipient not yet served. A delivery already sent is skipped, so a
     * retry, a replay or a worker that died after sending does not send it twice. Throws (and so is
     * retried with backoff) while any delivery is still to be made.
     */
    async deliverNotice(input: { noticeId: string }): Promise<DeliveryReport> {
      const { noticeId } = parseInput(deliverNoticeInput, input, 'delivery');
      const notice = await noticeToDeliver(db, noticeId);
      if (!notice) throw ApplicationFailure.nonRetryable(`notice ${noticeId} is not in the outbox`, 'notice-not-found');
      const open = notice.deliveries.filter((d) => d.status === 'pending' || d.status === 'sending');
      const report: DeliveryReport = { sent: 0, alreadyDone: notice.deliveries.length - open.length, rejected: 0, pending: 0 };
      if (!mailer) return { ...report, pending: open.length };
      if (open.length === 0) return report;
      const problems: string[] = [];
      await heartbeating(2_000, async () => {
        const attachment = notice.attachPdf ? await renderNoticePdf(notice) : null;
        for (const delivery of open) {
          const result = await send(notice, delivery, mailer, attachment);
          if (result.outcome === 'sent') report.sent++;
          else if (result.outcome === 'done-before') report.alreadyDone++;
          else if (result.outcome === 'rejected') report.rejected++;
          else problems.push(result.problem);
        }
      });
      if (problems.length > 0) {
        throw ApplicationFailure.retryable(
          `${problems.length} of ${notice.deliveries.length} deliveries of notice ${noticeId} not made yet: ${problems.join('; ')}`,
          'notice-delivery-incomplete',
        );
      }
      return report;
    },
  };
}

/** A failure's code, never its text. */
function smtpErrorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown error';
  const parts: string[] = [];
  if ('code' in error && typeof error.code === 'string') parts.push(error.code);
  if ('responseCode' in error && typeof error.responseCode === 'number') parts.push(`SMTP ${error.responseCode}`);
  if ('syscall' in error && typeof error.syscall === 'string') parts.push(`(${error.syscall})`);
  return parts.length > 0 ? parts.join(' ') : 'unknown error';
}

export type Activities = ReturnType<typeof createActivities>;
