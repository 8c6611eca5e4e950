/**
 * Two people editing one program (shared/API.md 1.1): the web UI sends the version of the program on
 * screen (If-Match) and an Idempotency-Key with every command, so the second person to act on a page
 * opened before the first one's change sees a clear "changed since you opened it" message, and
 * nothing of theirs is applied over the change they have not seen. Chromium, against the real stack.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths } from '../../domain/dates.js';
import { enrollmentFixture } from '../integration/harness.js';
import { eventually, startApiStack, today, uniqueId, type ApiStack } from '../api/harness.js';
import { ensureUiBuilt, launchChromium, openPage, signIn } from './harness.js';

let stack: ApiStack;
let browser: Browser;

beforeAll(async () => {
  await ensureUiBuilt();
  [stack, browser] = await Promise.all([startApiStack(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('a program changed by someone else after the page was opened', () => {
  it('refuses the command with “changed since you opened it”, and records nothing', async () => {
    const hr = await stack.token('hr-0001', 'hr');
    const supervisorId = uniqueId('sup');
    const programManagerId = uniqueId('pm');
    await stack.addStaff(supervisorId, programManagerId);
    const body = enrollmentFixture(addMonths(today(), -4), { supervisorId, programManagerId, agency: uniqueId('AG') });
    const created = await stack.call('POST', '/v1/programs', { token: hr, body });
    const { programId, version } = created.body as { programId: string; version: number };
    await eventually(
      () => stack.call('GET', `/v1/programs/${programId}`, { token: hr }),
      (r) => (r.body as { version?: number }).version === version,
      'the read model',
    );

    const session = await openPage(browser);
    try {
      const { page } = session;
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', `/programs/${programId}`);
      await page.getByRole('button', { name: 'Record leave', exact: true }).click();
      const leave = page.getByRole('form', { name: 'Record leave' });
      await leave.waitFor();

      // Meanwhile the supervisor signs off a milestone: the program moves on to another version.
      const signed = await stack.call('POST', `/v1/programs/${programId}/milestones/m1/sign-off`, {
        token: await stack.token(supervisorId, 'supervisor'),
        body: { signedOn: today() },
      });
      expect(signed.status).toBe(200);

      await leave.getByLabel('First day').fill(addDays(today(), -20));
      await leave.getByLabel('Last day').fill(addDays(today(), -10));
      await leave.getByLabel('Kind of leave').selectOption('unpaid');
      await leave.getByRole('button', { name: 'Record the leave' }).click();
      await expect.poll(() => leave.textContent()).toContain('This program changed since you opened it — reload to see the change.');

      const now = await stack.programs.show(programId);
      expect(now.version).toBe((signed.body as { version: number }).version);
      const { rows } = await stack.db.query<{ type: string }>('SELECT type FROM program_events WHERE program_id = $1', [programId]);
      expect(rows.map((r) => r.type)).not.toContain('leave-recorded');

      // After a reload the page shows the sign-off, and the same leave goes through.
      await page.reload();
      await page.getByRole('button', { name: 'Record leave', exact: true }).click();
      await leave.waitFor();
      await leave.getByLabel('First day').fill(addDays(today(), -20));
      await leave.getByLabel('Last day').fill(addDays(today(), -10));
      await leave.getByLabel('Kind of leave').selectOption('unpaid');
      await leave.getByRole('button', { name: 'Record the leave' }).click();
      await expect.poll(() => page.locator('#program-message').textContent()).toContain('The first anniversary moves to');
    } finally {
      await session.close();
    }
  });
});
