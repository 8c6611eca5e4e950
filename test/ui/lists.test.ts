/**
 * Finding, sorting and exporting programs, and an inbox that scales, in Debian's Chromium against
 * the real stack: HR finds a trainee by part of a name, sorts by earliest reclassification, shares
 * the view by its address and downloads the filtered list and a program's event log as CSV; a
 * supervisor with 150 milestones sees the overdue and due-soon ones first, a page of trainees at a
 * time, and signs off several milestones of one trainee with one confirmation, by keyboard alone.
 * axe-core on every new page state.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths } from '../../domain/dates.js';
import type { EnrollmentInput } from '../../domain/schemas.js';
import { eventually, startApiStack, today, uniqueId, type ApiStack } from '../api/harness.js';
import { enrollmentFixture } from '../integration/harness.js';
import { ensureUiBuilt, expectAccessible, focusedElement, launchChromium, signIn, usePage, type UiSession } from './harness.js';

let stack: ApiStack;
let browser: Browser;
let hrToken: string;

beforeAll(async () => {
  await ensureUiBuilt();
  [stack, browser] = await Promise.all([startApiStack(), launchChromium()]);
  hrToken = await stack.token('hr-0001', 'hr');
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const withPage = (run: (session: UiSession) => Promise<void>): Promise<void> => usePage(browser, run);

/** Enrolls the rows in one import and waits until the read model lists them all. */
async function imported(rows: readonly EnrollmentInput[]): Promise<string[]> {
  const response = await stack.call('POST', '/v1/programs/import', { token: hrToken, body: rows });
  expect(response.status).toBe(200);
  const results = (response.body as { results: { status: string; programId?: string; error?: unknown }[] }).results;
  expect(results.filter((r) => r.status !== 'created')).toEqual([]);
  const ids = results.map((r) => r.programId ?? '');
  const agency = rows[0]?.agency ?? '';
  await eventually(
    () => stack.call('GET', `/v1/programs?agency=${encodeURIComponent(agency)}&limit=200`, { token: hrToken }),
    (r) => (r.body as { items: unknown[] }).items.length >= rows.length,
    'the read model to list the imported programs',
    60_000,
  );
  return ids;
}

async function csvOfDownload(download: Download): Promise<Record<string, string>[]> {
  const path = await download.path();
  return parse(await readFile(path, 'utf8'), { columns: true }) as Record<string, string>[];
}

/** The trainee names in the programs table, top to bottom. */
const shownNames = (page: Page): Promise<string[]> =>
  page.locator('#programs-table tbody tr th a').evaluateAll((links) => links.map((a) => a.textContent ?? ''));

describe('HR finds, sorts and exports programs', () => {
  const agency = uniqueId('LIST');
  const supervisorId = uniqueId('sup');
  const programManagerId = uniqueId('pm');
  // Appointed months apart, so the earliest reclassification order is the appointment order.
  const people = [
    { name: 'Rosalind Achterberg', months: -3 },
    { name: 'Teodoro Bergström', months: -8 },
    { name: 'Priya Achebe-Nolan', months: -1 },
    { name: 'Wendell Okonkwo', months: -5 },
  ];
  let programIds: string[] = [];

  beforeAll(async () => {
    await stack.addStaff(supervisorId, programManagerId);
    programIds = await imported(
      people.map((p, i) =>
        enrollmentFixture(addMonths(today(), p.months), {
          agency,
          supervisorId,
          programManagerId,
          trainee: { employeeId: `E${agency.slice(-6).toUpperCase()}${i}`, name: p.name, email: 'trainee@example.gov' },
        }),
      ),
    );
  });

  it('finds trainees by part of a name, sorts by earliest reclassification, and the address keeps the view', async () => {
    await withPage(async ({ page }) => {
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', '/dashboard');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Programs' }).click();
      await page.waitForURL(/\/programs$/);
      await page.getByLabel('Agency').fill(agency);
      await page.getByLabel('Name or employee id').fill('BERG');
      await page.getByLabel('Name or employee id').press('Enter');
      await page.waitForURL((url) => url.searchParams.get('q') === 'BERG' && url.searchParams.get('agency') === agency);
      await expect.poll(() => shownNames(page)).toHaveLength(2);
      expect((await shownNames(page)).sort()).toEqual(['Rosalind Achterberg', 'Teodoro Bergström']);
      await expectAccessible(page, 'programs-found');

      // Every program of the agency, then sorted by earliest reclassification (a header's button).
      await page.getByLabel('Name or employee id').fill('');
      await page.getByRole('button', { name: 'Search' }).click();
      await expect.poll(() => shownNames(page)).toHaveLength(4);
      const header = page.getByRole('columnheader', { name: /Earliest reclassification/ });
      expect(await header.getAttribute('aria-sort')).toBe('none');
      await header.getByRole('button').click();
      await page.waitForURL((url) => url.searchParams.get('sort') === 'earliestReclassificationDate');
      await expect.poll(() => header.getAttribute('aria-sort')).toBe('ascending');
      await expect
        .poll(() => shownNames(page))
        .toEqual(['Teodoro Bergström', 'Wendell Okonkwo', 'Rosalind Achterberg', 'Priya Achebe-Nolan']);
      // The keyboard stays on the header it used; Enter again sorts descending.
      await expect
        .poll(() =>
          page.evaluate(
            () =>
              (
                globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }
              ).document.activeElement?.getAttribute('data-sort-field') ?? null,
          ),
        )
        .toBe('earliestReclassificationDate');
      await page.keyboard.press('Enter');
      await expect.poll(() => header.getAttribute('aria-sort')).toBe('descending');
      await expect
        .poll(() => shownNames(page))
        .toEqual(['Priya Achebe-Nolan', 'Rosalind Achterberg', 'Wendell Okonkwo', 'Teodoro Bergström']);
      expect(new URL(page.url()).searchParams.get('sort')).toBe('-earliestReclassificationDate');
      await expectAccessible(page, 'programs-sorted');
    });

    // The address is the view: opened afresh (a bookmark, a link from a chart), it shows the same.
    await withPage(async ({ page }) => {
      const shared = `/programs?agency=${encodeURIComponent(agency)}&q=berg&sort=-trainee.name`;
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', shared);
      await expect.poll(() => shownNames(page)).toEqual(['Teodoro Bergström', 'Rosalind Achterberg']);
      expect(await page.getByLabel('Name or employee id').inputValue()).toBe('berg');
      expect(await page.getByLabel('Agency').inputValue()).toBe(agency);
      expect(await page.getByRole('columnheader', { name: /Trainee/ }).getAttribute('aria-sort')).toBe('descending');
    });
  });

  it('filters by reclassifies-before and downloads exactly the filtered list as CSV', async () => {
    const program = async (id: string) =>
      (await stack.call('GET', `/v1/programs/${id}`, { token: hrToken })).body as {
        earliestReclassificationDate: string;
        trainee: { name: string };
      };
    const dates = (await Promise.all(programIds.map(program))).sort((a, b) =>
      a.earliestReclassificationDate < b.earliestReclassificationDate ? -1 : 1,
    );
    const cut = dates[2]?.earliestReclassificationDate ?? '';
    await withPage(async ({ page }) => {
      await signIn(
        page,
        stack.baseUrl,
        'hr-0001',
        'hr',
        `/programs?agency=${encodeURIComponent(agency)}&sort=earliestReclassificationDate`,
      );
      await expect.poll(() => shownNames(page)).toHaveLength(4);
      await page.getByLabel('Reclassifies before').fill(cut);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL((url) => url.searchParams.get('reclassifiesBefore') === cut);
      await expect.poll(() => shownNames(page)).toEqual(dates.slice(0, 2).map((d) => d.trainee.name));
      await expectAccessible(page, 'programs-reclassifies-before');

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Export CSV/ }).click()]);
      expect(download.suggestedFilename()).toBe('programs.csv');
      const rows = await csvOfDownload(download);
      expect(rows.map((r) => r.traineeName)).toEqual(await shownNames(page));
      expect(rows.every((r) => r.agency === agency && (r.earliestReclassificationDate ?? '') < cut)).toBe(true);
      expect(Object.keys(rows[0] ?? {})).toEqual(
        expect.arrayContaining([
          'programId',
          'employeeId',
          'traineeName',
          'status',
          'earliestReclassificationDate',
          'latestCompletionDate',
        ]),
      );

      // The program page offers its event log as CSV.
      await page.getByRole('link', { name: dates[0]?.trainee.name ?? '' }).click();
      await page.waitForURL(/\/programs\/p-/);
      const [events] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download the event log (CSV)' }).click(),
      ]);
      expect(events.suggestedFilename()).toMatch(/^events-p-.*\.csv$/);
      const log = await csvOfDownload(events);
      expect(log[0]).toMatchObject({ version: '1', type: 'enrolled', actorRole: 'hr' });
      expect(log.map((e) => Number(e.version))).toEqual(log.map((_, i) => i + 1));
    });
  });
});

/**
 * Enrollments for one supervisor whose milestones are, per trainee: one overdue, two due within
 * 30 days, three later; trainee i's overdue one i days after the first trainee's.
 */
function inboxEnrollments(count: number, staff: { supervisorId: string; programManagerId: string; agency: string }): EnrollmentInput[] {
  const appointed = addMonths(today(), -5);
  return Array.from({ length: count }, (_, i) =>
    enrollmentFixture(appointed, {
      ...staff,
      trainee: {
        employeeId: `E${staff.agency.slice(-6).toUpperCase()}${String(i).padStart(2, '0')}`,
        name: `Trainee ${String(i).padStart(2, '0')} Inbox`,
        email: 'trainee@example.gov',
      },
      schedule: {
        dasApprovalRef: 'DAS-2026-0142',
        approvedOn: addDays(appointed, -14),
        plannedEndDate: addMonths(appointed, 18),
        milestones: [
          { id: 'm1', title: 'Orientation review', dueDate: addDays(today(), -40 + i) },
          { id: 'm2', title: 'Contract administration rotation', dueDate: addDays(today(), 5 + (i % 10)) },
          { id: 'm3', title: 'Grievance casework', dueDate: addDays(today(), 20) },
          { id: 'm4', title: 'Arbitration preparation', dueDate: addDays(today(), 90) },
          { id: 'm5', title: 'Independent agency assignment', dueDate: addDays(today(), 180) },
          { id: 'm6', title: 'Final presentation', dueDate: addDays(today(), 300) },
        ],
      },
    }),
  );
}

describe('a supervisor’s inbox', () => {
  it('of 150 milestones shows the overdue and due-soon ones first, by trainee, with counts, and pages the rest', async () => {
    const staff = { supervisorId: uniqueId('sup'), programManagerId: uniqueId('pm'), agency: uniqueId('INB') };
    await stack.addStaff(staff.supervisorId, staff.programManagerId);
    const programIds = await imported(inboxEnrollments(25, staff));
    await withPage(async ({ page }) => {
      await signIn(page, stack.baseUrl, staff.supervisorId, 'supervisor', '/inbox');
      await expect
        .poll(() => page.locator('#inbox-counts').textContent())
        .toBe(
          '25 milestones overdue (25 trainees), 50 milestones due in the next 30 days (25 trainees), 75 milestones due later (25 trainees).',
        );
      const groups = page.locator('.inbox-group');
      // A page of 20 trainees, the most urgent first, only overdue and due-soon milestones.
      await expect.poll(() => groups.count()).toBe(20);
      expect(await groups.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-program')))).toEqual(programIds.slice(0, 20));
      const sections = await page.locator('.inbox-item').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-section')));
      expect(sections).toHaveLength(60);
      expect(new Set(sections)).toEqual(new Set(['overdue', 'due-soon']));
      expect(
        await groups
          .first()
          .locator('.inbox-item')
          .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-milestone'))),
      ).toEqual(['m1', 'm2', 'm3']);
      expect(await groups.first().locator('h3').textContent()).toContain('Trainee 00 Inbox');
      expect(await page.getByRole('radio', { name: /Overdue and due in the next 30 days/ }).isChecked()).toBe(true);
      await expectAccessible(page, 'inbox-150-first-view');

      await page.getByRole('button', { name: 'Show more trainees' }).click();
      await expect.poll(() => groups.count()).toBe(25);
      expect(await page.getByRole('button', { name: 'Show more trainees' }).count()).toBe(0);

      // The rest behind the filter, in the address.
      await page.getByRole('radio', { name: /Due later/ }).check();
      await page.waitForURL(/\/inbox\?show=later$/);
      await expect
        .poll(
          async () => new Set(await page.locator('.inbox-item').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-section')))),
        )
        .toEqual(new Set(['later']));
      await expect.poll(() => groups.count()).toBe(20);
      expect(
        await groups
          .first()
          .locator('.inbox-item')
          .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-milestone'))),
      ).toEqual(['m4', 'm5', 'm6']);
      await expectAccessible(page, 'inbox-150-later');
    });
  });

  it('signs off several milestones of one trainee with one confirmation, by keyboard alone, and shows each result', async () => {
    const staff = { supervisorId: uniqueId('sup'), programManagerId: uniqueId('pm'), agency: uniqueId('BLK') };
    await stack.addStaff(staff.supervisorId, staff.programManagerId);
    const [first, second] = await imported(inboxEnrollments(2, staff));
    await withPage(async ({ page }) => {
      await signIn(page, stack.baseUrl, staff.supervisorId, 'supervisor', '/inbox');
      const group = page.locator(`.inbox-group[data-program="${first}"]`);
      await group.locator('.inbox-item').first().waitFor();

      /** Presses Tab until `isTarget` holds for the focused element (a person tabbing through the page). */
      const tabUntil = async (what: string, isTarget: (focused: { id: string; text: string; tag: string }) => boolean): Promise<void> => {
        const focused = () =>
          page.evaluate(() => {
            const active = (
              globalThis as unknown as { document: { activeElement: { id: string; textContent: string | null; tagName: string } | null } }
            ).document.activeElement;
            return { id: active?.id ?? '', text: active?.textContent ?? '', tag: active?.tagName ?? '' };
          });
        for (let presses = 0; presses < 80 && !isTarget(await focused()); presses++) await page.keyboard.press('Tab');
        expect(isTarget(await focused()), `focus on ${what}`).toBe(true);
      };
      await tabUntil('m1', (f) => f.id === `select-${first}-m1`);
      await page.keyboard.press('Space');
      await tabUntil('m2', (f) => f.id === `select-${first}-m2`);
      await page.keyboard.press('Space');
      await tabUntil('the bulk button', (f) => f.tag === 'BUTTON' && f.text.startsWith('Sign off the selected milestones (2)'));
      await page.keyboard.press('Enter');
      const form = page.getByRole('form', { name: /Sign off 2 milestones of Trainee 00 Inbox/ });
      await form.waitFor();
      await expect.poll(() => focusedElement(page)).toBe(`bulk-${first}-title`);
      expect(await form.textContent()).toContain('m1: Orientation review');
      expect(await form.textContent()).toContain('m2: Contract administration rotation');
      expect(await form.getByLabel('Signed on').inputValue()).toBe(today());
      await expectAccessible(page, 'inbox-bulk-confirm');
      await tabUntil('the comments', (f) => f.tag === 'TEXTAREA');
      await page.keyboard.type('Reviewed together at the quarterly check-in.');
      await tabUntil('the confirmation', (f) => f.tag === 'BUTTON' && f.text.startsWith('Confirm'));
      await page.keyboard.press('Enter');

      const results = page.locator('#bulk-results');
      await results.waitFor();
      await expect.poll(() => focusedElement(page)).toBe('bulk-results');
      expect(await results.locator('p').textContent()).toContain('2 of 2 milestones of Trainee 00 Inbox');
      expect(
        await results.locator('li').evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-milestone')}: ${n.className}`)),
      ).toEqual(['m1: result-ok', 'm2: result-ok']);
      await expect
        .poll(() => group.locator('.inbox-item').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-milestone'))))
        .toEqual(['m3']);
      // The other trainee is untouched.
      expect(await page.locator(`.inbox-group[data-program="${second}"] .inbox-item`).count()).toBe(3);
      await expectAccessible(page, 'inbox-bulk-results');
    });

    // Each milestone signed off once, by its own command, with the comment.
    const events = (await stack.call('GET', `/v1/programs/${first}/events`, { token: hrToken })).body as {
      items: { type: string; data: { milestoneId?: string; comments?: string } }[];
    };
    const signOffs = events.items.filter((e) => e.type === 'milestone-signed-off');
    expect(signOffs.map((e) => e.data.milestoneId).sort()).toEqual(['m1', 'm2']);
    expect(signOffs.every((e) => e.data.comments === 'Reviewed together at the quarterly check-in.')).toBe(true);
  });
});
