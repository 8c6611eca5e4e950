/**
 * Delivery you can see: a notice to a recipient the staff directory has no address for shows as
 * waiting, and why; HR's resend after the address is added delivers it once (read in maildev, the
 * real SMTP server of the notices tests). The resend route through the API first: HR only, recorded
 * for auditors, and asking again sends nobody a second copy. The whole stack of the API tests
 * (test/api/harness.ts) with a worker that e-mails, and Debian's Chromium.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer, type Mailer } from '../../activities/mailer.js';
import { loadDirectory } from '../../db/staff-directory.js';
import { addMonths } from '../../domain/dates.js';
import { eventually, startApiStack, today, uniqueId, type ApiStack } from '../api/harness.js';
import { enrollmentFixture } from '../integration/harness.js';
import { startMaildev, type Inbox } from '../notices/maildev.js';
import { ensureUiBuilt, launchChromium, openPage, screenshot, seriousAccessibilityViolations, signIn } from './harness.js';

const MAIL_FROM = '"Leadership Associate programs" <notices@lap.test>';
const PUBLIC_BASE_URL = 'https://programs.agency.test';

let stack: ApiStack;
let browser: Browser;
let inbox: Inbox;
let mailer: Mailer;

beforeAll(async () => {
  await ensureUiBuilt();
  inbox = await startMaildev();
  mailer = createSmtpMailer({ url: inbox.smtpUrl, from: MAIL_FROM });
  [stack, browser] = await Promise.all([startApiStack({ mailer, publicBaseUrl: PUBLIC_BASE_URL }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  mailer?.close();
  await inbox?.close();
});

interface Recipient {
  role: string;
  ref: string;
  state: 'delivered' | 'waiting' | 'failed';
  reason: string | null;
}
interface Deliveries {
  items: { noticeId: string; recipients: Recipient[]; resends: { resentBy: string; resentAt: string }[] }[];
}

/**
 * A program past its first anniversary in an agency of the test's own, which the directory has no
 * HR address for: the notices to agency HR wait. Answers the program and the first such notice.
 */
async function programWithWaitingNotice(): Promise<{ programId: string; agency: string; noticeId: string; subject: string }> {
  const staff = { supervisorId: uniqueId('sup'), programManagerId: uniqueId('pm'), agency: uniqueId('AG') };
  await stack.addStaff(staff.supervisorId, staff.programManagerId);
  const hrToken = await stack.token('hr-0001', 'hr');
  const appointed = addMonths(today(), -13);
  const enrollment = enrollmentFixture(appointed, staff);
  const enrolled = await stack.call('POST', '/v1/programs', { token: hrToken, body: enrollment });
  expect(enrolled.status).toBe(201);
  const { programId } = enrolled.body as { programId: string };
  const deliveries = await eventually(
    () => stack.call('GET', `/v1/programs/${programId}/deliveries`, { token: hrToken }),
    (r) =>
      r.status === 200 &&
      (r.body as Deliveries).items.some((n) =>
        n.recipients.some((p) => p.role === 'agency-hr' && p.reason === 'no address in the staff directory'),
      ),
    'a notice to agency HR waiting for an address',
    60_000,
  );
  const notice = (deliveries.body as Deliveries).items.find((n) => n.recipients.some((p) => p.role === 'agency-hr'));
  const notices = await stack.call('GET', `/v1/programs/${programId}/notices`, { token: hrToken });
  const subject = (notices.body as { items: { noticeId: string; subject: string }[] }).items.find(
    (n) => n.noticeId === notice?.noticeId,
  )?.subject;
  if (!notice || !subject) throw new Error('no notice to agency HR');
  return { programId, agency: staff.agency, noticeId: notice.noticeId, subject };
}

const resendPath = (noticeId: string): string => `/v1/notices/${encodeURIComponent(noticeId)}/resend`;

describe('the resend route', () => {
  it('is for HR only, leaves a recipient without an address waiting and says why, and is recorded for auditors', async () => {
    const { programId, noticeId } = await programWithWaitingNotice();
    const program = (await stack.call('GET', `/v1/programs/${programId}`, { token: await stack.token('hr-0001', 'hr') })).body as {
      supervisorId: string;
    };
    for (const [sub, role] of [
      [program.supervisorId, 'supervisor'],
      ['das-0001', 'das'],
      ['aud-0001', 'auditor'],
    ] as const) {
      const refused = await stack.call('POST', resendPath(noticeId), { token: await stack.token(sub, role), body: {} });
      expect(refused.status, role).toBe(403);
    }
    const hr = await stack.token('hr-0001', 'hr');
    const unknown = await stack.call('POST', resendPath(`${noticeId}-none`), { token: hr, body: {} });
    expect(unknown.status).toBe(404);

    const resent = await stack.call('POST', resendPath(noticeId), { token: hr, body: {} });
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({
      noticeId,
      outcome: 'waiting',
      recipients: expect.arrayContaining([
        expect.objectContaining({ role: 'agency-hr', state: 'waiting', reason: 'no address in the staff directory' }),
      ]),
    });

    const audit = await stack.call('GET', `/v1/programs/${programId}/deliveries`, { token: await stack.token('aud-0001', 'auditor') });
    expect(audit.status).toBe(200);
    const recorded = (audit.body as Deliveries).items.find((n) => n.noticeId === noticeId);
    expect(recorded?.resends).toEqual([{ resentBy: 'hr-0001', resentAt: expect.any(String) }]);
  });

  it('sends nobody a second copy: the same Idempotency-Key gives the first answer, and a resend of a delivered notice sends nothing', async () => {
    const { programId, agency, noticeId, subject } = await programWithWaitingNotice();
    const address = `hr-${agency.toLowerCase()}@agency.test`;
    await loadDirectory(stack.db, [{ kind: 'agency-hr', ref: agency, displayName: `${agency} Human Resources`, email: address }]);
    const hr = await stack.token('hr-0001', 'hr');
    const headers = { 'idempotency-key': uniqueId('resend') };
    const first = await stack.call('POST', resendPath(noticeId), { token: hr, body: {}, headers });
    const again = await stack.call('POST', resendPath(noticeId), { token: hr, body: {}, headers });
    expect(first.status).toBe(200);
    expect(again.body).toEqual(first.body);
    // Delivered by this resend, or by the program's own retry just before it: once either way.
    expect(['delivered', 'nothing-to-send']).toContain((first.body as { outcome: string }).outcome);
    const later = await stack.call('POST', resendPath(noticeId), { token: hr, body: {} });
    expect(later.body).toMatchObject({ outcome: 'nothing-to-send' });
    const copies = <M extends { to: { address: string }[]; subject: string }>(mail: M[]): M[] =>
      mail.filter((m) => m.subject === subject && m.to.some((t) => t.address === address));
    const received = await inbox.waitFor((mail) => copies(mail).length > 0, `the notice at ${address}`);
    expect(copies(received)).toHaveLength(1);
    // The e-mail links back to the program's page in the web UI.
    const [mail] = copies(received);
    expect(mail?.text).toContain(`The program: ${PUBLIC_BASE_URL}/programs/${encodeURIComponent(programId)}`);
    expect(mail?.html).toContain(`href="${PUBLIC_BASE_URL}/programs/${encodeURIComponent(programId)}"`);
  });
});

describe('HR on the program page', () => {
  it('sees a notice waiting for an address, adds it, sends the notice again, and the recipient gets it once', async () => {
    const { programId, agency, noticeId, subject } = await programWithWaitingNotice();
    const address = `hr-${agency.toLowerCase()}@agency.test`;
    const session = await openPage(browser);
    const { page } = session;
    try {
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', `/programs/${encodeURIComponent(programId)}`);
      const delivery = page.getByRole('list', { name: `Delivery of “${subject}”` });
      await expect
        .poll(() => delivery.getByRole('listitem').filter({ hasText: 'Agency HR' }).textContent(), { timeout: 30_000 })
        .toBe(`Agency HR (${agency}): Waiting — no address in the staff directory`);
      await screenshot(page, 'notice-waiting');
      expect(await seriousAccessibilityViolations(page, 'notice-waiting')).toEqual([]);

      // HR adds the agency's address to the staff directory, then sends the notice again.
      await loadDirectory(stack.db, [{ kind: 'agency-hr', ref: agency, displayName: `${agency} Human Resources`, email: address }]);
      await page
        .locator(`[data-notice="${noticeId}"]`)
        .getByRole('button', { name: /^Send again/ })
        .click();
      await page.locator(`[data-notice="${noticeId}"]`).getByRole('status').waitFor();
      await expect
        .poll(() => delivery.getByRole('listitem').filter({ hasText: 'Agency HR' }).textContent())
        .toMatch(new RegExp(`^Agency HR \\(${agency}\\): Delivered — `));
      expect(
        await page
          .locator(`[data-notice="${noticeId}"]`)
          .getByText(/^Sent again by hr-0001 on /)
          .count(),
      ).toBe(1);
      await screenshot(page, 'notice-resent');
      expect(await seriousAccessibilityViolations(page, 'notice-resent')).toEqual([]);
    } finally {
      await session.close();
    }
    const copies = <M extends { to: { address: string }[]; subject: string }>(mail: M[]): M[] =>
      mail.filter((m) => m.subject === subject && m.to.some((t) => t.address === address));
    const received = await inbox.waitFor((mail) => copies(mail).length > 0, `the notice at ${address}`);
    expect(copies(received)).toHaveLength(1);
    // The e-mail links back to the program's page in the web UI.
    const [mail] = copies(received);
    expect(mail?.text).toContain(`The program: ${PUBLIC_BASE_URL}/programs/${encodeURIComponent(programId)}`);
    expect(mail?.html).toContain(`href="${PUBLIC_BASE_URL}/programs/${encodeURIComponent(programId)}"`);
  });
});
