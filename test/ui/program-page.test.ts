/**
 * The program page as a page, in Debian's Chromium: what the program is comes first (checklist,
 * timeline), the commands wait behind buttons and open one form at a time, and printing it (the
 * browser's own PDF) gives the program without the navigation, the buttons or the forms.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths } from '../../domain/dates.js';
import { startApiStack, today, uniqueId, type ApiStack } from '../api/harness.js';
import { enrollmentFixture } from '../integration/harness.js';
import { pdfText } from '../notices/pdf-text.js';
import { artifactsDir, ensureUiBuilt, expectAccessible, focusedElement, launchChromium, openPage, signIn } from './harness.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

let stack: ApiStack;
let browser: Browser;
let programId: string;
let traineeLabel: string;

beforeAll(async () => {
  await ensureUiBuilt();
  [stack, browser] = await Promise.all([startApiStack(), launchChromium()]);
  const supervisorId = uniqueId('sup');
  await stack.addStaff({ staffId: supervisorId, name: 'Imogen Castellanos' });
  const body = enrollmentFixture(addMonths(today(), -4), {
    agency: uniqueId('AG'),
    supervisorId,
    trainee: { employeeId: uniqueId('E'), name: 'Nadia Oyelaran', email: 'nadia.oyelaran@example.gov' },
  });
  const created = await stack.call('POST', '/v1/programs', { token: await stack.token('hr-0001', 'hr'), body });
  expect(created.status).toBe(201);
  programId = (created.body as { programId: string }).programId;
  traineeLabel = `${body.trainee.name} (${body.trainee.employeeId})`;
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** The h2 headings of the page, in reading order. */
const sections = (page: Page): Promise<string[]> => page.locator('main h2').allTextContents();

describe('the program page', () => {
  it('shows HR the checklist and timeline first, and each command behind its button, one form open at a time', async () => {
    const session = await openPage(browser);
    try {
      const { page } = session;
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', `/programs/${programId}`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(`Program of ${traineeLabel}`);
      const order = await sections(page);
      expect(order.slice(0, 3)).toEqual(['Reclassification checklist', 'Timeline', 'Actions']);
      expect(await page.locator('main form').count()).toBe(0);
      const buttons = page.locator('.action-bar button');
      expect(await buttons.allTextContents()).toEqual(['Record leave', 'Transfer', 'End the program']);
      expect(await buttons.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('aria-expanded')))).toEqual(['false', 'false', 'false']);
      await expectAccessible(page, 'program-page-closed');

      await page.getByRole('button', { name: 'Transfer', exact: true }).click();
      await page.getByRole('form', { name: 'Transfer the trainee' }).waitFor();
      await expect.poll(() => focusedElement(page)).toBe('f-transfer-effectiveOn');
      expect(await page.locator('.action-bar').getByRole('button', { name: 'Transfer', exact: true }).getAttribute('aria-expanded')).toBe(
        'true',
      );
      await expectAccessible(page, 'program-page-transfer-open');

      // Another command closes the first form: never two at once.
      await page.locator('.action-bar').getByRole('button', { name: 'End the program', exact: true }).click();
      await page.getByRole('form', { name: 'End the program' }).waitFor();
      expect(await page.locator('main form').count()).toBe(1);
      expect(await page.getByRole('form', { name: 'Transfer the trainee' }).count()).toBe(0);

      // Closing gives the focus back to the button that opened it.
      await page.getByRole('button', { name: 'Close end the program' }).click();
      await expect.poll(() => page.locator('main form').count()).toBe(0);
      await expect
        .poll(() =>
          page.evaluate(
            () =>
              (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement
                ?.textContent,
          ),
        )
        .toBe('End the program');
    } finally {
      await session.close();
    }
  });

  it('draws the timeline with today, the minimum, the cap and each milestone, labels apart and inside the drawing, every mark a link to its row', async () => {
    const session = await openPage(browser);
    try {
      const { page } = session;
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', `/programs/${programId}`);
      const timeline = page.locator('svg#program-timeline');
      await timeline.waitFor();
      const marks = await timeline.locator('a.mark').evaluateAll((links) =>
        links.map((a) => ({
          kind: a.getAttribute('data-kind'),
          milestone: a.getAttribute('data-milestone'),
          label: a.getAttribute('aria-label'),
          href: a.getAttribute('href'),
        })),
      );
      const kinds = marks.map((m) => m.kind);
      for (const kind of ['today', 'first-anniversary', 'cap']) expect(kinds, kind).toContain(kind);
      expect(marks.filter((m) => m.milestone).map((m) => [m.milestone, m.href])).toEqual([
        ['m1', '#milestone-m1'],
        ['m2', '#milestone-m2'],
        ['m3', '#milestone-m3'],
      ]);
      for (const mark of marks) expect(mark.label, `${mark.kind} is read out`).toBeTruthy();

      // m3 falls on the first anniversary: their labels take different rows. No two labels overlap,
      // and every label and year on the axis lies inside the drawing.
      const boxes = await timeline.evaluate((svg) => {
        const frame = svg.getBoundingClientRect();
        type Boxed = { getBoundingClientRect(): { left: number; right: number; top: number; bottom: number }; textContent: string | null };
        const all = (selector: string): Boxed[] => Array.from(svg.querySelectorAll(selector) as unknown as ArrayLike<Boxed>);
        const box = (e: Boxed) => {
          const r = e.getBoundingClientRect();
          return {
            text: e.textContent ?? '',
            left: r.left - frame.left,
            right: r.right - frame.left,
            top: r.top - frame.top,
            bottom: r.bottom - frame.top,
          };
        };
        return {
          width: frame.width,
          height: frame.height,
          labels: all('a.mark-label text').map(box),
          years: all('[data-mark="x-axis tick label"] text').map(box),
        };
      });
      expect(boxes.labels.map((l) => l.text)).toEqual(expect.arrayContaining(['Today', 'Minimum', 'Cap', 'm1', 'm2', 'm3']));
      expect(boxes.years.length).toBeGreaterThanOrEqual(2);
      for (const item of [...boxes.labels, ...boxes.years]) {
        expect(item.left, `${item.text} starts inside`).toBeGreaterThanOrEqual(0);
        expect(item.right, `${item.text} ends inside`).toBeLessThanOrEqual(boxes.width);
      }
      for (const [i, a] of boxes.labels.entries()) {
        for (const b of boxes.labels.slice(i + 1)) {
          const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
          expect(apart, `${a.text} and ${b.text} do not overlap`).toBe(true);
        }
      }

      // A milestone's mark leads to its row; the minimum to its line in the checklist.
      await timeline.locator('a.mark[data-milestone="m2"]').click();
      await expect.poll(() => focusedElement(page)).toBe('milestone-m2');
      await timeline.locator('a.mark[data-kind="first-anniversary"]').focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => focusedElement(page)).toBe('checklist-minimum-period-served');
      await expectAccessible(page, 'program-timeline');
    } finally {
      await session.close();
    }
  });

  it('gives a one-page summary PDF of the program: people by name, the dates, the checklist and the milestones', async () => {
    const session = await openPage(browser);
    try {
      const { page } = session;
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', `/programs/${programId}`);
      await page.getByRole('button', { name: 'Prepare a one-page summary (PDF)' }).click();
      const link = page.getByRole('link', { name: 'Download the one-page summary (PDF)' });
      await link.waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const path = await download.path();
      const { readFile } = await import('node:fs/promises');
      const { text, pages } = await pdfText(await readFile(path));
      expect(pages).toBe(1);
      for (const fact of [
        `Program summary: ${traineeLabel}`,
        'Imogen Castellanos',
        'Three-year cap',
        'Reclassification checklist',
        'Minimum period of one year served',
        'm1: ',
        'm3: ',
      ]) {
        expect(text, fact).toContain(fact);
      }
      await expectAccessible(page, 'program-summary-ready');
    } finally {
      await session.close();
    }
    // Read under the program's own rules: another supervisor gets the API's 404.
    const stranger = await stack.call('GET', `/v1/programs/${programId}/summary`, {
      token: await stack.token('sup-9999', 'supervisor'),
      headers: { accept: 'application/pdf' },
    });
    expect(stranger.status).toBe(404);
  });

  it('prints the program without the navigation, the buttons or the forms', async () => {
    const session = await openPage(browser);
    try {
      const { page } = session;
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', `/programs/${programId}`);
      await page.locator('#program-timeline').waitFor();
      await page.locator('.event-history, [aria-labelledby="history-title"]').first().waitFor();
      // A form left open is not printed either.
      await page.getByRole('button', { name: 'Record leave', exact: true }).click();
      await page.getByRole('form', { name: 'Record leave' }).waitFor();

      await page.emulateMedia({ media: 'print' });
      const hidden = await page.evaluate(() => {
        const { document } = globalThis as unknown as {
          document: { querySelectorAll(selector: string): ArrayLike<{ getClientRects(): ArrayLike<unknown> }> };
        };
        // Laid out at all: an element inside one that is not displayed has no boxes.
        const shown = (selector: string): number =>
          Array.from(document.querySelectorAll(selector)).filter((e) => e.getClientRects().length > 0).length;
        return {
          nav: shown('nav'),
          banner: shown('.banner'),
          buttons: shown('main button'),
          forms: shown('form'),
          skip: shown('.skip-link'),
        };
      });
      expect(hidden).toEqual({ nav: 0, banner: 0, buttons: 0, forms: 0, skip: 0 });

      const pdf = await page.pdf({ format: 'Letter', printBackground: true });
      await mkdir(artifactsDir, { recursive: true });
      await writeFile(join(artifactsDir, 'program-page.pdf'), pdf);
      const { text, pages } = await pdfText(pdf);
      expect(pages).toBeGreaterThanOrEqual(1);
      expect(text).toContain(`Program of ${traineeLabel}`);
      expect(text).toContain('Reclassification checklist');
      expect(text).toContain('Imogen Castellanos');
      for (const screenOnly of [
        'Prepare a one-page summary',
        'Sign out',
        'Enroll a trainee',
        'Import trainees',
        'Skip to main content',
        'Record leave',
        'Record the leave',
        'End the program',
        'Close record leave',
      ]) {
        expect(text, screenOnly).not.toContain(screenOnly);
      }
    } finally {
      await session.close();
    }
  });
});
