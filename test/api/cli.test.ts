/**
 * The command line as a client of the HTTP API, through the real API, Temporal and PostgreSQL: it
 * sends the caller's bearer token, so it can do nothing but sign in without one, and the API's
 * access rules decide the rest; its exit codes come from the one table (client/error-codes.ts).
 * Signing in goes through the development OpenID provider (idp/) in Debian's Chromium; importing goes
 * over HTTP with a progress bar and is safe to run again.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOidcVerifier } from '../../api/oidc.js';
import { loadOidcConfig } from '../../api/oidc-config.js';
import { commandEdges } from '../../client/commands/index.js';
import { EXIT, runCli, tokenFileOf } from '../../client/cli.js';
import { ERROR_CODES, exitCodeOf } from '../../client/error-codes.js';
import type { EnrollmentInput } from '../../domain/schemas.js';
import { loadDevelopmentAccounts } from '../../idp/accounts.js';
import { CLI_CLIENT_ID, createDevelopmentProvider } from '../../idp/provider.js';
import { enrollmentFixture, supervisor, testDatabaseUrl } from '../integration/harness.js';
import { launchChromium } from '../ui/harness.js';
import { IMPORT_CSV_COLUMNS, importCsvRow } from '../fixtures/import-csv.js';
import { runAdmin } from '../../worker/admin.js';
import { eventually, startApiStack, today, uniqueId, type ApiStack } from './harness.js';

const execFileAsync = promisify(execFile);
const PASSWORD = 'test-password';
const AUDIENCE = 'urn:lap:api';

let stack: ApiStack;
let idp: Server;
let dir: string;
let hrToken: string;
let supervisorToken: string;
const agency = uniqueId('CLI');

beforeAll(async () => {
  // The development OpenID provider with the CLI's client, and an API that names it to sign in with.
  idp = createServer();
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  const oidc = loadOidcConfig({
    OIDC_ISSUER: issuer,
    OIDC_AUDIENCE: AUDIENCE,
    OIDC_ROLE_MAP: await readFile(new URL('../../idp/role-map.dev.json', import.meta.url), 'utf8'),
    OIDC_CLIENT_ID: 'lap-web-ui',
    OIDC_SCOPE: 'openid profile lap',
  })!;
  const handler = await createDevelopmentProvider({
    issuer,
    audience: AUDIENCE,
    client: {
      clientId: 'lap-web-ui',
      redirectUris: ['http://127.0.0.1/sign-in/callback'],
      postLogoutRedirectUris: ['http://127.0.0.1/sign-in'],
    },
    cliClientId: CLI_CLIENT_ID,
    accounts: await loadDevelopmentAccounts(),
    password: PASSWORD,
  });
  idp.on('request', handler);
  [stack, dir] = await Promise.all([
    startApiStack({ server: { oidc: createOidcVerifier(oidc), ui: { oidc, developmentSignIn: false } } }),
    mkdtemp(join(tmpdir(), 'lap-cli-')),
  ]);
  [hrToken, supervisorToken] = await Promise.all([stack.token('hr-0001', 'hr'), stack.token(supervisor.id, 'supervisor')]);
});

afterAll(async () => {
  await stack?.stop();
  idp?.closeAllConnections();
  await new Promise((resolve) => idp?.close(resolve));
});

interface RunOptions {
  /** LAP_TOKEN; none: the token sign-in stored under `config`, if any. */
  token?: string;
  /** XDG_CONFIG_HOME: a directory of the test's own (empty: never signed in). */
  config?: string;
  stdin?: string;
  openUrl?: (url: string) => void;
}

async function run(argv: string[], options: RunOptions = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const progress = new PassThrough();
  const drawn: string[] = [];
  progress.on('data', (chunk: Buffer) => drawn.push(chunk.toString()));
  const env = {
    API_URL: stack.baseUrl,
    XDG_CONFIG_HOME: options.config ?? (await mkdtemp(join(dir, 'config-'))),
    ...(options.token ? { LAP_TOKEN: options.token } : {}),
  };
  const code = await runCli(
    argv,
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    {
      env,
      progress,
      readStdin: async () => options.stdin ?? '',
      ...(options.openUrl ? { openUrl: options.openUrl } : {}),
    },
  );
  return { code, out: out.join('\n'), err: err.join('\n'), progress: drawn.join('') };
}

const asHr = (...argv: string[]) => run(argv, { token: hrToken });

async function enrollmentFile(name: string, body: EnrollmentInput): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(body));
  return file;
}

describe('the command line without a token', () => {
  it('refuses every verb but sign-in, before sending anything, with the exit code the table gives a 401', async () => {
    const verbs = ['whoami', 'enroll', 'preview', 'show', 'events', 'list', 'import', ...commandEdges.map((c) => c.name)];
    const file = await enrollmentFile('refused.json', enrollmentFixture(today(), { agency }));
    for (const verb of verbs) {
      const refused = await run([verb, file, 'm1', '--on', today()]);
      expect({ verb, code: refused.code }).toEqual({ verb, code: ERROR_CODES['missing-token'].exit });
      expect(refused.err).toContain('sign in first: npm run cli -- sign-in');
    }
    expect(EXIT.unauthenticated).toBe(exitCodeOf({ status: 401 }));
    // Nothing reached the API: the agency has no program.
    expect((await stack.call('GET', `/v1/programs?agency=${agency}`, { token: hrToken })).body).toMatchObject({ items: [] });
    // Help needs no token.
    const help = await run(['--help']);
    expect(help.code).toBe(EXIT.ok);
    expect(help.out).toContain('sign-in');
    expect(help.out).toContain('sign-off');
  });

  it('keeps a token given on standard input only if the API accepts it, in a file only its owner may read; sign-out forgets it', async () => {
    const config = await mkdtemp(join(dir, 'config-'));
    const refused = await run(['sign-in', '--with-token'], { config, stdin: 'not-a-token\n' });
    expect(refused.code).toBe(ERROR_CODES['invalid-token'].exit);
    await expect(stat(tokenFileOf({ XDG_CONFIG_HOME: config }))).rejects.toThrow();

    const signedIn = await run(['sign-in', '--with-token'], { config, stdin: `${hrToken}\n` });
    expect(signedIn.code).toBe(EXIT.ok);
    expect(signedIn.out).toContain('signed in as hr-0001 (hr)');
    const file = tokenFileOf({ XDG_CONFIG_HOME: config });
    expect(file).toBe(join(config, 'lap', 'token'));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await run(['whoami'], { config })).out).toContain('hr-0001 (hr)');

    expect((await run(['sign-out'], { config })).code).toBe(EXIT.ok);
    expect((await run(['whoami'], { config })).code).toBe(EXIT.unauthenticated);
  });
});

describe('the command line with a token: the API decides', () => {
  it('enrolls with an HR token', async () => {
    const file = await enrollmentFile('enroll.json', enrollmentFixture(today(), { agency }));
    const enrolled = await asHr('enroll', file, '--json');
    expect(enrolled.code).toBe(EXIT.ok);
    const { programId } = JSON.parse(enrolled.out) as { programId: string };
    expect((await stack.call('GET', `/v1/programs/${programId}`, { token: hrToken })).status).toBe(200);
    // The same trainee again: the API's 409, a conflicting state, by the table.
    const again = await asHr('enroll', file);
    expect(again.code).toBe(ERROR_CODES['trainee-already-enrolled'].exit);
    expect(again.err).toContain('409 trainee-already-enrolled');
  });

  it("refuses to enroll with a supervisor's token: 403, and the exit code the table gives it", async () => {
    const file = await enrollmentFile('forbidden.json', enrollmentFixture(today(), { agency: uniqueId('NO') }));
    const refused = await run(['enroll', file], { token: supervisorToken });
    expect(refused.code).toBe(ERROR_CODES.forbidden.exit);
    expect(refused.code).toBe(EXIT.forbidden);
    expect(refused.err).toContain('the API refused (403 forbidden)');
    const json = await run(['enroll', file, '--json'], { token: supervisorToken });
    expect(JSON.parse(json.err)).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('runs the program commands from their specs: arguments from the path, flags into the body, exit codes from the table', async () => {
    const { programId } = JSON.parse(
      (await asHr('enroll', await enrollmentFile('commands.json', enrollmentFixture(today(), { agency })), '--json')).out,
    ) as { programId: string };
    const asSupervisor = (...argv: string[]) => run(argv, { token: supervisorToken });

    const signed = await asSupervisor('sign-off', programId, 'm1', '--on', today(), '--comments', 'Done well');
    expect(signed.code).toBe(EXIT.ok);
    expect(signed.out).toMatch(/m1\s+\S+\s+signed-off/);

    const badRating = await asSupervisor('rate', programId, '--rating', 'great', '--on', today(), '--json');
    expect(badRating.code).toBe(EXIT.invalid);
    expect(JSON.parse(badRating.err)).toMatchObject({ error: { code: 'invalid-input', issues: [{ path: 'rating' }] } });
    expect((await asSupervisor('sign-off', programId, 'm2')).code).toBe(EXIT.invalid); // --on is required
    expect((await asSupervisor('sign-off', programId, 'no-such-milestone', '--on', today())).code).toBe(EXIT.rule);
    expect((await asSupervisor('show', 'p-does-not-exist')).code).toBe(EXIT.notFound);
    // Another supervisor's program: not theirs to act on.
    const stranger = await run(['sign-off', programId, 'm2', '--on', today()], { token: await stack.token('sup-9999', 'supervisor') });
    expect(stranger.code).toBe(EXIT.forbidden);
    // The HR commands are HR's: the supervisor's token is refused.
    expect((await asSupervisor('withdraw', programId, '--on', today(), '--reason', 'test')).code).toBe(EXIT.forbidden);

    await stack.addStaff('sup-cli-2');
    const moved = await asHr('transfer', programId, '--on', today(), '--supervisor', 'sup-cli-2', '--reason', 'Reassigned');
    expect(moved.code).toBe(EXIT.ok);
    expect(moved.out).toMatch(/supervisor \/ PM\s+sup-cli-2 \/ /);

    const events = await eventually(
      () => asHr('events', programId),
      (r) => r.out.includes('milestone-signed-off'),
      'the events to be recorded',
    );
    expect(events.code).toBe(EXIT.ok);
    expect(events.out.split('\n').map((l) => l.trim().split(/\s+/).at(-1))).toEqual(
      expect.arrayContaining(['enrolled', 'milestone-signed-off']),
    );
    expect((await asHr('withdraw', programId, '--on', today(), '--reason', 'test complete')).code).toBe(EXIT.ok);
  });

  it('previews an enrollment file: every rule it breaks, and the program as it would be, with nothing started', async () => {
    const fixture = enrollmentFixture(today());
    const file = await enrollmentFile('preview.json', { ...fixture, programManagerId: fixture.trainee.employeeId });
    const previewed = await asHr('preview', file);
    expect(previewed.code).toBe(EXIT.rule);
    expect(previewed.out).toContain('supervisor-is-trainee (programManagerId)');
    expect(previewed.out).toContain('checklist');
    const json = JSON.parse((await asHr('preview', file, '--json')).out) as { violations: unknown[]; program: { programId: string } };
    expect(json.violations).toHaveLength(1);
    expect(json.program.programId).toBe('preview');
  });

  it('shows a program with its reclassification checklist and the day it would be reclassified', async () => {
    const { programId } = await stack.programs.enroll(enrollmentFixture(today()), { id: 'hr-0001', role: 'hr' });
    const shown = await asHr('show', programId);
    expect(shown.code).toBe(EXIT.ok);
    expect(shown.out).toContain('checklist');
    expect(shown.out).toMatch(/\[ \] milestones-signed-off\s+Open: m1 \(due/);
    expect(shown.out).toMatch(/\[ \] service-rated-satisfactory\s+No service rating yet/);
    expect(shown.out).toMatch(/\[ \] minimum-period-served\s+The minimum period is served on \d{4}-\d{2}-\d{2}/);
    expect(shown.out).toMatch(/reclassifies on\s+\d{4}-\d{2}-\d{2} \(if the rest is done in time\)/);
  });

  it('runs as compiled JavaScript under plain node (npm run cli), with the token from LAP_TOKEN', async () => {
    await execFileAsync(process.execPath, ['--import', 'tsx', 'client/build-cli.ts']);
    const { programId } = await stack.programs.enroll(enrollmentFixture(today()), { id: 'hr-0001', role: 'hr' });
    const env = { PATH: process.env.PATH, HOME: dir, API_URL: stack.baseUrl, LAP_TOKEN: hrToken };
    const { stdout } = await execFileAsync(process.execPath, ['dist/cli/cli.mjs', 'show', programId, '--json'], { env });
    expect(JSON.parse(stdout)).toMatchObject({ programId, status: 'active', version: expect.any(Number) });
    const refused = await execFileAsync(process.execPath, ['dist/cli/cli.mjs', 'show', programId], {
      env: { ...env, LAP_TOKEN: '' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: EXIT.unauthenticated, stderr: expect.stringContaining('sign in first') });
  });
});

describe('signing in through the OpenID provider', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('prints the address to open, takes the code at its loopback address, and keeps the access token; the API knows who it is', async () => {
    const config = await mkdtemp(join(dir, 'config-'));
    let opened!: (url: string) => void;
    const address = new Promise<string>((resolve) => (opened = resolve));
    const signingIn = run(['sign-in'], { config, openUrl: (url) => opened(url) });

    const url = new URL(await address);
    expect(url.searchParams.get('client_id')).toBe(CLI_CLIENT_ID);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const page = await browser.newPage();
    try {
      await page.goto(url.href);
      await page.getByLabel('User name').fill('hr-0001');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      // A native client: the provider asks the person to confirm it is their own sign-in.
      await page.getByRole('heading', { name: 'Allow the command line?' }).waitFor();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByText('Signed in. You may close this tab').waitFor();
    } finally {
      await page.close();
    }
    const signedIn = await signingIn;
    expect(signedIn.code).toBe(EXIT.ok);
    expect(signedIn.out).toContain('signed in as hr-0001 (hr)');
    const stored = (await readFile(tokenFileOf({ XDG_CONFIG_HOME: config }), 'utf8')).trim();
    expect(stored.split('.')).toHaveLength(3);
    expect((await run(['whoami'], { config })).out).toContain('hr-0001 (hr)');
    const file = await enrollmentFile('signed-in.json', enrollmentFixture(today(), { agency }));
    expect((await run(['enroll', file], { config })).code).toBe(EXIT.ok);
  });
});

describe('importing over the API', () => {
  const HEADER = IMPORT_CSV_COLUMNS.join(',');

  const csvRow = importCsvRow;

  const importAgency = uniqueId('IMP');

  it('imports a CSV file in chunks with a progress bar, reports the bad row, and runs again without duplicates', async () => {
    const rows = Array.from({ length: 7 }, () => csvRow(enrollmentFixture(today(), { agency: importAgency })));
    rows.splice(3, 0, csvRow(enrollmentFixture(today(), { agency: importAgency })).replace(',40,', ',forty,'));
    const file = join(dir, 'trainees.csv');
    await writeFile(file, [HEADER, ...rows].join('\n'));

    const first = await asHr('import', file, '--chunk-size', '3');
    expect(first.code).toBe(EXIT.invalid);
    expect(first.progress).toMatch(/importing .* 8\/8 rows/);
    const lines = first.out.split('\n');
    expect(lines[0]).toMatch(/^row\s+status\s+program\s+problem$/);
    expect(lines.filter((l) => /^\d+\s+created\s+p-/.test(l))).toHaveLength(7);
    expect(lines.find((l) => l.startsWith('4 '))).toMatch(/^4\s+invalid\s+invalid-input; hoursPerWeek: /);
    expect(first.out).toContain('7 created, 0 already enrolled, 1 invalid, 0 rejected, 0 failed');

    const again = await asHr('import', file, '--chunk-size', '5', '--json');
    expect(again.code).toBe(EXIT.invalid);
    const { summary } = JSON.parse(again.out) as { summary: Record<string, number> };
    expect(summary).toEqual({ rows: 8, created: 0, alreadyEnrolled: 7, invalid: 1, rejected: 0, failed: 0 });
  });

  it('imports a JSON file, and says what is wrong when it cannot', async () => {
    const file = join(dir, 'trainees.json');
    await writeFile(
      file,
      JSON.stringify([
        enrollmentFixture(today(), { agency: importAgency }),
        enrollmentFixture(today(), { agency: importAgency, hoursPerWeek: 20 }),
      ]),
    );
    const imported = await asHr('import', file);
    expect(imported.code).toBe(EXIT.rule);
    expect(imported.out).toMatch(/2\s+rejected\s+not-full-time/);

    const forbidden = await run(['import', file], { token: supervisorToken });
    expect(forbidden.code).toBe(EXIT.forbidden);
    expect(forbidden.err).toContain('403 forbidden');
    expect((await asHr('import', join(dir, 'missing.csv'))).code).toBe(EXIT.invalid);
  });

  it('lists programs as a table, or as JSON, with filters and pages', async () => {
    await eventually(
      async () => (await asHr('list', '--agency', importAgency, '--json')).out,
      (out) => (JSON.parse(out) as { items: unknown[] }).items.length >= 8,
      'the read model to hold the imported programs',
    );
    const listed = await asHr('list', '--agency', importAgency, '--limit', '3');
    expect(listed.code).toBe(EXIT.ok);
    const [header, rule, ...rest] = listed.out.split('\n');
    expect(header).toMatch(/^program\s+status\s+agency\s+class\s+appointed\s+earliest\s+latest\s+signed$/);
    expect(rule).toMatch(/^-+/);
    expect(rest.filter((l) => l.startsWith('p-'))).toHaveLength(3);
    expect(listed.out).toMatch(/more: --cursor \S+/);

    expect((await asHr('list', '--status', 'sleeping')).code).toBe(EXIT.invalid);
    expect((await asHr('list', '--limit', '1000')).code).toBe(EXIT.invalid);
    expect((await asHr('list', '--cursor', 'not-a-cursor')).code).toBe(EXIT.invalid);
  });
});

describe('the admin tool (operators: PostgreSQL and the secrets directly)', () => {
  const admin = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdmin(
      argv,
      { out: (l) => out.push(l), err: (l) => err.push(l) },
      { AUTH_JWT_SECRET: stack.secret, DATABASE_URL: testDatabaseUrl },
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('says it is for operators, and mints a token the API accepts, for the roles asked, that the CLI can sign in with', async () => {
    const help = await admin('--help');
    expect(help.out).toContain('For operators only. Talks to PostgreSQL directly');
    const minted = await admin('token', '--sub', 'hr-0042', '--role', 'hr', '--role', 'auditor', '--ttl', '10m', '--json');
    expect(minted.code).toBe(0);
    const { token, roles } = JSON.parse(minted.out) as { token: string; roles: string[] };
    expect(roles).toEqual(['hr', 'auditor']);
    expect((await stack.call('GET', '/v1/target-classes', { token })).status).toBe(200);
    const config = await mkdtemp(join(dir, 'config-'));
    expect((await run(['sign-in', '--with-token'], { config, stdin: token })).out).toContain('signed in as hr-0042 (hr, auditor)');

    expect((await admin('token', '--sub', 'hr-0042', '--role', 'root')).code).toBe(2);
    expect((await admin('token', '--role', 'hr')).code).toBe(2);
    expect((await admin('token', '--sub', 'hr-0042', '--role', 'hr', '--ttl', 'a while')).code).toBe(2);
    expect((await admin('token', '--sub', 'hr-0042', '--role', 'hr', '--ttl', '13h')).code).toBe(2);
  });

  it('applies migrations and loads the staff directory', async () => {
    expect(await admin('migrate')).toMatchObject({ code: 0, out: 'migrations applied' });
    const loaded = await admin('load-staff', 'db/seeds/staff-directory.dev.json');
    expect(loaded.code).toBe(0);
    expect(loaded.out).toMatch(/^staff directory: \d+ entries loaded/);
    expect((await admin('load-staff', 'no-such-file.json')).code).toBe(1);
  });
});
