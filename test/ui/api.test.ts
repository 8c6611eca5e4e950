/**
 * What the web UI asks of the server beyond the contract's resources: who the caller is, the
 * dashboard, the inbox, a trainee's own programs, the development-only sign-in, and the UI itself
 * served at `/` with /v1 kept for the API. Real servers (test/api/harness.ts); every /v1 answer is
 * checked against the OpenAPI document the server serves.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApiServer } from '../../api/server.js';
import { addDays, addMonths, daysBetween } from '../../domain/dates.js';
import type { EnrollmentInput } from '../../domain/schemas.js';
import type { ProgramView } from '../../domain/view.js';
import type { Dashboard, Inbox, Me } from '../../ui/src/api-types.js';
import { eventually, startApiStack, today, uniqueId, type ApiStack } from '../api/harness.js';
import { enrollmentFixture } from '../integration/harness.js';
import { ensureUiBuilt } from './harness.js';

let stack: ApiStack;
let hrToken: string;

beforeAll(async () => {
  await ensureUiBuilt();
  stack = await startApiStack();
  hrToken = await stack.token('hr-0001', 'hr');
});

afterAll(async () => {
  await stack?.stop();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

async function enroll(body: EnrollmentInput): Promise<ProgramView> {
  const response = await stack.call('POST', '/v1/programs', { token: hrToken, body });
  expect(response.status).toBe(201);
  return response.body as ProgramView;
}

/** Waits until the read model lists every program of the agency. */
async function projected(agency: string, count: number): Promise<void> {
  await eventually(
    () => stack.call('GET', `/v1/programs?agency=${agency}&limit=200`, { token: hrToken }),
    (r) => (r.body as { items: unknown[] }).items.length === count,
    'the read model',
  );
}

describe('GET /v1/me', () => {
  it('answers the subject and the roles of the token, and 401 without one', async () => {
    const token = await stack.token('sup-me-1', 'supervisor', 'program-manager');
    const me = await stack.call('GET', '/v1/me', { token });
    expect(me).toMatchObject({ status: 200, body: { sub: 'sup-me-1', roles: ['supervisor', 'program-manager'] } satisfies Me });
    expect((await stack.call('GET', '/v1/me')).status).toBe(401);
  });
});

describe('GET /v1/dashboard', () => {
  const agency = uniqueId('DASH');
  const supervisorId = uniqueId('sup');
  const otherSupervisorId = uniqueId('sup');
  let overdue: ProgramView;
  let nearCap: ProgramView;

  beforeAll(async () => {
    await stack.addStaff(supervisorId, otherSupervisorId);
    const nearCapAppointment = addDays(addMonths(today(), -35), -10);
    [overdue, nearCap] = await Promise.all([
      enroll(enrollmentFixture(addMonths(today(), -7), { agency, supervisorId })),
      enroll(
        enrollmentFixture(nearCapAppointment, {
          agency,
          supervisorId,
          schedule: { ...enrollmentFixture(nearCapAppointment).schedule, plannedEndDate: addMonths(nearCapAppointment, 30) },
        }),
      ),
      enroll(enrollmentFixture(today(), { agency, supervisorId: otherSupervisorId })),
    ]);
    await projected(agency, 3);
  });

  it('gives HR the counts by status and the programs at risk, with the reasons, earliest cap first', async () => {
    const response = await stack.call('GET', `/v1/dashboard?agency=${agency}`, { token: hrToken });
    expect(response.status).toBe(200);
    const dashboard = response.body as Dashboard;
    expect(dashboard).toMatchObject({
      asOf: today(),
      scope: 'all',
      counts: { active: 3, 'awaiting-minimum': 0, reclassified: 0, expired: 0, ended: 0 },
    });
    expect(dashboard.atRisk.items.map((i) => [i.program.programId, i.reasons])).toEqual([
      [nearCap.programId, ['cap-within-90-days', 'overdue-milestones']],
      [overdue.programId, ['overdue-milestones']],
    ]);
    expect(dashboard.atRisk.truncated).toBe(false);
  });

  it('gives a supervisor only the programs they supervise, and refuses trainees', async () => {
    const mine = await stack.call('GET', `/v1/dashboard?agency=${agency}`, { token: await stack.token(supervisorId, 'supervisor') });
    expect(mine.body).toMatchObject({ scope: 'assigned', counts: { active: 2 } });
    const theirs = await stack.call('GET', `/v1/dashboard?agency=${agency}`, { token: await stack.token(otherSupervisorId, 'supervisor') });
    expect(theirs.body).toMatchObject({ scope: 'assigned', counts: { active: 1 }, atRisk: { items: [] } });
    const trainee = await stack.call('GET', '/v1/dashboard', { token: await stack.token(overdue.traineeEmployeeId, 'trainee') });
    expect(trainee).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
  });

  it('refuses a filter the API does not know, naming it', async () => {
    const response = await stack.call('GET', `/v1/dashboard?agency=${agency}&supervisorId=x`, { token: hrToken });
    expect(response).toMatchObject({ status: 400, body: { error: { code: 'invalid-input', issues: [{ path: 'supervisorId' }] } } });
  });
});

describe('GET /v1/inbox', () => {
  const agency = uniqueId('INBOX');
  const supervisorId = uniqueId('sup');
  const programManagerId = uniqueId('pm');
  let early: ProgramView;
  let late: ProgramView;

  beforeAll(async () => {
    await stack.addStaff(supervisorId, programManagerId);
    [early, late] = await Promise.all([
      enroll(enrollmentFixture(addMonths(today(), -7), { agency, supervisorId, programManagerId })),
      enroll(enrollmentFixture(addMonths(today(), -2), { agency, supervisorId, programManagerId })),
    ]);
    await projected(agency, 2);
  });

  const inboxOf = async (sub: string, role: 'supervisor' | 'program-manager', query = ''): Promise<Inbox> => {
    const response = await stack.call('GET', `/v1/inbox${query ? `?${query}` : ''}`, { token: await stack.token(sub, role) });
    expect(response.status).toBe(200);
    return response.body as Inbox;
  };
  /** The milestones of an inbox page in the order shown, each with its trainee's program and the caller's role. */
  const milestonesOf = (inbox: Inbox) =>
    inbox.groups.flatMap((g) =>
      g.milestones.map((milestone) => ({ programId: g.programId, as: g.as, milestone, daysUntilDue: milestone.daysUntilDue })),
    );

  it('groups the milestones awaiting the caller by trainee, the most urgent trainee first, each by due date, in the role they sign in', async () => {
    const inbox = await inboxOf(supervisorId, 'supervisor', 'show=all');
    expect(
      inbox.groups.map(
        (g) => `${g.programId === early.programId ? 'early' : 'late'}: ${g.milestones.map((m) => `${m.id}/${m.status}`).join(' ')}`,
      ),
    ).toEqual(['early: m1/overdue m2/pending m3/pending', 'late: m1/pending m2/pending m3/pending']);
    expect(inbox.groups[0]).toMatchObject({
      as: 'supervisor',
      traineeEmployeeId: early.traineeEmployeeId,
      traineeName: early.trainee.name,
      agency,
    });
    expect(inbox.groups[0]?.milestones[0]?.daysUntilDue).toBe(daysBetween(today(), early.milestones[0]!.dueDate));
    expect(new Set(milestonesOf(await inboxOf(programManagerId, 'program-manager', 'show=all')).map((i) => i.as))).toEqual(
      new Set(['program-manager']),
    );
  });

  it('shows overdue and due-soon milestones first, the rest behind show=later, with a count per section', async () => {
    const first = await inboxOf(supervisorId, 'supervisor');
    expect(first.show).toBe('due');
    expect(milestonesOf(first).map((i) => [i.programId, i.milestone.id, i.milestone.section])).toEqual([
      [early.programId, 'm1', 'overdue'],
    ]);
    const counts = {
      overdue: { milestones: 1, trainees: 1 },
      'due-soon': { milestones: 0, trainees: 0 },
      later: { milestones: 5, trainees: 2 },
    };
    expect(first.counts).toEqual(counts);
    const later = await inboxOf(supervisorId, 'supervisor', 'show=later');
    expect(milestonesOf(later).map((i) => i.milestone.section)).toEqual(['later', 'later', 'later', 'later', 'later']);
    expect(later.counts).toEqual(counts);
    const paged = await inboxOf(supervisorId, 'supervisor', 'show=later&limit=1');
    expect(paged.groups.map((g) => g.programId)).toEqual([early.programId]);
    const next = await inboxOf(supervisorId, 'supervisor', `show=later&limit=1&cursor=${encodeURIComponent(paged.nextCursor ?? '')}`);
    expect(next.groups.map((g) => g.programId)).toEqual([late.programId]);
    expect(next.nextCursor).toBeNull();
    const bad = await stack.call('GET', '/v1/inbox?show=soon', { token: await stack.token(supervisorId, 'supervisor') });
    expect(bad).toMatchObject({ status: 400, body: { error: { issues: [{ path: 'show' }] } } });
  });

  it('drops a milestone once it is signed off, shows another supervisor nothing, and refuses HR', async () => {
    const signed = await stack.call('POST', `/v1/programs/${late.programId}/milestones/m1/sign-off`, {
      token: await stack.token(supervisorId, 'supervisor'),
      body: { signedOn: today() },
    });
    expect(signed.status).toBe(200);
    await eventually(
      () => inboxOf(supervisorId, 'supervisor', 'show=all'),
      (inbox) => !milestonesOf(inbox).some((i) => i.programId === late.programId && i.milestone.id === 'm1'),
      'the sign-off in the read model',
    );
    expect((await inboxOf(uniqueId('sup'), 'supervisor', 'show=all')).groups).toEqual([]);
    expect((await stack.call('GET', '/v1/inbox', { token: hrToken })).status).toBe(403);
  });

  it('counts a milestone past its due date as overdue before the overdue event is recorded', async () => {
    // The read model as the projector leaves it between a due date and the timer tick that records
    // the overdue event: a copy of a projected program under a supervisor of its own.
    const asOf = today();
    const supervisor = uniqueId('sup');
    const copy = uniqueId('p');
    await stack.db.query(
      `INSERT INTO rm_programs (program_id, version, status, agency, target_class_code, supervisor_id, program_manager_id, trainee_employee_id,
         appointment_date, earliest_reclassification_date, latest_completion_date, overdue_milestones, meets_target_class, state, view)
       SELECT $2, version, status, agency, target_class_code, $3, program_manager_id, trainee_employee_id, appointment_date,
              earliest_reclassification_date, latest_completion_date, overdue_milestones, meets_target_class, state, view
         FROM rm_programs WHERE program_id = $1`,
      [early.programId, copy, supervisor],
    );
    await stack.db.query(
      `INSERT INTO rm_milestones (program_id, milestone_id, title, due_date, status, signed_off_by, signed_off_on) VALUES
         ($1, 'a', 'Due later', $2::date + 5, 'pending', NULL, NULL),
         ($1, 'b', 'Due yesterday', $2::date - 1, 'pending', NULL, NULL),
         ($1, 'c', 'Done', $2::date - 9, 'signed-off', $3, $2::date)`,
      [copy, asOf, supervisor],
    );
    const items = milestonesOf(await inboxOf(supervisor, 'supervisor'));
    expect(items.map((i) => [i.milestone.id, i.milestone.status, i.milestone.section, i.daysUntilDue])).toEqual([
      ['b', 'overdue', 'overdue', -1],
      ['a', 'pending', 'due-soon', 5],
    ]);
  });
});

describe('the staff directory', () => {
  const supervisor = { staffId: uniqueId('sup'), name: 'Marisol Quennevile' };
  const manager = { staffId: uniqueId('pm'), name: 'Theodore Quennevile-Park' };
  beforeAll(() => stack.addStaff(supervisor, manager));

  it('finds supervisors and program managers by part of a name or id, and names the ids asked for, never with an address', async () => {
    const token = await stack.token('das-0001', 'das');
    const found = await stack.call('GET', '/v1/staff?q=quenneV', { token });
    expect(found.status).toBe(200);
    expect(found.body).toEqual({ items: [supervisor, manager] });
    expect(found.text).not.toContain('@');
    const byId = await stack.call('GET', `/v1/staff?q=${manager.staffId.slice(3, 9)}`, { token });
    expect(byId.body).toEqual({ items: [manager] });
    const named = await stack.call('GET', `/v1/staff?ids=${manager.staffId},sup-0001,${uniqueId('sup')}`, {
      token: await stack.token('E1234567', 'trainee'),
    });
    expect(named.body).toEqual({ items: [{ staffId: 'sup-0001', name: 'Sam Supervisor (development)' }, manager] });
    expect((await stack.call('GET', '/v1/staff?q=x')).status).toBe(401);
    expect((await stack.call('GET', '/v1/staff?email=x', { token })).status).toBe(400);
  });

  it('refuses an enrollment, a transfer or an import row naming a staff id it does not list, with unknown-staff-member naming the field, and enrolls nothing', async () => {
    const agency = uniqueId('STAFF');
    const stranger = uniqueId('sup');
    const body = enrollmentFixture(today(), { agency, supervisorId: supervisor.staffId, programManagerId: stranger });
    const refused = await stack.call('POST', '/v1/programs', { token: hrToken, body });
    expect(refused.status).toBe(422);
    const error = (refused.body as { error: { code: string; issues: { path: string; code: string }[] } }).error;
    expect(error.code).toBe('unknown-staff-member');
    expect(error.issues.map((i) => [i.path, i.code])).toEqual([['programManagerId', 'unknown-staff-member']]);

    const imported = await stack.call('POST', '/v1/programs/import', {
      token: hrToken,
      body: [body, { ...body, trainee: { ...body.trainee, employeeId: uniqueId('E') }, programManagerId: manager.staffId }],
    });
    expect(imported.status).toBe(200);
    const results = (imported.body as { results: { status: string; error?: { code: string; issues: { path: string }[] } }[] }).results;
    expect(results.map((r) => [r.status, r.error?.code, r.error?.issues[0]?.path])).toEqual([
      ['rejected', 'unknown-staff-member', 'programManagerId'],
      ['created', undefined, undefined],
    ]);
    await projected(agency, 1);

    const program = await enroll({ ...body, trainee: { ...body.trainee, employeeId: uniqueId('E') }, programManagerId: manager.staffId });
    const moved = await stack.call('POST', `/v1/programs/${program.programId}/transfers`, {
      token: hrToken,
      body: { effectiveOn: today(), supervisorId: stranger },
    });
    expect([moved.status, (moved.body as { error: { code: string } }).error.code]).toEqual([422, 'unknown-staff-member']);
    const events = await stack.call('GET', `/v1/programs/${program.programId}/events`, { token: hrToken });
    expect((events.body as { items: { type: string }[] }).items.map((e) => e.type)).not.toContain('transferred');
  });
});

describe('GET /v1/me/programs', () => {
  it('gives a trainee their own program and nobody else’s', async () => {
    const agency = uniqueId('OWN');
    const [mine] = await Promise.all([enroll(enrollmentFixture(today(), { agency })), enroll(enrollmentFixture(today(), { agency }))]);
    await projected(agency, 2);
    const response = await stack.call('GET', '/v1/me/programs', { token: await stack.token(mine!.traineeEmployeeId, 'trainee') });
    expect((response.body as { items: ProgramView[] }).items.map((p) => p.programId)).toEqual([mine!.programId]);
    const stranger = await stack.call('GET', '/v1/me/programs', { token: await stack.token(uniqueId('E'), 'trainee') });
    expect(stranger.body).toEqual({ items: [] });
  });
});

describe('the development sign-in', () => {
  it('mints a token the API accepts, for the person and role chosen', async () => {
    const minted = await stack.call('POST', '/v1/dev/tokens', { body: { sub: 'das-0007', roles: ['das'] } });
    expect(minted.status).toBe(201);
    const { token, expiresAt } = minted.body as { token: string; expiresAt: string };
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now() + 7 * 3_600_000);
    expect((await stack.call('GET', '/v1/me', { token })).body).toEqual({ sub: 'das-0007', roles: ['das'] });
  });

  it('refuses a role the API does not know and a person id of the wrong shape, naming the field', async () => {
    const response = await stack.call('POST', '/v1/dev/tokens', { body: { sub: 'Jordan Example', roles: ['admin'] } });
    expect(response.status).toBe(400);
    expect((response.body as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path).sort()).toEqual([
      'roles[0]',
      'sub',
    ]);
  });

  it('does not exist in production (no APP_ENV=development), even when asked for', async () => {
    const app = await buildApiServer({
      programs: stack.programs,
      db: stack.db,
      temporal: stack.env.client,
      authSecret: stack.secret,
      ui: { developmentSignIn: true },
    });
    try {
      const minted = await app.inject({ method: 'POST', url: '/v1/dev/tokens', payload: { sub: 'hr-0001', roles: ['hr'] } });
      expect(minted.statusCode).toBe(404);
      expect(minted.json()).toEqual({ error: { code: 'not-found', message: 'No such endpoint.' } });
      expect((await app.inject({ url: '/ui-config.json' })).json()).toEqual({ developmentSignIn: false });
      expect(Object.keys((await app.inject({ url: '/v1/openapi.json' })).json<{ paths: object }>().paths)).not.toContain('/v1/dev/tokens');
    } finally {
      await app.close();
    }
  });

  it('is on for development and documented as development-only', async () => {
    expect((await fetch(`${stack.baseUrl}/ui-config.json`).then((r) => r.json())) as unknown).toEqual({ developmentSignIn: true });
    const operation = (stack.openapi.paths['/v1/dev/tokens'] as { post?: { summary?: string } } | undefined)?.post;
    expect(operation?.summary).toMatch(/^Development only/);
  });
});

describe('the UI at /', () => {
  it('serves the app for every path outside /v1, with a content security policy; /v1 stays the API', async () => {
    for (const path of ['/', '/dashboard', `/programs/p-${uniqueId('x')}`]) {
      const response = await fetch(`${stack.baseUrl}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('<div id="app">');
    }
    const unknownEndpoint = await stack.call('GET', '/v1/no-such-endpoint', { token: hrToken });
    expect(unknownEndpoint).toMatchObject({ status: 404, body: { error: { code: 'not-found' } } });
    expect((await fetch(`${stack.baseUrl}/assets/no-such-file.js`)).status).toBe(404);
  });

  it('serves the built assets for a year, and answers 304 to a browser that has them', async () => {
    const index = await (await fetch(`${stack.baseUrl}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${stack.baseUrl}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const again = await fetch(`${stack.baseUrl}${script}`, { headers: { 'if-none-match': asset.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
  });

  it('says how to build the UI when it is not built, and still answers the API', async () => {
    const app = await buildApiServer({
      programs: stack.programs,
      db: stack.db,
      temporal: stack.env.client,
      authSecret: stack.secret,
      ui: { root: '/nonexistent/ui' },
    });
    try {
      const page = await app.inject({ url: '/dashboard' });
      expect(page.statusCode).toBe(503);
      expect(page.body).toContain('npm run build:ui');
      expect((await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${hrToken}` } })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('keeps the UI’s own routes out of the OpenAPI document and documents the endpoints it added', () => {
    const paths = Object.keys(stack.openapi.paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/v1/me', '/v1/me/programs', '/v1/dashboard', '/v1/inbox', '/v1/staff', '/v1/dev/tokens']),
    );
    expect(paths.filter((p) => !p.startsWith('/v1/'))).toEqual([]);
  });
});
