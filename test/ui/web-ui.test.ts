/**
 * The web UI end to end, in Debian's Chromium: people sign in through the development sign-in, then
 * enroll, sign off, read and amend programs through the pages, against the real API, Temporal,
 * worker, PostgreSQL and projector. Every page is checked with axe-core (no serious or critical
 * violation) and photographed into test/artifacts/ui/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, anniversary } from '../../domain/dates.js';
import type { EnrollmentInput } from '../../domain/schemas.js';
import { eventually, startApiStack, today, uniqueId, type ApiStack } from '../api/harness.js';
import { enrollmentFixture } from '../integration/harness.js';
import { ensureUiBuilt, expectAccessible, focusedElement, launchChromium, screenshot, signIn, usePage, type UiSession } from './harness.js';
import { IMPORT_CSV_COLUMNS } from '../fixtures/import-csv.js';

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

const withPage = (run: (session: UiSession) => Promise<void>, options: { phone?: boolean } = {}): Promise<void> =>
  usePage(browser, run, options);

interface Staff {
  supervisorId: string;
  programManagerId: string;
  agency: string;
}
/** A supervisor and program manager of the test's own, in the staff directory, and an agency of its own. */
async function newStaff(): Promise<Staff> {
  const staff = { supervisorId: uniqueId('sup'), programManagerId: uniqueId('pm'), agency: uniqueId('AG') };
  await stack.addStaff(staff.supervisorId, staff.programManagerId);
  return staff;
}

/** Enrolls through the API and waits until the read model lists the program. */
async function enrolled(body: EnrollmentInput): Promise<{ programId: string; traineeEmployeeId: string }> {
  const response = await stack.call('POST', '/v1/programs', { token: hrToken, body });
  expect(response.status).toBe(201);
  const { programId } = response.body as { programId: string };
  await eventually(
    () => stack.call('GET', `/v1/programs?agency=${encodeURIComponent(body.agency)}&limit=200`, { token: hrToken }),
    (r) => (r.body as { items: { programId: string }[] }).items.some((p) => p.programId === programId),
    'the read model',
  );
  return { programId, traineeEmployeeId: body.trainee.employeeId };
}

/** The CSV of the import contract (docs/api.md, "Bulk import"), one line per enrollment. */
function csvOf(rows: readonly EnrollmentInput[]): string {
  const header = IMPORT_CSV_COLUMNS;
  const quote = (value: string | number): string =>
    /[",\n]/.test(String(value)) ? `"${String(value).replaceAll('"', '""')}"` : String(value);
  const line = (r: EnrollmentInput): string =>
    [
      r.trainee.employeeId,
      r.trainee.name,
      r.trainee.email,
      r.agency,
      r.functionalRole,
      r.targetClassCode,
      r.supervisorId,
      r.programManagerId,
      r.appointmentDate,
      r.hoursPerWeek,
      r.schedule.dasApprovalRef,
      r.schedule.approvedOn,
      r.schedule.plannedEndDate,
      r.schedule.milestones.map((m) => `${m.id}|${m.title}|${m.dueDate}`).join(';'),
      r.priorExperience.generalYears,
      r.priorExperience.specialYears,
      r.education.semesterHours,
      r.education.degrees.join(';'),
    ]
      .map(quote)
      .join(',');
  return [header.join(','), ...rows.map(line)].join('\n');
}

/** The page fits a phone's width: nothing but a table's own box scrolls sideways. */
async function fitsThePhone(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const { document, innerWidth } = globalThis as unknown as {
      document: { documentElement: { scrollWidth: number } };
      innerWidth: number;
    };
    return document.documentElement.scrollWidth <= innerWidth;
  });
}

describe('sign-in', () => {
  it('is marked as development-only, lands the person on the page they asked for, and keeps them out of pages not theirs', async () => {
    await withPage(async ({ page }) => {
      await page.goto(`${stack.baseUrl}/dashboard`);
      await page.waitForURL(/\/sign-in\?next=%2Fdashboard$/);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
      await expect.poll(() => page.getByRole('note').textContent()).toContain('Development only');
      await expectAccessible(page, 'sign-in');

      await page.getByLabel('Role').selectOption('das');
      await expect.poll(() => page.getByLabel('Person').inputValue()).toBe('das-0001');
      await page.getByRole('button', { name: 'Sign in for development' }).click();
      await page.waitForURL(/\/dashboard$/);
      await expect.poll(() => page.getByRole('banner').textContent()).toContain('Signed in as das-0001 (DAS)');

      // Pages a person may land on by a stale link: not theirs, or not there.
      await page.goto(`${stack.baseUrl}/inbox`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Not available to you');
      await expectAccessible(page, 'not-available');
      await page.goto(`${stack.baseUrl}/no-such-page`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Page not found');
      await expectAccessible(page, 'not-found');
    });
  });
});

describe('HR', () => {
  it('enrolls a trainee through the form, seeing the API’s own messages beside the fields until the enrollment is right', async () => {
    const staff = await newStaff();
    const appointed = today();
    const body = enrollmentFixture(appointed, {
      ...staff,
      trainee: { employeeId: uniqueId('E'), name: 'Robin Formfill', email: 'robin.formfill@example.gov' },
    });
    await withPage(async ({ page }) => {
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', '/enroll');
      await page.getByLabel('Employee id').fill(body.trainee.employeeId);
      await page.getByLabel('Name').fill(body.trainee.name);
      await page.getByLabel('Email').fill('robin.formfill-at-example.gov');
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
      await page.getByRole('button', { name: 'Enroll', exact: true }).click();

      // The e-mail address does not fit the schema: the API's 400 message, beside the field.
      const apiSays = await stack.call('POST', '/v1/programs', {
        token: hrToken,
        body: { ...body, trainee: { ...body.trainee, email: 'robin.formfill-at-example.gov' }, hoursPerWeek: 35 },
      });
      expect(apiSays.status).toBe(400);
      const emailMessage = (apiSays.body as { error: { issues: { path: string; message: string }[] } }).error.issues.find(
        (i) => i.path === 'trainee.email',
      )?.message;
      await page.locator('#f-trainee-email-error').waitFor();
      expect(await page.locator('#f-trainee-email-error').textContent()).toBe(emailMessage);
      expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
      await expect.poll(() => focusedElement(page)).toBe('error-summary');
      await expectAccessible(page, 'enroll-invalid');

      // Well formed, but 35 hours breaks the full-time rule: the API's 422, beside the hours.
      await page.getByLabel('Email').fill(body.trainee.email);
      await page.getByRole('button', { name: 'Enroll', exact: true }).click();
      const ruleSays = await stack.call('POST', '/v1/programs', { token: hrToken, body: { ...body, hoursPerWeek: 35 } });
      expect(ruleSays.status).toBe(422);
      await page.locator('#f-hoursPerWeek-error').waitFor();
      expect(await page.locator('#f-hoursPerWeek-error').textContent()).toBe(
        (ruleSays.body as { error: { message: string } }).error.message,
      );
      expect(await page.locator('.error-summary').textContent()).toContain('Hours per week');
      expect(await page.locator('#f-trainee-email-error').count()).toBe(0);

      await page.getByLabel('Hours per week').fill('40');
      await page.getByRole('button', { name: 'Enroll', exact: true }).click();
      await page.waitForURL(/\/programs\/p-/);
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent())
        .toBe(`Program of Robin Formfill (${body.trainee.employeeId})`);
      expect(await page.locator('#program-message').textContent()).toContain(`Enrolled Robin Formfill (${body.trainee.employeeId})`);
      await expectAccessible(page, 'program-hr');
    });
    // The list is the read model, which follows the enrollment a moment later.
    const listed = await eventually(
      () => stack.call('GET', `/v1/programs?agency=${staff.agency}`, { token: hrToken }),
      (r) => (r.body as { items: unknown[] }).items.length > 0,
      'the enrolled program in the list',
    );
    expect((listed.body as { items: { traineeEmployeeId: string; supervisorId: string }[] }).items).toEqual([
      expect.objectContaining({ traineeEmployeeId: body.trainee.employeeId, supervisorId: staff.supervisorId }),
    ]);
  });
});

describe('HR on a program page', () => {
  it('records leave, transfers the trainee to another supervisor and agency, and ends the program, each with the rule’s message when refused', async () => {
    const staff = await newStaff();
    const { programId } = await enrolled(enrollmentFixture(addMonths(today(), -4), staff));
    const newSupervisor = uniqueId('sup');
    await stack.addStaff(newSupervisor);
    const newAgency = uniqueId('AG');
    const signed = await stack.call('POST', `/v1/programs/${programId}/milestones/m1/sign-off`, {
      token: await stack.token(staff.supervisorId, 'supervisor'),
      body: { signedOn: today() },
    });
    expect(signed.status).toBe(200);
    await eventually(
      () => stack.call('GET', `/v1/programs/${programId}`, { token: hrToken }),
      (r) => (r.body as { milestones: { status: string }[] }).milestones[0]?.status === 'signed-off',
      'the sign-off in the read model',
    );
    const programAppointment = addMonths(today(), -4);
    await withPage(async ({ page }) => {
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', `/programs/${programId}`);
      // The commands wait behind their buttons; one form opens at a time.
      await page.getByRole('button', { name: 'Record leave', exact: true }).click();
      const leave = page.getByRole('form', { name: 'Record leave' });
      await leave.waitFor();
      expect(await page.locator('form').count()).toBe(1);
      await expectAccessible(page, 'program-hr-actions');

      // At the top: why the program is not reclassified yet, and when it would be.
      const checklist = page.getByRole('region', { name: 'Reclassification checklist' });
      await expect.poll(() => checklist.locator('[data-requirement="milestones-signed-off"]').getAttribute('data-met')).toBe('no');
      expect(await checklist.locator('[data-requirement="milestones-signed-off"]').textContent()).toContain('Open: m2');
      expect(await checklist.locator('[data-requirement="service-rated-satisfactory"]').textContent()).toContain('No service rating yet');
      expect(await checklist.locator('#reclassifies-on').textContent()).toMatch(/^Reclassified on .+ if what is open is done in time\.$/);

      // Reversed dates: the rule's message beside the last day; nothing recorded.
      await leave.getByLabel('First day').fill(addDays(today(), -10));
      await leave.getByLabel('Last day').fill(addDays(today(), -20));
      await leave.getByRole('button', { name: 'Record the leave' }).click();
      await expect.poll(() => leave.locator('#f-leave-to-error').textContent()).toContain('before it starts');
      await leave.getByLabel('First day').fill(addDays(today(), -20));
      await leave.getByLabel('Last day').fill(addDays(today(), -10));
      await leave.getByLabel('Kind of leave').selectOption('unpaid');
      await leave.getByRole('button', { name: 'Record the leave' }).click();
      await expect.poll(() => page.locator('#program-message').textContent()).toContain('The first anniversary moves to');
      const movedTo = /moves to (\d{4}-\d{2}-\d{2})/.exec((await page.locator('#program-message').textContent()) ?? '')?.[1];
      const recorded = await eventually(
        () => stack.call('GET', `/v1/programs/${programId}/events`, { token: hrToken }),
        (r) => (r.body as { items: { type: string }[] }).items.some((e) => e.type === 'leave-recorded'),
        'the leave in the event log',
      );
      const leaveEvent = (
        recorded.body as { items: { type: string; data: { earliestReclassificationDate: string; extendsMinimumByDays: number } }[] }
      ).items.find((e) => e.type === 'leave-recorded');
      expect(leaveEvent?.data.extendsMinimumByDays).toBe(11);
      expect(movedTo).toBe(leaveEvent?.data.earliestReclassificationDate);
      const afterLeave = (await stack.call('GET', `/v1/programs/${programId}`, { token: hrToken })).body as {
        latestCompletionDate: string;
      };

      await page.getByRole('button', { name: 'Transfer', exact: true }).click();
      const transfer = page.getByRole('form', { name: 'Transfer the trainee' });
      await transfer.getByLabel('Agency').fill(newAgency);
      await transfer.getByLabel('Supervisor', { exact: true }).fill(newSupervisor);
      await transfer.getByLabel('Reason (optional)').fill('Reassigned after a reorganisation');
      await transfer.getByRole('button', { name: 'Transfer' }).click();
      await expect.poll(() => page.locator('#program-message').textContent()).toContain(`supervisor ${newSupervisor}`);
      expect(await page.locator('#program-message').textContent()).toContain(`The cap stays ${afterLeave.latestCompletionDate}`);
      expect(await page.locator('.lede').textContent()).toContain(newAgency);
      const transferred = page.getByRole('list', { name: /Every recorded event/ }).locator('li[data-event-type="transferred"]');
      await transferred.waitFor();
      expect(await transferred.textContent()).toContain(`supervisor ${staff.supervisorId} → ${newSupervisor}`);
      expect(await transferred.textContent()).toContain('Reason: Reassigned after a reorganisation');

      // Corrections: the leave and the sign-off were recorded in error. Each stays in the history, and
      // the correction says which event it corrects.
      await page.getByRole('button', { name: `Cancel the leave from ${addDays(today(), -20)} to ${addDays(today(), -10)}` }).click();
      const cancel = page.getByRole('form', { name: /^Cancel the leave from/ });
      await expect.poll(() => focusedElement(page)).toMatch(/reason$/);
      await cancel.getByLabel('Why it was recorded in error').fill('Entered against the wrong trainee');
      await cancel.getByRole('button', { name: 'Cancel the leave' }).click();
      await expect.poll(() => page.locator('#program-message').textContent()).toContain('is cancelled');
      expect(await page.locator('#program-message').textContent()).toContain(
        `The first anniversary is ${anniversary(programAppointment, 1)}`,
      );
      expect(await page.getByText('No leave recorded.').count()).toBe(1);

      await page.getByRole('button', { name: 'Retract the sign-off of m1' }).click();
      const retract = page.getByRole('form', { name: 'Retract the sign-off of milestone m1' });
      await retract.getByLabel('Why it was recorded in error').fill('Signed off the wrong milestone');
      await retract.getByRole('button', { name: 'Retract the sign-off' }).click();
      await expect.poll(() => page.locator('#program-message').textContent()).toContain('The sign-off of milestone m1 is retracted');
      expect(await page.locator('tr[data-milestone="m1"] .badge').textContent()).toBe('Pending');
      const history = page.getByRole('list', { name: /Every recorded event/ });
      const retraction = history.locator('li[data-event-type="sign-off-retracted"]');
      await retraction.waitFor();
      const signOffNumber = (await history.locator('li[data-event-type="milestone-signed-off"] .history-number').textContent())?.trim();
      expect(await retraction.textContent()).toContain(`corrects event ${signOffNumber}`);
      expect(await retraction.textContent()).toContain('Reason: Signed off the wrong milestone');
      expect(await history.locator('li[data-event-type="leave-cancelled"]').textContent()).toContain('corrects event #');
      await expectAccessible(page, 'program-hr-corrections');

      // Ending the program asks for confirmation first.
      await page.getByRole('button', { name: 'End the program', exact: true }).click();
      const end = page.getByRole('form', { name: 'End the program' });
      await end.getByLabel('Reason').fill('Resigned from state service');
      await end.getByRole('button', { name: 'End the program' }).click();
      await expect.poll(() => end.locator('.error-summary').textContent()).toContain('Confirm that this ends the program.');
      await end.getByLabel('I understand that this ends the program').check();
      await end.getByRole('button', { name: 'End the program' }).click();
      await expect.poll(() => page.locator('.lede .badge').textContent()).toBe('Ended');
      expect(await page.getByRole('form', { name: 'Record leave' }).count()).toBe(0);
    });
    const events = await eventually(
      () => stack.call('GET', `/v1/programs/${programId}/events`, { token: hrToken }),
      (r) => (r.body as { items: { type: string }[] }).items.some((e) => e.type === 'program-ended'),
      'the end of the program in the event log',
    );
    const relevant = ['leave-recorded', 'transferred', 'leave-cancelled', 'sign-off-retracted', 'withdrawn', 'program-ended'];
    expect((events.body as { items: { type: string }[] }).items.map((e) => e.type).filter((t) => relevant.includes(t))).toEqual(relevant);
  });
});

describe('HR on the dashboard and the import page', () => {
  it('sees counts by status, the programs at risk and the cohort timeline, filtered as the API filters', async () => {
    const staff = await newStaff();
    const overdue = enrollmentFixture(addMonths(today(), -7), staff);
    // Appointed almost three years ago: the cap is weeks away, and every milestone is overdue.
    const nearCapAppointment = addDays(addMonths(today(), -35), -10);
    const nearCap = enrollmentFixture(nearCapAppointment, {
      ...staff,
      schedule: { ...enrollmentFixture(nearCapAppointment).schedule, plannedEndDate: addMonths(nearCapAppointment, 30) },
    });
    const fresh = enrollmentFixture(today(), staff);
    const completed = enrollmentFixture(addMonths(today(), -13), staff);
    const withdrawn = enrollmentFixture(addMonths(today(), -3), staff);
    const imported = await stack.call('POST', '/v1/programs/import', {
      token: hrToken,
      body: [overdue, nearCap, fresh, completed, withdrawn],
    });
    expect((imported.body as { summary: { created: number } }).summary.created).toBe(5);
    const ids = new Map((imported.body as { results: { row: number; programId: string }[] }).results.map((r) => [r.row, r.programId]));
    const supervisorToken = await stack.token(staff.supervisorId, 'supervisor');
    for (const milestone of completed.schedule.milestones) {
      await stack.call('POST', `/v1/programs/${ids.get(4)}/milestones/${milestone.id}/sign-off`, {
        token: supervisorToken,
        body: { signedOn: today() },
      });
    }
    await stack.call('POST', `/v1/programs/${ids.get(4)}/service-ratings`, {
      token: supervisorToken,
      body: { rating: 'satisfactory', ratedOn: today() },
    });
    await stack.call('POST', `/v1/programs/${ids.get(5)}/withdrawal`, {
      token: hrToken,
      body: { effectiveOn: today(), reason: 'Accepted another position' },
    });
    await eventually(
      () => stack.call('GET', `/v1/dashboard?agency=${staff.agency}`, { token: hrToken }),
      (r) =>
        JSON.stringify((r.body as { counts: unknown }).counts) ===
        JSON.stringify({ active: 3, 'awaiting-minimum': 0, reclassified: 1, expired: 0, ended: 1 }),
      'the read model',
    );

    await withPage(async ({ page }) => {
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', `/dashboard?agency=${staff.agency}`);
      await page.locator('.dashboard[data-state="ready"]').waitFor();
      const count = (status: string) => page.locator(`.count-${status} .count-number`).textContent();
      expect([await count('active'), await count('reclassified'), await count('ended'), await count('expired')]).toEqual([
        '3',
        '1',
        '1',
        '0',
      ]);

      const atRisk = page.getByRole('region', { name: 'Programs at risk' }).locator('tbody tr');
      expect(await atRisk.count()).toBe(2);
      expect(await atRisk.nth(0).textContent()).toContain(nearCap.trainee.employeeId);
      expect(await atRisk.nth(0).textContent()).toContain('Cap within 90 days');
      expect(await atRisk.nth(1).textContent()).toContain(overdue.trainee.employeeId);
      expect(await atRisk.nth(1).textContent()).toContain('Overdue milestones (1)');

      // One bar per trainee, appointment to cap, with today and the first anniversaries marked;
      // the open programs first, every program on asking.
      expect(await page.getByLabel('Status', { exact: true }).inputValue()).toBe('active');
      expect(await page.locator('#cohort-timeline g.bar').count()).toBe(3);
      await page.getByLabel('Status', { exact: true }).selectOption('any');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL(/status=any/);
      await expect.poll(() => page.locator('#cohort-timeline g.bar').count()).toBe(5);
      expect(await page.locator('#cohort-timeline .mark-first-anniversary').count()).toBe(5);
      expect(await page.locator('#cohort-timeline .today').getAttribute('data-date')).toBe(today());
      expect(await page.locator('#cohort-timeline-desc').textContent()).toContain('5 programs');
      await expectAccessible(page, 'dashboard');

      // The filters are the API's: programs whose cap is before a date.
      const cap = (await stack.call('GET', `/v1/programs/${ids.get(2)}`, { token: hrToken })).body as { latestCompletionDate: string };
      await page.getByLabel('Cap before').fill(addDays(cap.latestCompletionDate, 1));
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL(/capBefore=/);
      const cohort = () =>
        page.locator('.dashboard[data-state="ready"]').getByRole('region', { name: 'Programs, earliest cap first' }).textContent();
      await expect.poll(cohort).toContain(nearCap.trainee.employeeId);
      expect(await page.locator('#cohort-timeline g.bar').count()).toBe(1);

      await page.getByRole('link', { name: /Reclassified/ }).click();
      await page.waitForURL(/status=reclassified/);
      // The list of the filters before (one bar too) must not pass for the answer.
      await expect.poll(cohort).toContain(completed.trainee.employeeId);
      expect(await cohort()).not.toContain(nearCap.trainee.employeeId);
      expect(await page.locator('#cohort-timeline g.bar').count()).toBe(1);
    });

    await withPage(
      async ({ page }) => {
        await signIn(page, stack.baseUrl, 'hr-0001', 'hr', `/dashboard?agency=${staff.agency}`);
        await page.locator('.dashboard[data-state="ready"]').waitFor();
        expect(await fitsThePhone(page)).toBe(true);
        await expectAccessible(page, 'dashboard-phone');
        await page.getByRole('link', { name: nearCap.trainee.employeeId }).first().click();
        await page.locator('#program-timeline').waitFor();
        expect(await fitsThePhone(page)).toBe(true);
        await expectAccessible(page, 'program-phone');
      },
      { phone: true },
    );
  });

  it('checks a CSV file, enrolls its good rows and sees a result for every row by trainee; the same file again enrolls nobody twice', async () => {
    const staff = await newStaff();
    const good = [enrollmentFixture(today(), staff), enrollmentFixture(addMonths(today(), -1), staff)];
    const bad = enrollmentFixture(today(), staff);
    const csv = csvOf([good[0]!, { ...bad, trainee: { ...bad.trainee, email: 'not-an-address' } }, good[1]!]);
    await withPage(async ({ page }) => {
      await signIn(page, stack.baseUrl, 'hr-0001', 'hr', '/import');
      const upload = async (): Promise<void> => {
        await page.getByLabel('File').setInputFiles({ name: 'trainees.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
        await page.getByRole('button', { name: 'Check the file' }).click();
        await expect
          .poll(() => page.locator('#import-preview-summary').textContent())
          .toBe('3 rows: 2 trainees ready to enroll, 1 row to fix. Nothing has been enrolled yet.');
        await page.getByRole('button', { name: 'Enroll 2 trainees' }).click();
      };
      await upload();
      await expect.poll(() => page.locator('#import-summary').textContent(), { timeout: 60_000 }).toBe('3 rows: 2 enrolled, 1 to fix.');
      const rows = page.getByRole('region', { name: 'Result per row' }).locator('tbody tr');
      expect(await rows.allTextContents()).toEqual([
        expect.stringMatching(/^1Jordan Example \(E[0-9a-f]{8}\)Enrolled/),
        expect.stringMatching(/^2Jordan Example \(E[0-9a-f]{8}\)Invalid.*trainee\.email: Email must be an e-mail address/),
        expect.stringMatching(/^3Jordan Example \(E[0-9a-f]{8}\)Enrolled/),
      ]);
      await expectAccessible(page, 'import-results');

      await upload();
      await expect
        .poll(() => page.locator('#import-summary').textContent(), { timeout: 60_000 })
        .toBe('3 rows: 2 already enrolled, 1 to fix.');
    });
    const listed = await eventually(
      () => stack.call('GET', `/v1/programs?agency=${staff.agency}`, { token: hrToken }),
      (r) => (r.body as { items: unknown[] }).items.length >= 2,
      'both imported programs in the list',
    );
    expect((listed.body as { items: unknown[] }).items).toHaveLength(2);
  });
});

describe('a supervisor', () => {
  it('signs off an overdue milestone from the inbox, and the program page shows it in the timeline and the event history', async () => {
    const staff = await newStaff();
    // Appointed seven months ago: m1 (six months) is overdue, m2 and m3 are still to come.
    const { programId, traineeEmployeeId } = await enrolled(enrollmentFixture(addMonths(today(), -7), staff));
    const later = await enrolled(enrollmentFixture(addMonths(today(), -2), staff));
    await withPage(async ({ page }) => {
      await signIn(page, stack.baseUrl, staff.supervisorId, 'supervisor');
      await page.waitForURL(/\/inbox$/);
      const items = page.locator('.inbox-item');
      await items.first().waitFor();
      // Overdue and due within 30 days first: m1 of the first trainee; the rest behind "All",
      // grouped by trainee, the trainee with the earliest due date first.
      const shown = () =>
        items.evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-program')}/${n.getAttribute('data-milestone')}`));
      expect(await shown()).toEqual([`${programId}/m1`]);
      expect(await items.first().textContent()).toContain('Overdue');
      await expectAccessible(page, 'inbox');
      await page.getByRole('radio', { name: /^All/ }).check();
      await expect
        .poll(shown)
        .toEqual([
          `${programId}/m1`,
          `${programId}/m2`,
          `${programId}/m3`,
          `${later.programId}/m1`,
          `${later.programId}/m2`,
          `${later.programId}/m3`,
        ]);

      // A form opened from its button takes focus at its first field, and gives it back on Cancel.
      const activeElement = () =>
        page.evaluate(() => {
          const active = (
            globalThis as unknown as { document: { activeElement: { id: string; getAttribute(name: string): string | null } | null } }
          ).document.activeElement;
          return { id: active?.id ?? '', opens: active?.getAttribute('data-opens') ?? null };
        });
      await page.getByRole('button', { name: `Sign off m2 for Jordan Example (${traineeEmployeeId})` }).click();
      await expect.poll(async () => (await activeElement()).id).toMatch(/signedOn$/);
      await page.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(async () => (await activeElement()).opens).toBe(`sign-off:${programId}/m2`);

      await page.getByRole('button', { name: `Sign off m1 for Jordan Example (${traineeEmployeeId})` }).click();
      // Typing starts once the form has taken focus, as it does for a person.
      await expect.poll(() => focusedElement(page)).toMatch(/signedOn$/);
      const form = page.getByRole('form', { name: /^Sign off milestone m1/ });
      expect(await form.getByLabel('Signed on').inputValue()).toBe(today());
      // A date after today is the rule's 422, shown in the form; correcting it, key by key, keeps
      // the focus where the person types.
      await form.getByLabel('Signed on').fill(addDays(today(), 1));
      await form.getByRole('button', { name: 'Sign off m1' }).click();
      await expect.poll(() => form.locator('.error-summary').textContent()).toContain(`is after today (${today()})`);
      await expect.poll(() => focusedElement(page)).toBe('error-summary');
      await form.getByLabel('Signed on').fill(today());
      await form.getByLabel('Comments (optional)').focus();
      await page.keyboard.type('Rotation complete; strong casework.');
      expect(await form.getByLabel('Comments (optional)').inputValue()).toBe('Rotation complete; strong casework.');
      await screenshot(page, 'inbox-sign-off-form');
      await form.getByRole('button', { name: 'Sign off m1' }).click();
      await page.locator('#inbox-message').waitFor();
      expect(await page.locator('#inbox-message').textContent()).toContain(
        `Milestone m1 (Contract administration rotation) of Jordan Example (${traineeEmployeeId}) is signed off.`,
      );
      expect(await page.locator(`.inbox-item[data-program="${programId}"][data-milestone="m1"]`).count()).toBe(0);

      await page.getByRole('link', { name: traineeEmployeeId }).first().click();
      await page.waitForURL(new RegExp(`/programs/${programId}$`));
      const mark = page.locator('#program-timeline [data-milestone="m1"]');
      await mark.waitFor();
      expect(await mark.getAttribute('data-kind')).toBe('milestone-signed-off');
      expect(await mark.locator('title').textContent()).toContain(`signed off`);
      expect(await page.locator('#program-timeline desc').textContent()).toContain('m1 signed off');
      const signedRow = page.getByRole('list', { name: /Every recorded event/ }).locator('li[data-event-type="milestone-signed-off"]');
      await signedRow.waitFor();
      expect(await signedRow.textContent()).toContain(`${staff.supervisorId} (Supervisor)`);
      expect(await signedRow.textContent()).toContain('Rotation complete; strong casework.');
      await expectAccessible(page, 'program-supervisor');
    });
  });

  it('cannot open the program of another supervisor’s trainee', async () => {
    const mine = await newStaff();
    const theirs = await newStaff();
    const { programId, traineeEmployeeId } = await enrolled(enrollmentFixture(addMonths(today(), -7), theirs));
    await withPage(async ({ page }) => {
      await signIn(page, stack.baseUrl, mine.supervisorId, 'supervisor', `/programs/${programId}`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Program not available');
      expect(await page.getByRole('alert').textContent()).toBe('No program with that id is visible to you.');
      expect(await page.locator('main').textContent()).not.toContain(traineeEmployeeId);
      await expectAccessible(page, 'program-not-visible');

      await page.getByRole('link', { name: 'Inbox' }).click();
      await page.getByText('Nothing awaits your sign-off.').waitFor();
      expect(await page.locator('main').textContent()).not.toContain(traineeEmployeeId);
    });
  });
});

describe('DAS', () => {
  it('sees the rule’s message when an amendment would run past the three-year cap, with focus on it, and nothing is amended', async () => {
    const staff = await newStaff();
    const { programId } = await enrolled(enrollmentFixture(addMonths(today(), -2), staff));
    const program = (await stack.call('GET', `/v1/programs/${programId}`, { token: hrToken })).body as { latestCompletionDate: string };
    await withPage(async ({ page }) => {
      await signIn(page, stack.baseUrl, 'das-0001', 'das', `/programs/${programId}`);
      await page.getByRole('button', { name: 'Amend the schedule', exact: true }).click();
      const form = page.getByRole('form', { name: 'Amend the schedule' });
      await form.waitFor();
      await form.getByLabel('DAS approval reference').fill('DAS-UI-0001');
      await form.getByLabel('New planned end date').fill(addDays(program.latestCompletionDate, 1));
      await form.getByRole('button', { name: 'Amend the schedule' }).click();

      const fieldError = page.locator('#f-plannedEndDate-error');
      await fieldError.waitFor();
      expect(await fieldError.textContent()).toContain('exceeds the three-year maximum of C.G.S. 5-234');
      expect(await page.locator('.error-summary').textContent()).toContain(`the latest allowed is ${program.latestCompletionDate}`);
      // Keyboard: focus is on the summary; its link takes focus to the field.
      await expect.poll(() => focusedElement(page)).toBe('error-summary');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await expect.poll(() => focusedElement(page)).toBe('f-plannedEndDate');
      await expectAccessible(page, 'program-das-amendment-refused');
    });
    const events = await stack.call('GET', `/v1/programs/${programId}/events`, { token: hrToken });
    expect((events.body as { items: { type: string }[] }).items.map((e) => e.type)).not.toContain('schedule-amended');
  });
});

describe('a trainee', () => {
  it('reads their own program with no form but the progress report, submits a report their program manager then reviews, and opens a notice as a PDF', async () => {
    const staff = await newStaff();
    // No experience or education: a qualification shortfall, so a notice at enrollment.
    const body = {
      ...enrollmentFixture(today(), staff),
      priorExperience: { generalYears: 0, specialYears: 0 },
      education: { semesterHours: 0, degrees: [] },
    };
    const { programId, traineeEmployeeId } = await enrolled(body);
    await eventually(
      () => stack.call('GET', `/v1/programs/${programId}/notices`, { token: hrToken }),
      (r) => (r.body as { items: unknown[] }).items.length > 0,
      'the notice',
    );
    await withPage(async ({ page, context }) => {
      await signIn(page, stack.baseUrl, traineeEmployeeId, 'trainee');
      await page.waitForURL(/\/my-program$/);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Your development program');
      await page.locator('.notice').first().waitFor();
      expect(await page.locator('form').count()).toBe(0);
      await page.getByRole('button', { name: 'Submit a progress report', exact: true }).click();
      const report = page.getByRole('form', { name: 'Submit a progress report' });
      await report.waitFor();
      expect(await page.locator('form').count()).toBe(1);
      expect(await page.getByRole('button', { name: /Sign off|Amend|Rate|Retract|Transfer|End the program/ }).count()).toBe(0);
      await expectAccessible(page, 'program-trainee');

      // An empty report is the API's 400, beside the field; then the report goes in, awaiting review.
      await report.getByRole('button', { name: 'Submit the report' }).click();
      await expect.poll(() => page.locator('#f-report-summary-error').count()).toBe(1);
      await report.getByLabel('Your report').fill('Shadowed two step-one grievance meetings and drafted the answers.');
      await report.getByRole('button', { name: 'Submit the report' }).click();
      await expect.poll(() => page.locator('#program-message').textContent()).toContain(`period ending ${today()} is submitted`);
      expect(await page.locator(`.report[data-period-ending="${today()}"]`).textContent()).toContain('Awaiting review');

      const [pdfResponse, popup] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/v1/notices/')),
        context.waitForEvent('page'),
        page
          .getByRole('button', { name: /^Open the PDF/ })
          .first()
          .click(),
      ]);
      expect(pdfResponse.status()).toBe(200);
      expect(pdfResponse.headers()['content-type']).toBe('application/pdf');
      expect(popup.url()).toMatch(/^blob:/);
      await popup.close();
    });

    await withPage(async ({ page }) => {
      // The inbox reads the read model, a moment behind the command.
      await eventually(
        () => stack.call('GET', `/v1/programs?agency=${encodeURIComponent(staff.agency)}&limit=200`, { token: hrToken }),
        (r) =>
          (r.body as { items: { programId: string; progressReports: unknown[] }[] }).items.some(
            (p) => p.programId === programId && p.progressReports.length === 1,
          ),
        'the report in the read model',
      );
      await signIn(page, stack.baseUrl, staff.programManagerId, 'program-manager', '/inbox');
      // The inbox lists the report awaiting review, and leads to the program page where it is reviewed.
      const waiting = page.locator(`.reports-to-review li[data-program="${programId}"]`);
      await waiting.waitFor();
      const shown = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' }).format(
        new Date(`${today()}T00:00:00Z`),
      );
      expect(await waiting.textContent()).toContain(`the period ending ${shown}`);
      await waiting.getByRole('link', { name: traineeEmployeeId }).click();
      await page.waitForURL(new RegExp(`/programs/${programId}$`));
      const item = page.locator(`.report[data-period-ending="${today()}"]`);
      await item.waitFor();
      expect(await item.textContent()).toContain('Shadowed two step-one grievance meetings');
      await item.getByRole('button', { name: `Review the report for the period ending ${today()}` }).click();
      const review = page.getByRole('form', { name: `Review the progress report for the period ending ${today()}` });
      await expect.poll(() => focusedElement(page)).toMatch(/reviewedOn$/);
      await review.getByLabel('Comments (optional)').fill('Good start; take the lead on the next one.');
      await review.getByRole('button', { name: 'Record the review' }).click();
      await expect.poll(() => item.textContent()).toContain('Review: Good start; take the lead on the next one.');
      expect(await item.locator('.badge').textContent()).toBe('Reviewed');
      await page
        .getByRole('list', { name: /Every recorded event/ })
        .locator('li[data-event-type="progress-report-reviewed"]')
        .waitFor();
      await expectAccessible(page, 'program-manager-review');
    });
  });
});
