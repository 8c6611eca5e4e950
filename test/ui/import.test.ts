/**
 * The bulk import HR can trust, in Debian's Chromium: the template to start from, the dry run that
 * shows what each row would do before anything is created, progress while a long file is enrolled,
 * results by trainee with a "problems only" view, and the file of rejected rows that, once fixed,
 * imports cleanly. Against the whole stack of the API tests (test/api/harness.ts).
 */
import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths } from '../../domain/dates.js';
import type { EnrollmentInput } from '../../domain/schemas.js';
import { eventually, startApiStack, today, uniqueId, type ApiStack } from '../api/harness.js';
import { enrollmentFixture } from '../integration/harness.js';
import { ensureUiBuilt, expectAccessible, launchChromium, openPage, signIn } from './harness.js';
import { IMPORT_CSV_COLUMNS } from '../fixtures/import-csv.js';

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

function cellsOf(r: EnrollmentInput): string[] {
  return [
    r.trainee.employeeId,
    r.trainee.name,
    r.trainee.email,
    r.agency,
    r.functionalRole,
    r.targetClassCode,
    r.supervisorId,
    r.programManagerId,
    r.appointmentDate,
    String(r.hoursPerWeek),
    r.schedule.dasApprovalRef,
    r.schedule.approvedOn,
    r.schedule.plannedEndDate,
    r.schedule.milestones.map((m) => `${m.id}|${m.title}|${m.dueDate}`).join(';'),
    String(r.priorExperience.generalYears),
    String(r.priorExperience.specialYears),
    String(r.education.semesterHours),
    r.education.degrees.join(';'),
  ];
}

const quote = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const csvText = (header: readonly string[], rows: readonly (readonly string[])[]): string =>
  [header, ...rows].map((cells) => cells.map(quote).join(',')).join('\n');

/** Saves what clicking `link` downloads and answers its text. */
async function downloaded(page: Page, link: Locator): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: await readFile(path, 'utf8') };
}

async function checkFile(page: Page, name: string, text: string): Promise<void> {
  await page.getByLabel('File').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await page.getByRole('button', { name: 'Check the file' }).click();
}

describe('HR importing a file', () => {
  it('starts from a template that names every column and checks clean as it is', async () => {
    const session = await openPage(browser);
    const { page } = session;
    try {
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', '/import');
      const template = await downloaded(page, page.getByRole('link', { name: 'CSV template' }));
      expect(template.name).toBe('import-template.csv');
      const [header, example, ...rest] = parseCsv(template.text) as string[][];
      expect(header).toEqual(expect.arrayContaining([...IMPORT_CSV_COLUMNS]));
      expect(header).toContain('priorRecords.signOffs');
      expect(example).toHaveLength(header?.length ?? 0);
      expect(rest).toEqual([]);

      await checkFile(page, 'import-template.csv', template.text);
      await expect
        .poll(() => page.locator('#import-preview-summary').textContent())
        .toBe('1 row: 1 trainee ready to enroll. Nothing has been enrolled yet.');
      expect(await page.getByRole('region', { name: 'What each row would do' }).locator('tbody tr').allTextContents()).toEqual([
        expect.stringMatching(/^1Jordan Example \(E1234567\)Enroll/),
      ]);
    } finally {
      await session.close();
    }
  });

  it('previews 200 rows, enrolls the 195 good ones with progress, and the fixed file of the 5 rejected rows imports cleanly', async () => {
    const staff = { supervisorId: uniqueId('sup'), programManagerId: uniqueId('pm'), agency: uniqueId('AG') };
    await stack.addStaff(staff.supervisorId, staff.programManagerId);
    const hrToken = await stack.token('hr-0001', 'hr');
    const rows = Array.from({ length: 200 }, (_, i) => {
      const enrollment = enrollmentFixture(addMonths(today(), -(i % 6)), staff);
      return { ...enrollment, trainee: { ...enrollment.trainee, name: `Trainee ${String(i + 1).padStart(3, '0')} Import` } };
    });
    const cells = rows.map(cellsOf);
    // Five rows, each breaking one rule of its own, spread through the file.
    const column = (name: string): number => IMPORT_CSV_COLUMNS.indexOf(name);
    const broken: Record<number, [string, string]> = {
      7: ['trainee.email', 'not-an-address'],
      48: ['supervisorId', 'sup-nobody'],
      99: ['schedule.plannedEndDate', addMonths(rows[99]!.appointmentDate, 40)],
      150: ['hoursPerWeek', 'forty'],
      199: ['targetClassCode', 'NOPE'],
    };
    for (const [index, [name, value]] of Object.entries(broken)) cells[Number(index)]![column(name)] = value;

    const session = await openPage(browser);
    const { page } = session;
    try {
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', '/import');
      await checkFile(page, 'trainees.csv', csvText(IMPORT_CSV_COLUMNS, cells));

      // The dry run: every row by trainee, the broken ones by field, nothing created.
      await expect
        .poll(() => page.locator('#import-preview-summary').textContent(), { timeout: 60_000 })
        .toBe('200 rows: 195 trainees ready to enroll, 5 rows to fix. Nothing has been enrolled yet.');
      const preview = page.getByRole('region', { name: 'What each row would do' });
      expect(await preview.locator('tbody tr').count()).toBe(200);
      expect(await preview.locator('tbody tr').first().textContent()).toMatch(/^1Trainee 001 Import \(E[0-9a-f]{8}\)Enroll/);
      await page.getByLabel('Show only rows with problems').check();
      const toFix = await preview.locator('tbody tr').allTextContents();
      expect(toFix).toEqual([
        expect.stringMatching(/^8Trainee 008 Import.*Fix first.*trainee\.email: /),
        expect.stringMatching(/^49Trainee 049 Import.*Fix first.*supervisorId: The supervisor is not in the staff directory/),
        expect.stringMatching(/^100Trainee 100 Import.*Fix first.*schedule\.plannedEndDate: /),
        expect.stringMatching(/^151Trainee 151 Import.*Fix first.*hoursPerWeek: /),
        expect.stringMatching(/^200Trainee 200 Import.*Fix first.*targetClassCode: /),
      ]);
      await expectAccessible(page, 'import-preview');
      // Before anything is sent, the file of rows to fix holds the five the check found, not the 195 ready rows.
      const early = await downloaded(page, page.getByRole('link', { name: 'Download the 5 rows to fix (CSV)' }));
      const [, ...earlyRows] = parseCsv(early.text) as string[][];
      expect(earlyRows.map((r) => r[column('trainee.name')])).toEqual([
        'Trainee 008 Import',
        'Trainee 049 Import',
        'Trainee 100 Import',
        'Trainee 151 Import',
        'Trainee 200 Import',
      ]);
      const before = await stack.call('GET', `/v1/programs?agency=${staff.agency}`, { token: hrToken });
      expect((before.body as { items: unknown[] }).items).toEqual([]);

      // Enrolling: the second request waits until the test has seen the first one's progress.
      let releaseSecond: () => void = () => undefined;
      const secondMayGo = new Promise<void>((resolve) => (releaseSecond = resolve));
      let requests = 0;
      await page.route('**/v1/programs/import', async (route) => {
        requests += 1;
        if (requests === 2) await secondMayGo;
        await route.continue();
      });
      await page.getByRole('button', { name: 'Enroll 195 trainees' }).click();
      await expect
        .poll(() => page.locator('#import-progress-text').textContent(), { timeout: 120_000 })
        .toBe('20 of 195 rows sent: 20 enrolled.');
      expect(await page.getByRole('progressbar', { name: 'Rows enrolled so far' }).getAttribute('value')).toBe('20');
      await expectAccessible(page, 'import-progress');
      releaseSecond();

      await expect
        .poll(() => page.locator('#import-summary').textContent(), { timeout: 600_000 })
        .toBe('200 rows: 195 enrolled, 5 to fix.');
      expect(requests).toBe(10);
      const results = page.getByRole('region', { name: 'Result per row' });
      await page.getByLabel('Show only rows with problems').uncheck();
      expect(await results.locator('tbody tr').count()).toBe(200);
      expect(await results.locator('tbody tr').first().textContent()).toMatch(/^1Trainee 001 Import \(E[0-9a-f]{8}\)EnrolledOpen program/);
      await page.getByLabel('Show only rows with problems').check();
      expect(await results.locator('tbody tr th').allTextContents()).toEqual(['8', '49', '100', '151', '200']);
      await expectAccessible(page, 'import-results-problems');

      // The rejected rows in the import's own format, the reason in a column of its own.
      const rejects = await downloaded(page, page.getByRole('link', { name: 'Download the 5 rows to fix (CSV)' }));
      const [header, ...rejected] = parseCsv(rejects.text) as string[][];
      expect(header).toEqual([...IMPORT_CSV_COLUMNS, 'reason']);
      expect(rejected.map((r) => r[column('trainee.name')])).toEqual([
        'Trainee 008 Import',
        'Trainee 049 Import',
        'Trainee 100 Import',
        'Trainee 151 Import',
        'Trainee 200 Import',
      ]);
      expect(rejected.map((r) => r.at(-1))).toEqual([
        expect.stringMatching(/^trainee\.email: /),
        expect.stringMatching(/^supervisorId: /),
        expect.stringMatching(/^schedule\.plannedEndDate: /),
        expect.stringMatching(/^hoursPerWeek: /),
        expect.stringMatching(/^targetClassCode: /),
      ]);

      // HR fixes the five fields in the downloaded file and uploads it, reason column and all.
      const fixes: Record<string, (row: string[]) => string> = {
        'trainee.email': () => 'fixed.address@example.gov',
        supervisorId: () => staff.supervisorId,
        'schedule.plannedEndDate': (row) => addMonths(row[column('appointmentDate')]!, 18),
        hoursPerWeek: () => '40',
        targetClassCode: () => '5257MP',
      };
      const fixed = rejected.map((row) => {
        const field = row.at(-1)!.split(':')[0]!;
        const copy = [...row];
        copy[column(field)] = fixes[field]!(row);
        return copy;
      });
      await page.unroute('**/v1/programs/import');
      await checkFile(page, 'rows-to-fix.csv', csvText(header!, fixed));
      await expect
        .poll(() => page.locator('#import-preview-summary').textContent())
        .toBe('5 rows: 5 trainees ready to enroll. Nothing has been enrolled yet.');
      await page.getByRole('button', { name: 'Enroll 5 trainees' }).click();
      await expect.poll(() => page.locator('#import-summary').textContent(), { timeout: 120_000 }).toBe('5 rows: 5 enrolled.');
    } finally {
      await session.close();
    }

    const listed = await eventually(
      () => stack.call('GET', `/v1/programs?agency=${staff.agency}&limit=200`, { token: hrToken }),
      (r) => (r.body as { items: unknown[] }).items.length >= 200,
      'the 200 imported programs in the list',
      120_000,
    );
    const names = (listed.body as { items: { trainee: { name: string } }[] }).items.map((p) => p.trainee.name);
    expect(new Set(names).size).toBe(200);
  });
});
