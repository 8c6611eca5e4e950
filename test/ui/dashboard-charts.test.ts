/**
 * The dashboard's charts in Debian's Chromium, as HR sees them: reclassifications by month, caps by
 * quarter and overdue milestones by agency and by supervisor (by name), drawn from the API's
 * aggregates; each bar a link, by mouse and by keyboard, to the programs list filtered to what it counts,
 * which lists exactly the programs the bar counts and shows those filters so they can be removed.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths } from '../../domain/dates.js';
import type { DashboardCharts as ServedCharts } from '../../api/dashboard-charts.js';
import type { DashboardCharts, ProgramView } from '../../ui/src/api-types.js';
import { eventually, startApiStack, today, uniqueId, type ApiStack } from '../api/harness.js';
import { enrollmentFixture } from '../integration/harness.js';
import { ensureUiBuilt, expectAccessible, launchChromium, openPage, signIn } from './harness.js';

let stack: ApiStack;
let browser: Browser;
let hrToken: string;
const agency = uniqueId('AG');
const supervisorA = { staffId: uniqueId('sup'), name: 'Imogen Castellanos' };
const supervisorB = { staffId: uniqueId('sup'), name: 'Rafael Okonkwo' };
const programManagerId = uniqueId('pm');
const programs: ProgramView[] = [];

// The UI's type of the answer is the route's schema, no more and no less (checked when compiled).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape: Same<ServedCharts, DashboardCharts> = true;

const monthStart = (date: string): string => `${date.slice(0, 7)}-01`;

beforeAll(async () => {
  await ensureUiBuilt();
  [stack, browser] = await Promise.all([startApiStack(), launchChromium()]);
  await stack.addStaff(supervisorA, supervisorB, programManagerId);
  hrToken = await stack.token('hr-0001', 'hr');
  // Seven months in: m1 overdue. Ten months in: m1 and m2 overdue. Four months in: none overdue.
  const enrollments = [
    enrollmentFixture(addMonths(today(), -7), { agency, supervisorId: supervisorA.staffId, programManagerId }),
    enrollmentFixture(addMonths(today(), -10), { agency, supervisorId: supervisorB.staffId, programManagerId }),
    enrollmentFixture(addMonths(today(), -4), { agency, supervisorId: supervisorA.staffId, programManagerId }),
  ];
  for (const body of enrollments) {
    const created = await stack.call('POST', '/v1/programs', { token: hrToken, body });
    expect(created.status).toBe(201);
  }
  const listed = await eventually(
    () => stack.call('GET', `/v1/programs?agency=${agency}&limit=10`, { token: hrToken }),
    (r) => {
      const items = (r.body as { items: ProgramView[] }).items;
      return items.length === 3 && items.reduce((n, p) => n + p.milestones.filter((m) => m.status === 'overdue').length, 0) === 3;
    },
    'three programs with three overdue milestones in the read model',
  );
  programs.push(...(listed.body as { items: ProgramView[] }).items);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const searchOf = (url: string): Record<string, string> => Object.fromEntries(new URL(url).searchParams);

/** The program ids the programs page lists, once the list for the current address has arrived. */
async function listedPrograms(page: Page): Promise<string[]> {
  await page.locator('.programs-page[data-state="loaded"]').waitFor();
  return (
    await page.locator('#programs-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-program') ?? ''))
  ).sort();
}
const idsOf = (list: readonly ProgramView[]): string[] => list.map((p) => p.programId).sort();

describe('the dashboard charts', () => {
  it('counts from SQL aggregates: open programs by month and quarter, overdue milestones by agency and by supervisor with names', async () => {
    const answer = await stack.call('GET', `/v1/dashboard/charts?agency=${agency}`, { token: hrToken });
    expect(answer.status).toBe(200);
    expect(sameShape).toBe(true);
    const charts = answer.body as DashboardCharts;
    expect(charts.reclassificationsByMonth).toHaveLength(12);
    expect(charts.reclassificationsByMonth[0]?.from).toBe(monthStart(today()));
    const byMonth = new Map(charts.reclassificationsByMonth.filter((p) => p.active > 0).map((p) => [p.from, p.active]));
    const expected = new Map<string, number>();
    for (const p of programs)
      expected.set(monthStart(p.earliestReclassificationDate), (expected.get(monthStart(p.earliestReclassificationDate)) ?? 0) + 1);
    expect(byMonth).toEqual(expected);
    expect(charts.capsByQuarter.reduce((n, q) => n + q.active, 0)).toBe(3);
    expect(charts.overdueByAgency.items).toEqual([{ key: agency, name: null, overdueMilestones: 3, programs: 2 }]);
    expect(charts.overdueBySupervisor.items).toEqual([
      { key: supervisorB.staffId, name: supervisorB.name, overdueMilestones: 2, programs: 1 },
      { key: supervisorA.staffId, name: supervisorA.name, overdueMilestones: 1, programs: 1 },
    ]);
    // A supervisor sees their own programs only.
    const own = await stack.call('GET', '/v1/dashboard/charts', { token: await stack.token(supervisorA.staffId, 'supervisor') });
    expect((own.body as DashboardCharts).overdueBySupervisor.items.map((i) => i.key)).toEqual([supervisorA.staffId]);
  });

  it('draws each chart with a title and a table, and each bar opens the filtered programs list, by mouse and by keyboard', async () => {
    const session = await openPage(browser);
    try {
      const { page } = session;
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', `/dashboard?agency=${agency}`);
      await page.locator('.dashboard[data-state="ready"]').waitFor();
      const reclassifications = page.getByRole('figure', { name: 'Reclassifications ahead, by month' });
      await reclassifications.locator('svg a').first().waitFor();
      expect(await reclassifications.locator('svg a').count()).toBe(
        new Set(programs.map((p) => monthStart(p.earliestReclassificationDate))).size,
      );
      expect(await reclassifications.locator('table caption').textContent()).toBe('Reclassifications ahead, by month');
      expect(await page.getByRole('figure', { name: 'Three-year caps, by quarter' }).locator('svg a').count()).toBeGreaterThanOrEqual(1);
      const supervisors = page.getByRole('figure', { name: 'Overdue milestones, by supervisor' });
      expect(await supervisors.locator('svg a').evaluateAll((links) => links.map((a) => a.getAttribute('aria-label')))).toEqual([
        `${supervisorB.name} (${supervisorB.staffId}): 2 overdue milestones in 1 program`,
        `${supervisorA.name} (${supervisorA.staffId}): 1 overdue milestone in 1 program`,
      ]);
      // The names are drawn on the axis too, not only read out.
      expect(await supervisors.locator('svg').textContent()).toContain(supervisorB.name);
      // The tables that carry the numbers for screen readers take no room: the page does not scroll sideways.
      const sideways = await page.evaluate(() => {
        const { document, innerWidth } = globalThis as unknown as {
          innerWidth: number;
          document: { documentElement: { scrollWidth: number } };
        };
        return document.documentElement.scrollWidth - innerWidth;
      });
      expect(sideways).toBeLessThanOrEqual(0);
      await expectAccessible(page, 'dashboard-charts');

      // Keyboard: the bars follow the status counts in the tab order, and Enter opens the list.
      await page.locator('.count-ended a').focus();
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const active = (
          globalThis as unknown as {
            document: {
              activeElement: { tagName: string; getAttribute(n: string): string | null; closest(s: string): { id: string } | null } | null;
            };
          }
        ).document.activeElement;
        return { tag: active?.tagName.toLowerCase(), chart: active?.closest('figure')?.id, href: active?.getAttribute('href') };
      });
      expect(focused.tag).toBe('a');
      expect(focused.chart).toBe('chart-reclassifications');
      const earliest = [...programs].sort((a, b) => a.earliestReclassificationDate.localeCompare(b.earliestReclassificationDate))[0]!;
      const from = monthStart(earliest.earliestReclassificationDate);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/programs\?/);
      expect(new URL(page.url()).pathname).toBe('/programs');
      expect(searchOf(page.url())).toEqual({
        status: 'active',
        agency,
        reclassifiesFrom: from,
        reclassifiesBefore: monthStart(addMonths(from, 1)),
        sort: 'earliestReclassificationDate',
      });
      // The list holds exactly the programs the bar counts, and shows the month as a filter.
      expect(await listedPrograms(page)).toEqual(idsOf(programs.filter((p) => monthStart(p.earliestReclassificationDate) === from)));
      expect(await page.getByLabel('Reclassifies from').inputValue()).toBe(from);
      expect(await page.getByLabel('Reclassifies before').inputValue()).toBe(monthStart(addMonths(from, 1)));
      await expectAccessible(page, 'programs-from-month-bar');

      // Mouse: the agency's bar lists its active programs with an overdue milestone.
      await page.goBack();
      await page.locator('.dashboard[data-state="ready"]').waitFor();
      await page
        .getByRole('figure', { name: 'Overdue milestones, by agency' })
        .getByRole('link', { name: `${agency}: 3 overdue milestones in 2 programs` })
        .click();
      await page.waitForURL(/\/programs\?/);
      expect(searchOf(page.url())).toEqual({ status: 'active', agency, overdue: 'true', sort: 'latestCompletionDate' });

      await page.goBack();
      await page.locator('.dashboard[data-state="ready"]').waitFor();
      await supervisors.getByRole('link', { name: new RegExp(`^${supervisorA.name}`) }).click();
      await page.waitForURL(/\/programs\?/);
      expect(searchOf(page.url())).toEqual({
        status: 'active',
        agency,
        supervisor: supervisorA.staffId,
        overdue: 'true',
        sort: 'latestCompletionDate',
      });
      // Supervisor A's one program with an overdue milestone (the seven-month one), not the four-month one.
      const overdueOfA = programs.filter((p) => p.supervisorId === supervisorA.staffId && p.milestones.some((m) => m.status === 'overdue'));
      expect(overdueOfA).toHaveLength(1);
      expect(await listedPrograms(page)).toEqual(idsOf(overdueOfA));
      const supervisorFilter = page.getByRole('group', { name: 'Supervisor' });
      await supervisorFilter.getByText(`${supervisorA.name} (${supervisorA.staffId})`).waitFor();
      expect(await page.getByLabel('Overdue milestones only').isChecked()).toBe(true);
      await expectAccessible(page, 'programs-from-supervisor-bar');
      // The export is the same list: the supervisor and overdue filters apply to it too.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Export CSV/ }).click()]);
      const rows = parse(await readFile(await download.path(), 'utf8'), { columns: true }) as Record<string, string>[];
      expect(rows.map((r) => r.programId)).toEqual(idsOf(overdueOfA));

      // Each filter can be removed: the supervisor at once, the overdue box with Search.
      await supervisorFilter.getByRole('button', { name: 'Remove the supervisor filter' }).click();
      await page.waitForURL((url) => !url.searchParams.has('supervisor'));
      expect(await listedPrograms(page)).toEqual(idsOf(programs.filter((p) => p.milestones.some((m) => m.status === 'overdue'))));
      await page.getByLabel('Overdue milestones only').uncheck();
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL((url) => !url.searchParams.has('overdue'));
      expect(await listedPrograms(page)).toEqual(idsOf(programs));
    } finally {
      await session.close();
    }
  });
});
