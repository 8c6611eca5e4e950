/**
 * The authorization matrix of shared/API.md: every endpoint, asked by each kind of caller, answers
 * with the status the contract names. Another's program is a 404 to read and a 403 to act on.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import type { ProgramClient } from '../../client/programs.js';
import { addDays, addMonths } from '../../domain/dates.js';
import type { EnrollmentInput } from '../../domain/schemas.js';
import { enrollmentFixture } from '../integration/harness.js';
import { eventually, startApiStack, today, uniqueId, type ApiStack } from './harness.js';

const PRINCIPALS = [
  'hr',
  'own supervisor',
  'other supervisor',
  'own program manager',
  'trainee',
  'das',
  'auditor',
  'no token',
  'bad token',
] as const;
type PrincipalName = (typeof PRINCIPALS)[number];

let stack: ApiStack;
const tokens = new Map<PrincipalName, string | undefined>();
const ownSupervisor = uniqueId('sup');
const otherSupervisor = uniqueId('sup');
const ownManager = uniqueId('pm');
const traineeId = uniqueId('E');
const agency = uniqueId('MATRIX');
/** The program every row reads or acts on, one for the withdrawal, and a notice of the first. */
let programId: string;
let withdrawnId: string;
let noticeId: string;

const enrollment = (employeeId = uniqueId('E')): EnrollmentInput => {
  const base = enrollmentFixture(today(), { agency, supervisorId: ownSupervisor, programManagerId: ownManager });
  return { ...base, trainee: { ...base.trainee, employeeId } };
};

beforeAll(async () => {
  stack = await startApiStack();
  await stack.addStaff(ownSupervisor, otherSupervisor, ownManager);
  const sign = (sub: string, role: Parameters<ApiStack['token']>[1]) => stack.token(sub, role);
  tokens.set('hr', await sign('hr-0001', 'hr'));
  tokens.set('own supervisor', await sign(ownSupervisor, 'supervisor'));
  tokens.set('other supervisor', await sign(otherSupervisor, 'supervisor'));
  tokens.set('own program manager', await sign(ownManager, 'program-manager'));
  tokens.set('trainee', await sign(traineeId, 'trainee'));
  tokens.set('das', await sign('das-0001', 'das'));
  tokens.set('auditor', await sign('aud-0001', 'auditor'));
  tokens.set('no token', undefined);
  tokens.set('bad token', await mintToken('a-different-secret-of-at-least-32-characters', { sub: 'hr-0001', roles: ['hr'], ttl: '1h' }));

  // No prior experience or education: a qualification shortfall, and so a notice at enrollment.
  const traineeProgram = {
    ...enrollment(traineeId),
    priorExperience: { generalYears: 0, specialYears: 0 },
    education: { semesterHours: 0, degrees: [] },
  };
  const hr = tokens.get('hr');
  const created = await stack.call('POST', '/v1/programs', { token: hr, body: traineeProgram });
  programId = (created.body as { programId: string }).programId;
  withdrawnId = ((await stack.call('POST', '/v1/programs', { token: hr, body: enrollment() })).body as { programId: string }).programId;
  const notices = await eventually(
    () => stack.call('GET', `/v1/programs/${programId}/notices`, { token: hr }),
    (r) => (r.body as { items: unknown[] }).items.length > 0,
    'the qualification notice',
  );
  noticeId = (notices.body as { items: { noticeId: string }[] }).items[0]?.noticeId ?? '';
  await eventually(
    () => stack.call('GET', `/v1/programs?agency=${agency}`, { token: hr }),
    (r) => (r.body as { items: unknown[] }).items.length === 2,
    'the read model',
  );
});

afterAll(async () => {
  await stack?.stop();
});

interface Row {
  endpoint: string;
  method: 'GET' | 'POST';
  path: () => string;
  body?: () => unknown;
  /** Statuses in the order of PRINCIPALS. */
  expected: [number, number, number, number, number, number, number, number, number];
}

//                    hr   own  other  pm  trainee das  auditor none bad
const ROWS: Row[] = [
  { endpoint: 'GET /v1/health', method: 'GET', path: () => '/v1/health', expected: [200, 200, 200, 200, 200, 200, 200, 200, 200] },
  {
    endpoint: 'GET /v1/openapi.json',
    method: 'GET',
    path: () => '/v1/openapi.json',
    expected: [200, 200, 200, 200, 200, 200, 200, 200, 200],
  },
  {
    endpoint: 'GET /v1/target-classes',
    method: 'GET',
    path: () => '/v1/target-classes',
    expected: [200, 200, 200, 200, 200, 200, 200, 401, 401],
  },
  {
    endpoint: 'POST /v1/programs',
    method: 'POST',
    path: () => '/v1/programs',
    body: () => enrollment(),
    expected: [201, 403, 403, 403, 403, 403, 403, 401, 401],
  },
  {
    endpoint: 'POST /v1/programs/import',
    method: 'POST',
    path: () => '/v1/programs/import',
    body: () => [enrollment()],
    expected: [200, 403, 403, 403, 403, 403, 403, 401, 401],
  },
  {
    endpoint: 'GET /v1/programs',
    method: 'GET',
    path: () => `/v1/programs?agency=${agency}`,
    expected: [200, 200, 200, 200, 403, 200, 200, 401, 401],
  },
  {
    endpoint: 'GET /v1/programs/{programId}',
    method: 'GET',
    path: () => `/v1/programs/${programId}`,
    expected: [200, 200, 404, 200, 200, 200, 200, 401, 401],
  },
  {
    endpoint: 'POST …/milestones/{milestoneId}/sign-off',
    method: 'POST',
    path: () => `/v1/programs/${programId}/milestones/m1/sign-off`,
    body: () => ({ signedOn: today() }),
    expected: [403, 200, 403, 200, 403, 403, 403, 401, 401],
  },
  {
    endpoint: 'POST …/schedule-amendments',
    method: 'POST',
    path: () => `/v1/programs/${programId}/schedule-amendments`,
    body: () => ({ dasApprovalRef: 'DAS-MATRIX-1', approvedOn: today(), plannedEndDate: addMonths(today(), 20) }),
    expected: [403, 403, 403, 403, 403, 200, 403, 401, 401],
  },
  {
    endpoint: 'POST …/service-ratings',
    method: 'POST',
    path: () => `/v1/programs/${programId}/service-ratings`,
    body: () => ({ rating: 'satisfactory', ratedOn: today() }),
    expected: [403, 200, 403, 200, 403, 403, 403, 401, 401],
  },
  {
    endpoint: 'POST …/leaves',
    method: 'POST',
    path: () => `/v1/programs/${programId}/leaves`,
    body: () => ({ from: addDays(today(), 30), to: addDays(today(), 31), kind: 'sick' }),
    expected: [200, 403, 403, 403, 403, 403, 403, 401, 401],
  },
  {
    endpoint: 'POST …/progress-reports',
    method: 'POST',
    path: () => `/v1/programs/${programId}/progress-reports`,
    body: () => ({ periodEnding: today(), summary: 'Authorization matrix' }),
    expected: [403, 403, 403, 403, 200, 403, 403, 401, 401],
  },
  {
    endpoint: 'POST …/progress-reports/{periodEnding}/review',
    method: 'POST',
    path: () => `/v1/programs/${programId}/progress-reports/${today()}/review`,
    body: () => ({ reviewedOn: today() }),
    expected: [403, 200, 403, 200, 403, 403, 403, 401, 401],
  },
  {
    // The sign-off above, retracted by HR; the callers after it find it retracted already (200, nothing new).
    endpoint: 'POST …/retraction',
    method: 'POST',
    path: () => `/v1/programs/${programId}/milestones/m1/retraction`,
    body: () => ({ reason: 'Authorization matrix' }),
    expected: [200, 200, 403, 200, 403, 403, 403, 401, 401],
  },
  {
    endpoint: 'POST …/leaves/cancellations',
    method: 'POST',
    path: () => `/v1/programs/${programId}/leaves/cancellations`,
    body: () => ({ from: addDays(today(), 30), to: addDays(today(), 31), reason: 'Authorization matrix' }),
    expected: [200, 403, 403, 403, 403, 403, 403, 401, 401],
  },
  {
    // The program's own agency: accepted with nothing to change, so the rows after it keep their callers.
    endpoint: 'POST …/transfers',
    method: 'POST',
    path: () => `/v1/programs/${withdrawnId}/transfers`,
    body: () => ({ effectiveOn: today(), agency }),
    expected: [200, 403, 403, 403, 403, 403, 403, 401, 401],
  },
  {
    endpoint: 'POST …/withdrawal',
    method: 'POST',
    path: () => `/v1/programs/${withdrawnId}/withdrawal`,
    body: () => ({ effectiveOn: today(), reason: 'Authorization matrix' }),
    expected: [200, 403, 403, 403, 403, 403, 403, 401, 401],
  },
  {
    endpoint: 'GET …/events',
    method: 'GET',
    path: () => `/v1/programs/${programId}/events`,
    expected: [200, 200, 404, 200, 200, 200, 200, 401, 401],
  },
  {
    endpoint: 'GET …/notices',
    method: 'GET',
    path: () => `/v1/programs/${programId}/notices`,
    expected: [200, 200, 404, 200, 200, 200, 200, 401, 401],
  },
  {
    endpoint: 'GET …/summary (PDF)',
    method: 'GET',
    path: () => `/v1/programs/${programId}/summary`,
    expected: [200, 200, 404, 200, 200, 200, 200, 401, 401],
  },
  {
    endpoint: 'GET /v1/notices/{noticeId}',
    method: 'GET',
    path: () => `/v1/notices/${encodeURIComponent(noticeId)}`,
    expected: [200, 200, 404, 200, 200, 200, 200, 401, 401],
  },
  // Another trainee's program (same supervisor and manager): the trainee does not see it.
  {
    endpoint: "GET another trainee's program",
    method: 'GET',
    path: () => `/v1/programs/${withdrawnId}`,
    expected: [200, 200, 404, 200, 404, 200, 200, 401, 401],
  },
  // A program that does not exist looks like someone else's: 404 to read, 403 to act on.
  {
    endpoint: 'GET an unknown program',
    method: 'GET',
    path: () => '/v1/programs/p-unknown',
    expected: [404, 404, 404, 404, 404, 404, 404, 401, 401],
  },
  {
    endpoint: 'sign off on an unknown program',
    method: 'POST',
    path: () => '/v1/programs/p-unknown/milestones/m1/sign-off',
    body: () => ({ signedOn: today() }),
    expected: [403, 403, 403, 403, 403, 403, 403, 401, 401],
  },
  {
    endpoint: 'leave on an unknown program',
    method: 'POST',
    path: () => '/v1/programs/p-unknown/leaves',
    body: () => ({ from: today(), to: today(), kind: 'sick' }),
    expected: [404, 403, 403, 403, 403, 403, 403, 401, 401],
  },
];

describe('the authorization matrix', () => {
  it.each(ROWS)('$endpoint answers each caller as the contract says', async (row) => {
    const actual: Record<string, number> = {};
    const expected: Record<string, number> = {};
    for (const [index, principal] of PRINCIPALS.entries()) {
      const response = await stack.call(row.method, row.path(), {
        token: tokens.get(principal),
        ...(row.body ? { body: row.body() } : {}),
      });
      actual[principal] = response.status;
      expected[principal] = row.expected[index] ?? 0;
      if (response.status >= 400) {
        expect(response.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      }
    }
    expect(actual).toEqual(expected);
  });
});

describe('who acts and who sees', () => {
  it('records the actor from the token, in the role that authorized the command', async () => {
    const events = await eventually(
      () => stack.call('GET', `/v1/programs/${programId}/events`, { token: tokens.get('auditor') }),
      (r) => (r.body as { items: { type: string }[] }).items.filter((e) => e.type === 'service-rated').length === 2,
      'both ratings',
    );
    const items = (events.body as { items: { type: string; actor: { id: string; role: string } }[] }).items;
    expect(items.filter((e) => e.type === 'milestone-signed-off').map((e) => e.actor)).toEqual([{ id: ownSupervisor, role: 'supervisor' }]);
    expect(items.filter((e) => e.type === 'service-rated').map((e) => e.actor)).toEqual([
      { id: ownSupervisor, role: 'supervisor' },
      { id: ownManager, role: 'program-manager' },
    ]);
    expect(items.find((e) => e.type === 'schedule-amended')?.actor).toEqual({ id: 'das-0001', role: 'das' });
  });

  it('lists to a supervisor only the programs they supervise', async () => {
    const listed = async (principal: PrincipalName) =>
      (
        (await stack.call('GET', `/v1/programs?agency=${agency}&limit=200`, { token: tokens.get(principal) })).body as {
          items: { programId: string }[];
        }
      ).items.map((p) => p.programId);
    expect(await listed('own supervisor')).toEqual(expect.arrayContaining([programId, withdrawnId]));
    expect(await listed('own program manager')).toEqual(expect.arrayContaining([programId]));
    expect(await listed('other supervisor')).toEqual([]);
    expect((await listed('auditor')).length).toBeGreaterThanOrEqual(2);
  });

  it('refuses expired tokens, tokens without a usable subject, and tokens whose roles it does not know', async () => {
    const key = new TextEncoder().encode(stack.secret);
    const expired = await new SignJWT({ roles: ['hr'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('hr-0001')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key);
    const response = await stack.call('GET', '/v1/target-classes', { token: expired });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.body).toMatchObject({ error: { code: 'token-expired' } });

    const noExpiry = await new SignJWT({ roles: ['hr'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('hr-0001').sign(key);
    expect((await stack.call('GET', '/v1/target-classes', { token: noExpiry })).status).toBe(401);
    const badSubject = await mintToken(stack.secret, { sub: 'Jordan Example <jordan@example.gov>', roles: ['hr'], ttl: '1h' });
    expect((await stack.call('GET', '/v1/target-classes', { token: badSubject })).status).toBe(401);
    const unknownRole = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('root')
      .setExpirationTime('1h')
      .sign(key);
    expect((await stack.call('GET', '/v1/target-classes', { token: unknownRole })).status).toBe(403);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"hr-0001","roles":["hr"],"exp":9999999999}').toString('base64url')}.`;
    expect((await stack.call('GET', '/v1/target-classes', { token: unsigned })).status).toBe(401);
    expect((await stack.call('GET', '/v1/target-classes', { headers: { authorization: 'Basic aHI6aHI=' } })).status).toBe(401);
  });

  it('lets a token with several roles act in the one that allows the command', async () => {
    const both = await stack.token(ownSupervisor, 'trainee', 'supervisor');
    const response = await stack.call('POST', `/v1/programs/${programId}/milestones/m2/sign-off`, {
      token: both,
      body: { signedOn: today() },
    });
    expect(response.status).toBe(200);
    expect(
      (response.body as { milestones: { id: string; signedOffBy?: string }[] }).milestones.find((m) => m.id === 'm2')?.signedOffBy,
    ).toBe(ownSupervisor);
  });
});

describe('commands checked where the program is', () => {
  it("decides a supervisor's, program manager's and trainee's right to act in the program's own Update, with no read before it", async () => {
    // The same server, but counting every read of a workflow (the query `show`).
    let reads = 0;
    const counting: ProgramClient = {
      ...stack.programs,
      show: (id: string) => {
        reads += 1;
        return stack.programs.show(id);
      },
    };
    const app = await buildApiServer({
      programs: counting,
      db: stack.db,
      temporal: stack.env.client,
      authSecret: stack.secret,
      rateLimits: { writesPerMinute: 1_000_000, authFailuresPerMinute: 1_000_000 },
    });
    try {
      const send = async (principal: PrincipalName, url: string, payload: unknown) =>
        (
          await app.inject({
            method: 'POST',
            url,
            headers: { authorization: `Bearer ${tokens.get(principal) ?? ''}` },
            payload: payload as object,
          })
        ).statusCode;
      expect(await send('own supervisor', `/v1/programs/${programId}/milestones/m3/sign-off`, { signedOn: today() })).toBe(200);
      expect(
        await send('own program manager', `/v1/programs/${programId}/service-ratings`, { rating: 'satisfactory', ratedOn: today() }),
      ).toBe(200);
      expect(
        await send('trainee', `/v1/programs/${programId}/progress-reports`, { periodEnding: today(), summary: 'Authorization matrix' }),
      ).toBe(200);
      // Refused by the validator: nothing recorded, and still nothing read first.
      expect(await send('other supervisor', `/v1/programs/${programId}/milestones/m4/sign-off`, { signedOn: today() })).toBe(403);
      expect(reads).toBe(0);
      // No validator runs for a program that does not exist: then the answer is the same 403, read to decide it.
      expect(await send('own supervisor', '/v1/programs/p-unknown/milestones/m1/sign-off', { signedOn: today() })).toBe(403);
    } finally {
      await app.close();
    }
    const events = await eventually(
      () => stack.call('GET', `/v1/programs/${programId}/events`, { token: tokens.get('auditor') }),
      (r) =>
        (r.body as { items: { type: string; data: { milestoneId?: string } }[] }).items.some(
          (e) => e.type === 'milestone-signed-off' && e.data.milestoneId === 'm3',
        ),
      'the sign-off of m3',
    );
    const signedOff = (events.body as { items: { type: string; data: { milestoneId?: string } }[] }).items.filter(
      (e) => e.type === 'milestone-signed-off',
    );
    expect(signedOff.map((e) => e.data.milestoneId)).not.toContain('m4');
  });
});
