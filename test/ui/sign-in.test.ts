/**
 * OpenID Connect sign-in end to end, in Debian's Chromium: the web UI sends people to the local
 * OpenID provider (idp/, oidc-provider, the development accounts), they fill its login form, the UI
 * exchanges the code with PKCE and calls the real API (Temporal, worker, PostgreSQL, projector) with
 * the provider's access token. The development sign-in is off here, as in production.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { SignJWT, decodeProtectedHeader, generateKeyPair } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOidcVerifier } from '../../api/oidc.js';
import { loadOidcConfig, type OidcConfig } from '../../api/oidc-config.js';
import { addMonths } from '../../domain/dates.js';
import type { EnrollmentInput } from '../../domain/schemas.js';
import { loadDevelopmentAccounts } from '../../idp/accounts.js';
import { CALLBACK_PATH, SIGNED_OUT_PATH, createDevelopmentProvider } from '../../idp/provider.js';
import { eventually, startApiStack, today, uniqueId, type ApiStack } from '../api/harness.js';
import { enrollmentFixture } from '../integration/harness.js';
import { ensureUiBuilt, launchChromium, screenshot, seriousAccessibilityViolations, usePage, type UiSession } from './harness.js';

const PASSWORD = 'test-password';
const AUDIENCE = 'urn:lap:api';
const PROVIDER_NAME = 'the development identity provider';

let idp: Server;
let issuer: string;
let config: OidcConfig;
let stack: ApiStack;
let browser: Browser;
let hrToken: string;

beforeAll(async () => {
  await ensureUiBuilt();
  // The provider's address goes into the API's configuration, and the API's into the provider's
  // client: listen first, then hand the provider the requests.
  idp = createServer();
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  config = loadOidcConfig({
    OIDC_ISSUER: issuer,
    OIDC_AUDIENCE: AUDIENCE,
    OIDC_ROLE_MAP: await readFile(new URL('../../idp/role-map.dev.json', import.meta.url), 'utf8'),
    OIDC_CLIENT_ID: 'lap-web-ui',
    OIDC_PROVIDER_NAME: PROVIDER_NAME,
    OIDC_SCOPE: 'openid profile lap',
  })!;
  [stack, browser] = await Promise.all([
    startApiStack({ server: { oidc: createOidcVerifier(config), ui: { oidc: config, developmentSignIn: false } } }),
    launchChromium(),
  ]);
  const handler = await createDevelopmentProvider({
    issuer,
    audience: AUDIENCE,
    client: {
      clientId: 'lap-web-ui',
      redirectUris: [`${stack.baseUrl}${CALLBACK_PATH}`],
      postLogoutRedirectUris: [`${stack.baseUrl}${SIGNED_OUT_PATH}`],
    },
    accounts: await loadDevelopmentAccounts(),
    password: PASSWORD,
  });
  idp.on('request', handler);
  hrToken = await stack.token('hr-0001', 'hr');
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  idp?.closeAllConnections();
  await new Promise((resolve) => idp?.close(resolve));
});

const withPage = (run: (session: UiSession) => Promise<void>): Promise<void> => usePage(browser, run);

/** From the app's sign-in page through the provider's login form, as a person would. */
async function signInWithProvider(page: Page, username: string, path = '/'): Promise<void> {
  await page.goto(`${stack.baseUrl}/sign-in?next=${encodeURIComponent(path)}`);
  await page.getByRole('button', { name: `Sign in with ${PROVIDER_NAME}` }).click();
  await page.waitForURL((url) => url.origin === issuer);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.origin === stack.baseUrl && !url.pathname.startsWith('/sign-in'));
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

const storedToken = (page: Page): Promise<string | null> =>
  page.evaluate(() =>
    (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage.getItem('lap.token'),
  );

/** Enrolls through the API and waits until the read model lists the program. */
async function enrolled(body: EnrollmentInput): Promise<string> {
  const response = await stack.call('POST', '/v1/programs', { token: hrToken, body });
  expect(response.status).toBe(201);
  const { programId } = response.body as { programId: string };
  await eventually(
    () => stack.call('GET', `/v1/programs?agency=${encodeURIComponent(body.agency)}&limit=200`, { token: hrToken }),
    (r) => (r.body as { items: { programId: string }[] }).items.some((p) => p.programId === programId),
    'the read model',
  );
  return programId;
}

describe('sign-in through the OpenID provider', () => {
  it('offers only the provider, refuses a wrong password on the provider’s form, and an HR user signs in and enrolls a trainee', async () => {
    const agency = uniqueId('AG');
    const body = enrollmentFixture(today(), { agency, supervisorId: 'sup-0001', programManagerId: 'pm-0001' });
    await withPage(async ({ page }) => {
      await page.goto(`${stack.baseUrl}/enroll`);
      await page.waitForURL(/\/sign-in\?next=%2Fenroll$/);
      await page.getByRole('button', { name: `Sign in with ${PROVIDER_NAME}` }).waitFor();
      expect(await page.getByRole('button', { name: 'Sign in for development' }).count()).toBe(0);
      await screenshot(page, 'sign-in-oidc');
      expect(await seriousAccessibilityViolations(page, 'sign-in-oidc')).toEqual([]);

      await page.getByRole('button', { name: `Sign in with ${PROVIDER_NAME}` }).click();
      await page.waitForURL((url) => url.origin === issuer && url.pathname.startsWith('/interaction/'));
      await page.getByLabel('User name').waitFor();
      await screenshot(page, 'sign-in-oidc-provider');
      await page.getByLabel('User name').fill('hr-0001');
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('not right');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();

      // Back at the page asked for, signed in with the provider's access token.
      await page.waitForURL(`${stack.baseUrl}/enroll`);
      await expect.poll(() => page.getByRole('banner').textContent()).toContain('Signed in as hr-0001 (HR)');
      const token = await storedToken(page);
      expect(decodeProtectedHeader(token ?? '').alg).toBe('ES256');
      expect((await stack.call('GET', '/v1/me', { token: token! })).body).toEqual({ sub: 'hr-0001', roles: ['hr'] });

      await page.getByLabel('Employee id').fill(body.trainee.employeeId);
      await page.getByLabel('Name').fill(body.trainee.name);
      await page.getByLabel('Email').fill(body.trainee.email);
      await page.getByLabel('Agency').fill(body.agency);
      await page.getByLabel('Functional role').fill(body.functionalRole);
      await page.getByLabel('Target class').selectOption(body.targetClassCode);
      await page.getByLabel('Supervisor', { exact: true }).fill(body.supervisorId);
      await page.getByLabel('Program manager', { exact: true }).fill(body.programManagerId);
      await page.getByLabel('Appointment date').fill(body.appointmentDate);
      await page.getByLabel('Hours per week').fill(String(body.hoursPerWeek));
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
        .toBe(`Program of ${body.trainee.name} (${body.trainee.employeeId})`);
    });
    // Recorded as done by the person the provider signed in.
    const listed = await eventually(
      () => stack.call('GET', `/v1/programs?agency=${agency}`, { token: hrToken }),
      (r) => (r.body as { items: unknown[] }).items.length === 1,
      'the read model',
    );
    const [program] = (listed.body as { items: { programId: string; traineeEmployeeId: string }[] }).items;
    expect(program?.traineeEmployeeId).toBe(body.trainee.employeeId);
    const events = await stack.call('GET', `/v1/programs/${program?.programId}/events`, { token: hrToken });
    expect((events.body as { items: { type: string; actor: { id: string; role: string } }[] }).items[0]).toMatchObject({
      type: 'enrolled',
      actor: { id: 'hr-0001', role: 'hr' },
    });
  });

  it('signs a supervisor in to see only their own trainees, and signs them out of the provider too', async () => {
    const mine = await enrolled(
      enrollmentFixture(addMonths(today(), -7), { agency: uniqueId('AG'), supervisorId: 'sup-0001', programManagerId: 'pm-0001' }),
    );
    const theirs = enrollmentFixture(addMonths(today(), -7), {
      agency: uniqueId('AG'),
      supervisorId: 'sup-0002',
      programManagerId: uniqueId('pm'),
    });
    await stack.addStaff(theirs.supervisorId, theirs.programManagerId);
    const theirsId = await enrolled(theirs);
    await withPage(async ({ page }) => {
      await signInWithProvider(page, 'sup-0001');
      await page.waitForURL(/\/inbox$/);
      await expect.poll(() => page.getByRole('banner').textContent()).toContain('Signed in as sup-0001 (Supervisor)');
      const items = page.locator('.inbox-item');
      await page.locator(`.inbox-item[data-program="${mine}"]`).first().waitFor();
      const programs = await items.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-program')));
      expect(programs).toContain(mine);
      expect(programs).not.toContain(theirsId);
      expect(await page.locator('main').textContent()).not.toContain(theirs.trainee.employeeId);

      await page.goto(`${stack.baseUrl}/programs/${theirsId}`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Program not available');

      // Signing out ends the provider's session: the next sign-in asks for the password again.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((url) => url.origin === issuer);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${stack.baseUrl}${SIGNED_OUT_PATH}`);
      expect(await storedToken(page)).toBeNull();
      await page.getByRole('button', { name: `Sign in with ${PROVIDER_NAME}` }).click();
      await page.getByLabel('User name').waitFor();
    });
  });

  it('says so when the person cancels at the provider, and signs nobody in', async () => {
    await withPage(async ({ page }) => {
      await page.goto(`${stack.baseUrl}/sign-in`);
      await page.getByRole('button', { name: `Sign in with ${PROVIDER_NAME}` }).click();
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.waitForURL((url) => url.origin === stack.baseUrl && url.pathname === CALLBACK_PATH);
      await expect.poll(() => page.getByRole('alert').textContent()).toBe('The sign-in was cancelled.');
      expect(await storedToken(page)).toBeNull();
      await page.getByRole('link', { name: 'Sign in again' }).click();
      await page.getByRole('button', { name: `Sign in with ${PROVIDER_NAME}` }).waitFor();
    });
  });
});

describe('tokens the API refuses', () => {
  it('answers 401 to a token from another issuer, and to one for another audience', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const mint = (iss: string, aud: string): Promise<string> =>
      new SignJWT({ groups: ['lap-hr'] })
        .setProtectedHeader({ alg: 'ES256', kid: 'not-the-providers' })
        .setSubject('hr-0001')
        .setIssuer(iss)
        .setAudience(aud)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey);
    for (const token of [
      await mint('https://idp.elsewhere.example', AUDIENCE),
      await mint(issuer, AUDIENCE),
      await mint(issuer, 'urn:another:api'),
    ]) {
      const response = await stack.call('GET', '/v1/programs', { token });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ error: { code: 'invalid-token' } });
    }
  });
});
