/**
 * Sending e-mail through SMTP (nodemailer). The delivery activity gets a `Mailer` as a dependency,
 * so tests can wrap the real one (say, to stop the process right after the server accepts).
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string | null;
  /** `<…@…>`: the same for every attempt at the same delivery, so receivers can drop a duplicate. */
  messageId: string;
  /** The notice kind, in a header for mail filters. */
  noticeKind: string;
  attachments: { filename: string; content: Buffer; contentType: string }[];
}

export interface Mailer {
  /** The domain of the sender's address: the right-hand side of every Message-ID. */
  readonly messageIdDomain: string;
  /** Resolves with the server's acceptance; rejects with the SMTP error otherwise. */
  send(mail: OutgoingMail): Promise<{ response: string }>;
  close(): void;
}

/**
 * The Message-ID of one delivery: a hash of the notice id and the recipient, so it is the same on
 * every attempt, by any worker, and carries no personal data.
 */
export function messageIdFor(noticeId: string, recipient: { role: string; ref: string }, domain: string): string {
  const digest = createHash('sha256').update(`${noticeId}\u0000${recipient.role}\u0000${recipient.ref}`).digest('hex').slice(0, 40);
  return `<notice.${digest}@${domain}>`;
}

/** The domain of a From address such as `"Name" <notices@example.org>`. */
export function domainOf(from: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(from);
  if (!match?.[1]) throw new Error(`the sender address "${from}" has no domain`);
  return match[1];
}

export interface SmtpMailerOptions {
  /** smtp:// or smtps://, with credentials if the server wants them. */
  url: string;
  from: string;
  /** Well under the activity's start-to-close timeout, so a hung server fails the attempt, not the clock. */
  timeoutMs?: number;
}

export function createSmtpMailer({ url, from, timeoutMs = 20_000 }: SmtpMailerOptions): Mailer {
  const options: SMTPTransport.Options = {
    url,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // Message content is ours; no attachment is ever read from a path or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  const transport = nodemailer.createTransport(options, { from });
  return {
    messageIdDomain: domainOf(from),
    async send(mail) {
      const info = await transport.sendMail({
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html === null ? {} : { html: mail.html }),
        messageId: mail.messageId,
        // RFC 3834: an automatic message; out-of-office replies should not answer it.
        headers: { 'Auto-Submitted': 'auto-generated', 'X-LAP-Notice-Kind': mail.noticeKind },
        attachments: mail.attachments,
      });
      return { response: info.response };
    },
    close() {
      transport.close();
    },
  };
}

/** How an SMTP failure bears on whether the message got through. */
export type SendFailure = 'not-accepted' | 'refused-for-good' | 'unknown';

export function classifySendFailure(error: unknown): SendFailure {
  if (typeof error !== 'object' || error === null) return 'unknown';
  if ('responseCode' in error && typeof error.responseCode === 'number') {
    const command = 'command' in error && typeof error.command === 'string' ? error.command : '';
    // A 5xx about this recipient or this message is final (RFC 5321, 4.2.1). A 5xx at greeting,
    // sender or authentication is our configuration, and a 4xx asks to try later: both retried.
    return error.responseCode >= 500 && /^(RCPT TO|DATA)$/.test(command) ? 'refused-for-good' : 'not-accepted';
  }
  // Never connected (refused, unreachable, no such host): nothing went out.
  if (('syscall' in error && error.syscall === 'connect') || ('code' in error && error.code === 'EDNS')) return 'not-accepted';
  // A connection that broke mid-way may have broken after the server took the message.
  return 'unknown';
}
