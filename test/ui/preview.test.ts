/**
 * The rules of the 2026-11-29 decisions in the browser (Debian's Chromium): the enroll page shows
 * what enrolling would give as HR types (POST /v1/programs/preview), and HR decides on the program
 * page after an unsatisfactory rating. Waits for the state on show, never for time.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths } from '../../domain/dates.js';
import { eventually, startApiStack, today, uniqueId, type ApiStack } from '../api/harness.js';
import { enrollmentFixture } from '../integration/harness.js';
import { ensureUiBuilt, launchChromium, openPage, screenshot, seriousAccessibilityViolations, signIn } from './harness.js';

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

async function withPage(run: (page: Page) => Promise<void>): Promise<void> {
  const session = await openPage(browser);
  try {
    await run(session.page);
  } finally {
    await session.close();
  }
}

/** The preview panel once it shows an answer to what is typed now (the form's draft when asked). */
async function previewText(page: Page): Promise<string> {
  const panel = page.locator('#enrollment-preview[data-state="ready"]');
  await panel.waitFor();
  return (await panel.textContent()) ?? '';
}

describe('HR sees the enrollment before it is made', () => {
  it('shows the dates, checklist and every broken rule as the form is filled in, and enrolls nothing until asked', async () => {
    const staff = { supervisorId: uniqueId('sup'), programManagerId: uniqueId('pm'), agency: uniqueId('AG') };
    await stack.addStaff(staff.supervisorId, staff.programManagerId);
    const body = enrollmentFixture(today(), {
      ...staff,
      trainee: { employeeId: uniqueId('E'), name: 'Casey Preview', email: 'casey.preview@example.gov' },
    });
    await withPage(async (page) => {
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', '/enroll');
      // Nothing typed yet: the preview says what is missing.
      await page.locator('#enrollment-preview[data-state="incomplete"]').waitFor();
      await page.getByLabel('Employee id').fill(body.trainee.employeeId);
      await page.getByLabel('Name').fill(body.trainee.name);
      await page.getByLabel('Email').fill(body.trainee.email);
      await page.getByLabel('Agency').fill(body.agency);
      await page.getByLabel('Functional role').fill(body.functionalRole);
      await page.getByLabel('Target class').selectOption(body.targetClassCode);
      await page.getByLabel('Supervisor', { exact: true }).fill(body.supervisorId);
      await page.getByLabel('Program manager', { exact: true }).fill(body.programManagerId);
      await page.getByLabel('Appointment date').fill(body.appointmentDate);
      await page.getByLabel('Hours per week').fill('35');
      await page.getByLabel('DAS approval reference').fill(body.schedule.dasApprovalRef);
      await page.getByLabel('Schedule approved on').fill(body.schedule.approvedOn);
      await page.getByLabel('Planned end date').fill(body.schedule.plannedEndDate);
      for (const [index, milestone] of body.schedule.milestones.entries()) {
        await page.getByLabel(`Milestone ${index + 1} title`).fill(milestone.title);
        await page.getByLabel(`Milestone ${index + 1} due date`).fill(milestone.dueDate);
      }
      await page.getByLabel('General experience (years)').fill(String(body.priorExperience.generalYears));
      await page.getByLabel('Special experience (years)').fill(String(body.priorExperience.specialYears));
      await page.getByLabel('College semester hours').fill(String(body.education.semesterHours));
      await page.getByLabel("Bachelor's").check();

      // 35 hours breaks the full-time rule: the preview names it, with the dates it would have.
      await page.locator('#enrollment-preview [data-code="not-full-time"]').waitFor();
      const api = (await stack.call('POST', '/v1/programs/preview', { token: hrToken, body: { ...body, hoursPerWeek: 35 } })).body as {
        program: { latestCompletionDate: string; earliestReclassificationDate: string };
      };
      const withViolation = await previewText(page);
      expect(withViolation).toContain('It cannot be enrolled as it stands');
      await screenshot(page, 'enroll-preview-violation');
      expect(await seriousAccessibilityViolations(page, 'enroll-preview-violation')).toEqual([]);

      await page.getByLabel('Hours per week').fill('40');
      await page.locator('#enrollment-preview[data-state="ready"] .status-success').waitFor();
      const clean = await previewText(page);
      expect(clean).toContain('It can be enrolled: no rule is broken.');
      const latest = await page.locator('#enrollment-preview [data-field="latestCompletionDate"]').textContent();
      const earliest = await page.locator('#enrollment-preview [data-field="earliestReclassificationDate"]').textContent();
      const format = (date: string) =>
        new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
      expect([earliest, latest]).toEqual([format(api.program.earliestReclassificationDate), format(api.program.latestCompletionDate)]);
      expect(
        await page
          .locator('#enrollment-preview [data-requirement]')
          .evaluateAll((items) => items.map((i) => i.getAttribute('data-requirement'))),
      ).toEqual(['milestones-signed-off', 'service-rated-satisfactory', 'minimum-period-served', 'meets-target-class-qualifications']);
      // A preview starts nothing: no program of this trainee exists until Enroll is pressed.
      const listed = await stack.call('GET', `/v1/programs?agency=${encodeURIComponent(staff.agency)}`, { token: hrToken });
      expect((listed.body as { items: unknown[] }).items).toEqual([]);
    });
  });
});

describe('HR decides after an unsatisfactory rating on the program page', () => {
  it('sees the pending decision and confirms removal with a date ahead; the program stays open until then', async () => {
    const staff = { supervisorId: uniqueId('sup'), programManagerId: uniqueId('pm'), agency: uniqueId('AG') };
    await stack.addStaff(staff.supervisorId, staff.programManagerId);
    const appointed = addMonths(today(), -5);
    const created = await stack.call('POST', '/v1/programs', { token: hrToken, body: enrollmentFixture(appointed, staff) });
    expect(created.status).toBe(201);
    const { programId } = created.body as { programId: string };
    const supervisorToken = await stack.token(staff.supervisorId, 'supervisor');
    const rated = await stack.call('POST', `/v1/programs/${programId}/service-ratings`, {
      token: supervisorToken,
      body: { rating: 'unsatisfactory', ratedOn: today() },
    });
    expect(rated.body).toMatchObject({ status: 'active', hrDecision: { ratedOn: today() } });
    await eventually(
      () => stack.call('GET', `/v1/programs?agency=${encodeURIComponent(staff.agency)}`, { token: hrToken }),
      (r) => (r.body as { items: { version: number }[] }).items.some((p) => p.version >= (rated.body as { version: number }).version),
      'the read model',
    );
    const removalOn = addDays(today(), 30);
    await withPage(async (page) => {
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', `/programs/${programId}`);
      const section = page.locator('[data-testid="hr-decision"]');
      await section.waitFor();
      expect(await section.textContent()).toContain('HR decides on removal or remediation');
      await section.getByLabel('Removal from the program (C.G.S. 5-230)').check();
      await section.getByLabel('Removal effective on').fill(removalOn);
      await section.getByLabel('Reason').fill('Removal after fair trial');
      await section.getByRole('button', { name: 'Confirm removal' }).click();
      // The confirmation box is required before anything is sent.
      await section.locator('.error-summary').waitFor();
      await section.getByLabel('I understand that this ends the program').check();
      await section.getByRole('button', { name: 'Confirm removal' }).click();
      await page.locator('[data-testid="scheduled-removal"]').waitFor();
      expect(await page.locator('#program-message').textContent()).toContain(`ends at the start of ${removalOn}`);
      expect(await page.locator('[data-testid="hr-decision"]').count()).toBe(0);
      await screenshot(page, 'program-removal-scheduled');
    });
    const program = await stack.call('GET', `/v1/programs/${programId}`, { token: hrToken });
    expect(program.body).toMatchObject({ status: 'active', hrDecision: null, scheduledRemoval: { effectiveOn: removalOn } });
  });
});
