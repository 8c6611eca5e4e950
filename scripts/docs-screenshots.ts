/**
 * Screenshots for docs/ (docs/screenshots/*.png, shown in docs/web-ui.md and the README): the
 * dashboard with its charts, a supervisor's inbox, the import page after a file is chosen and sent,
 * and a program page. Self-contained: it starts the stack the browser tests use (Temporal dev
 * server, worker, a PostgreSQL database of its own, the API serving the built UI on an ephemeral
 * port), enrolls demo programs through the API, drives Debian's Chromium (playwright-core) and stops
 * everything it started. Every capture waits for the page's state, never for time.
 *
 *   npm run docs:screenshots            (TEST_DATABASE_URL names the server to create the database on)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { addDays, addMonths } from '../domain/dates.js';
import { startApiStack, today, type ApiStack } from '../test/api/harness.js';
import { enrollmentFixture } from '../test/integration/harness.js';
import { ensureUiBuilt, launchChromium, signIn } from '../test/ui/harness.js';

const outDir = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

const SUPERVISORS = [
  { staffId: 'sup-0001', name: 'Sam Supervisor (development)' },
  { staffId: 'sup-0102', name: 'Imogen Castellanos' },
  { staffId: 'sup-0103', name: 'Rafael Okonkwo' },
  { staffId: 'sup-0104', name: 'Dana Whitfield' },
];
const AGENCIES = ['DOT', 'DSS', 'DEEP', 'OPM'];
const TRAINEES = [
  'Nadia Oyelaran',
  'Marcus Bellweather',
  'Priya Raman',
  'Tomás Echeverría',
  'Grace Liu',
  'Owen Fairbanks',
  'Amara Nwosu',
  'Lena Petrov',
  'Jamal Carter',
  'Sofia Marchetti',
  'Hiroshi Tanaka',
  'Claire Donovan',
  'Mateo Alvarez',
  'Ingrid Solberg',
  'Kwame Mensah',
  'Rosa Delgado',
  'Ethan Brooks',
  'Yara Haddad',
  'Felix Schmidt',
  'Maya Goldberg',
  'Luis Ortega',
  'Hannah Kim',
  'Victor Osei',
  'Elena Rossi',
];

async function waitForProgramsListed(stack: ApiStack, token: string, count: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const answer = await stack.call('GET', '/v1/dashboard', { token });
    const counts = (answer.body as { counts: Record<string, number> }).counts;
    if (Object.values(counts).reduce((a, b) => a + b, 0) >= count) return;
    if (Date.now() > deadline) throw new Error(`the read model did not list ${count} programs in two minutes`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Waits until the read model shows what the workflows decided (overdue milestones of backdated programs). */
async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The main content has finished loading: no "Loading …" message left. */
const settled = (page: Page): Promise<unknown> =>
  page.waitForFunction(() => {
    const { document } = globalThis as unknown as { document: { querySelector(s: string): unknown } };
    return document.querySelector('main h1') !== null && document.querySelector('main .loading') === null;
  });

async function capture(page: Page, name: string): Promise<void> {
  // A page that scrolls sideways would make a wider picture: name what sticks out.
  const wide = await page.evaluate(() => {
    const { document, innerWidth } = globalThis as unknown as {
      innerWidth: number;
      document: {
        documentElement: { scrollWidth: number };
        querySelectorAll(
          s: string,
        ): ArrayLike<{ tagName: string; id: string; className: unknown; getBoundingClientRect(): { right: number } }>;
      };
    };
    if (document.documentElement.scrollWidth <= innerWidth) return [];
    return Array.from(document.querySelectorAll('main *'))
      .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${String(e.className)}`);
  });
  if (wide.length > 0) console.warn(`[docs:screenshots] ${name} scrolls sideways: ${wide.join(', ')}`);
  const path = join(outDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`[docs:screenshots] ${path}`);
}

async function main(): Promise<void> {
  await ensureUiBuilt();
  await mkdir(outDir, { recursive: true });
  const [stack, browser] = await Promise.all([startApiStack(), launchChromium()]);
  try {
    await stack.addStaff(...SUPERVISORS.filter((s) => s.staffId !== 'sup-0001'));
    const hrToken = await stack.token('hr-0001', 'hr');

    // Appointments spread over the last three years, so anniversaries and caps fall across the months
    // and quarters ahead and the older programs have overdue milestones.
    const programs = TRAINEES.map((name, i) => {
      const appointed = addDays(addMonths(today(), -Math.round((i * 34) / TRAINEES.length)), -(i % 5));
      return enrollmentFixture(appointed, {
        trainee: {
          employeeId: `E${String(7_100_000 + i * 37)}`,
          name,
          email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.gov`,
        },
        agency: AGENCIES[i % AGENCIES.length] ?? 'OPM',
        supervisorId: SUPERVISORS[i % SUPERVISORS.length]?.staffId ?? 'sup-0001',
        programManagerId: 'pm-0001',
      });
    });
    const imported = await stack.call('POST', '/v1/programs/import', { token: hrToken, body: programs });
    const results = (imported.body as { results: { row: number; programId?: string }[] }).results;
    const ids = results.map((r) => r.programId).filter((id): id is string => typeof id === 'string');
    if (ids.length !== programs.length)
      throw new Error(`the demo import enrolled ${ids.length} of ${programs.length}: ${imported.text.slice(0, 500)}`);
    await waitForProgramsListed(stack, hrToken, programs.length);

    // The program page's example: ten months in, m1 signed off, m2 overdue, m3 ahead.
    const featured = TRAINEES.findIndex((_, i) => Math.round((i * 34) / TRAINEES.length) >= 9);
    const featuredId = ids[featured] ?? ids[0] ?? '';
    const featuredProgram = programs[featured] ?? programs[0];
    const supervisorToken = await stack.token(featuredProgram?.supervisorId ?? 'sup-0001', 'supervisor');
    const m1 = featuredProgram?.schedule.milestones[0];
    if (m1)
      await stack.call('POST', `/v1/programs/${featuredId}/milestones/${m1.id}/sign-off`, {
        token: supervisorToken,
        body: { signedOn: addDays(m1.dueDate, -3) },
      });
    await waitFor('overdue milestones on the dashboard', async () => {
      const charts = (await stack.call('GET', '/v1/dashboard/charts', { token: hrToken, unchecked: true })).body as {
        overdueByAgency?: { items: unknown[] };
      };
      return (charts.overdueByAgency?.items.length ?? 0) >= 2;
    });
    await waitFor('the sign-off in the read model', async () => {
      const view = (await stack.call('GET', `/v1/programs/${featuredId}`, { token: hrToken })).body as { milestones: { status: string }[] };
      return view.milestones[0]?.status === 'signed-off';
    });

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);

    await signIn(page, stack.baseUrl, 'hr-0001', 'hr', '/dashboard');
    await page.locator('.dashboard[data-state="ready"]').waitFor();
    await page.locator('#chart-reclassifications svg a').first().waitFor();
    await capture(page, 'dashboard');

    await page.goto(`${stack.baseUrl}/programs/${encodeURIComponent(featuredId)}`);
    await page.locator('svg#program-timeline').waitFor();
    await settled(page);
    await capture(page, 'program');

    const inboxContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const inboxPage = await inboxContext.newPage();
    inboxPage.setDefaultTimeout(60_000);
    await signIn(inboxPage, stack.baseUrl, 'sup-0001', 'supervisor', '/inbox');
    await inboxPage.getByRole('heading', { level: 1 }).waitFor();
    await settled(inboxPage);
    await capture(inboxPage, 'inbox');
    await inboxContext.close();

    // The import page with a file of four rows, one of them without the trainee's name, as sent.
    const rows = TRAINEES.slice(0, 4).map((name, i) =>
      enrollmentFixture(addMonths(today(), -1), {
        trainee: {
          employeeId: `E${String(7_900_000 + i)}`,
          name: i === 2 ? '' : `${name.split(' ')[0]} Import`,
          email: `import.${i}@example.gov`,
        },
        agency: 'DOT',
        supervisorId: 'sup-0102',
        programManagerId: 'pm-0001',
      }),
    );
    const file = join(tmpdir(), `lap-import-demo-${process.pid}.json`);
    await writeFile(file, JSON.stringify(rows, null, 2));
    await page.goto(`${stack.baseUrl}/import`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.locator('main input[type="file"]').first().setInputFiles(file);
    // The first button of the import form: the preview where there is one, else the import itself.
    const form = page.locator('main form').first();
    const before = await page.locator('main table, main [role="status"], main [role="alert"], main .error-summary').count();
    await form.locator('button[type="submit"], button').first().click();
    await page.waitForFunction((count) => {
      const { document } = globalThis as unknown as {
        document: { querySelectorAll(s: string): { length: number }; querySelector(s: string): unknown };
      };
      return (
        document.querySelectorAll('main table, main [role="status"], main [role="alert"], main .error-summary').length > count &&
        document.querySelector('main button[disabled]') === null
      );
    }, before);
    await capture(page, 'import');
    await context.close();
  } finally {
    await browser.close();
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
