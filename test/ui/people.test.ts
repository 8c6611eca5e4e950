/**
 * People by name, in Debian's Chromium: HR chooses the supervisor and program manager from the
 * staff directory with the keyboard alone; the program page, the dashboard and the inbox then show
 * the trainee and the staff by name (ids stay in the URLs); a staff id the directory does not list
 * is refused beside its field. Every new state is checked with axe-core.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths } from '../../domain/dates.js';
import { eventually, startApiStack, today, uniqueId, type ApiStack } from '../api/harness.js';
import { enrollmentFixture } from '../integration/harness.js';
import { ensureUiBuilt, expectAccessible, focusedElement, launchChromium, signIn, usePage, type UiSession } from './harness.js';

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

const withPage = (run: (session: UiSession) => Promise<void>): Promise<void> => usePage(browser, run);

/** A surname nobody else in the directory has, so a search finds this test's people only. */
const surname = (): string =>
  `Quill${randomUUID()
    .replaceAll(/[^a-f]/g, '')
    .slice(0, 6)}`;

/** The options the picker of this field shows, as their text. */
const optionsOf = (page: Page, fieldId: string): Promise<string[]> => page.locator(`#${fieldId}-options [role="option"]`).allTextContents();

describe('the staff picker and names', () => {
  it('lets HR choose staff by keyboard alone, then shows the trainee and the staff by name on the program page, the dashboard and the inbox', async () => {
    const family = surname();
    const supervisor = { staffId: uniqueId('sup'), name: `Marisol ${family}` };
    const manager = { staffId: uniqueId('pm'), name: `Theo ${family}` };
    await stack.addStaff(supervisor, manager);
    const body = enrollmentFixture(today(), {
      agency: uniqueId('AG'),
      supervisorId: supervisor.staffId,
      programManagerId: manager.staffId,
      trainee: { employeeId: uniqueId('E'), name: 'Avery Lindqvist', email: 'avery.lindqvist@example.gov' },
    });

    await withPage(async ({ page }) => {
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', '/enroll');
      await page.getByLabel('Employee id').fill(body.trainee.employeeId);
      await page.getByLabel('Name', { exact: true }).fill(body.trainee.name);
      await page.getByLabel('Email').fill(body.trainee.email);
      await page.getByLabel('Agency').fill(body.agency);
      await page.getByLabel('Functional role').fill(body.functionalRole);
      await page.getByLabel('Target class').selectOption(body.targetClassCode);

      // From the target class, the keyboard alone: Tab into the picker, type, arrows, Enter.
      await page.getByLabel('Target class').focus();
      await page.keyboard.press('Tab');
      await expect.poll(() => focusedElement(page)).toBe('f-supervisorId');
      await page.keyboard.type(family.toLowerCase());
      await expect
        .poll(() => optionsOf(page, 'f-supervisorId'))
        .toEqual([`${supervisor.name} (${supervisor.staffId})`, `${manager.name} (${manager.staffId})`]);
      expect(await page.locator('#f-supervisorId').getAttribute('aria-expanded')).toBe('true');
      await expectAccessible(page, 'staff-picker-open');
      await page.keyboard.press('ArrowDown');
      await expect.poll(() => page.locator('#f-supervisorId').getAttribute('aria-activedescendant')).toBe('f-supervisorId-option-1');
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#f-supervisorId').inputValue()).toBe(`${supervisor.name} (${supervisor.staffId})`);
      expect(await page.locator('#f-supervisorId').getAttribute('aria-expanded')).toBe('false');
      // Enter chose; it did not send the form.
      expect(await page.locator('.error-summary').count()).toBe(0);

      await page.keyboard.press('Tab');
      await expect.poll(() => focusedElement(page)).toBe('f-programManagerId');
      await page.keyboard.type(`theo ${family}`);
      await expect.poll(() => optionsOf(page, 'f-programManagerId')).toEqual([`${manager.name} (${manager.staffId})`]);
      await page.keyboard.press('Escape');
      expect(await page.locator('#f-programManagerId').getAttribute('aria-expanded')).toBe('false');
      await page.keyboard.press('ArrowDown');
      await expect.poll(() => page.locator('#f-programManagerId').getAttribute('aria-expanded')).toBe('true');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#f-programManagerId').inputValue()).toBe(`${manager.name} (${manager.staffId})`);

      await page.getByLabel('Appointment date').fill(body.appointmentDate);
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
      await page.getByRole('button', { name: 'Enroll', exact: true }).click();

      await page.waitForURL(/\/programs\/p-/);
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent())
        .toBe(`Program of Avery Lindqvist (${body.trainee.employeeId})`);
      const summary = page.locator('dl.summary');
      await expect.poll(() => summary.textContent()).toContain(`Supervisor${supervisor.name} (${supervisor.staffId})`);
      expect(await summary.textContent()).toContain(`Program manager${manager.name} (${manager.staffId})`);
      expect(await summary.textContent()).toContain(`TraineeAvery Lindqvist (${body.trainee.employeeId})`);
      expect(page.url()).not.toContain('Avery');
      await expectAccessible(page, 'program-by-name');

      await page.goto(`${stack.baseUrl}/dashboard?agency=${body.agency}`);
      const link = page.getByRole('link', { name: `Avery Lindqvist (${body.trainee.employeeId})` });
      await link.first().waitFor();
      expect(await link.first().getAttribute('href')).toMatch(/^\/programs\/p-/);
    });

    await withPage(async ({ page }) => {
      // Appointed today: every milestone is due later than the next 30 days, behind "All".
      await signIn(page, stack.baseUrl, supervisor.staffId, 'supervisor', '/inbox?show=all');
      await expect.poll(() => page.locator('.lede').textContent()).toContain(`as ${supervisor.name} (${supervisor.staffId})`);
      await page.locator('.inbox-item').first().waitFor();
      expect(await page.locator('.inbox-group h3').first().textContent()).toBe(`Avery Lindqvist (${body.trainee.employeeId})`);
      expect(await page.getByRole('table', { name: /Your trainees' programs/ }).textContent()).toContain('Avery Lindqvist');
      await expectAccessible(page, 'inbox-by-name');
    });
  });

  it('refuses a transfer to someone the directory does not list, beside the field, and transfers to the one chosen by keyboard', async () => {
    const family = surname();
    const supervisor = { staffId: uniqueId('sup'), name: `Rosalind ${family}` };
    const successor = { staffId: uniqueId('sup'), name: `Octavia ${family}` };
    const manager = { staffId: uniqueId('pm'), name: `Ingrid ${family}` };
    await stack.addStaff(supervisor, successor, manager);
    const body = enrollmentFixture(addMonths(today(), -3), {
      agency: uniqueId('AG'),
      supervisorId: supervisor.staffId,
      programManagerId: manager.staffId,
    });
    const created = await stack.call('POST', '/v1/programs', { token: await stack.token('hr-0001', 'hr'), body });
    expect(created.status).toBe(201);
    const { programId } = created.body as { programId: string };

    await withPage(async ({ page }) => {
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', `/programs/${programId}`);
      await page.getByRole('button', { name: 'Transfer', exact: true }).click();
      const transfer = page.getByRole('form', { name: 'Transfer the trainee' });
      const picker = transfer.locator('#f-transfer-supervisorId');
      await expect.poll(() => picker.inputValue()).toBe(`${supervisor.name} (${supervisor.staffId})`);

      // Typed, not chosen: an id the directory does not know. The API's 422 names the field.
      const stranger = uniqueId('sup');
      await picker.fill(stranger);
      await transfer.getByRole('button', { name: 'Transfer' }).click();
      await expect
        .poll(() => transfer.locator('#f-transfer-supervisorId-error').textContent())
        .toBe('The supervisor is not in the staff directory: choose a staff member it lists.');
      expect(await picker.getAttribute('aria-invalid')).toBe('true');
      await expectAccessible(page, 'transfer-unknown-staff');

      // Now by keyboard alone: clear, type, choose, Tab on to the button, Enter.
      await picker.focus();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(`octavia ${family}`);
      await expect.poll(() => optionsOf(page, 'f-transfer-supervisorId')).toEqual([`${successor.name} (${successor.staffId})`]);
      await page.keyboard.press('Enter');
      await expect.poll(() => picker.inputValue()).toBe(`${successor.name} (${successor.staffId})`);
      await page.keyboard.press('Tab'); // program manager, unchanged
      await page.keyboard.press('Tab'); // reason
      await page.keyboard.type('Reorganisation');
      await page.keyboard.press('Tab');
      await expect
        .poll(() =>
          page.evaluate(
            () =>
              (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement
                ?.textContent,
          ),
        )
        .toBe('Transfer');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#program-message').textContent()).toContain(`supervisor ${successor.staffId}`);
      await expect.poll(() => page.locator('dl.summary').textContent()).toContain(`Supervisor${successor.name} (${successor.staffId})`);
    });
    // The read model follows the command a moment later.
    const hr = await stack.token('hr-0001', 'hr');
    await eventually(
      () => stack.call('GET', `/v1/programs/${programId}`, { token: hr }),
      (r) => (r.body as { supervisorId: string }).supervisorId === successor.staffId,
      'the transfer in the read model',
    );
  });

  it('tells HR what each field needs in plain sentences that name it as the form does, dates as the date box shows them', async () => {
    await withPage(async ({ page }) => {
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', '/enroll');
      await page.getByLabel('Name', { exact: true }).fill('   ');
      await page.getByLabel('Email').fill('dana.rivera-at-ct.gov');
      await page.getByLabel('Hours per week').fill('');
      await page.getByRole('button', { name: 'Enroll', exact: true }).click();

      const summary = page.locator('.error-summary');
      await summary.waitFor();
      await expect.poll(() => focusedElement(page)).toBe('error-summary');
      expect(await summary.locator('p').textContent()).toMatch(
        /^Check \d+ fields: Employee id, Name, Email, Agency, Functional role and \d+ more\.$/,
      );
      expect(await page.locator('#f-trainee-name-error').textContent()).toBe('Name is required.');
      expect(await page.locator('#f-trainee-email-error').textContent()).toBe('Email must be an e-mail address, such as name@ct.gov.');
      expect(await page.locator('#f-hoursPerWeek-error').textContent()).toBe('Hours per week is required.');
      expect(await page.locator('#f-supervisorId-error').textContent()).toBe('Supervisor is required.');
      // The date box shows mm/dd/yyyy (Chromium, United States English); so does its message.
      expect(await page.evaluate(() => (globalThis as unknown as { navigator: { language: string } }).navigator.language)).toBe('en-US');
      expect(await page.locator('#f-appointmentDate-error').textContent()).toBe('Appointment date is required: enter it as mm/dd/yyyy.');
      expect(await page.locator('#f-schedule-milestones-0-title-error').textContent()).toBe('Milestone 1 title is required.');
      // One message per field, and none in the schema's words or quoting what was typed.
      const messages = await page.locator('.field-error').allTextContents();
      expect(messages.length).toBe(await page.locator('.field-invalid').count());
      expect(await summary.getByRole('link', { name: 'Name is required.' }).count()).toBe(1);
      expect((await page.locator('main').textContent()) ?? '').not.toMatch(
        /Too small|expected string|Invalid input|does not fit the schema|dana\.rivera/,
      );
      await expectAccessible(page, 'enroll-plain-messages');
    });
  });
});
