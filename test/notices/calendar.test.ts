/**
 * Calendar feeds over the HTTP API: minted by the person themself, read by any calendar client
 * through the signed URL alone, revocable; the feed validates as iCalendar (parsed by ical.js) and
 * holds the program's dates. Programs are run through the domain rules and projected into a
 * scratch database's read model, as the worker would.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken, type ApiRole } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import { createProgramClient } from '../../client/programs.js';
import { appendEvents } from '../../db/event-store.js';
import { createProjector } from '../../db/projections.js';
import { createScratchDatabase, type ScratchDatabase } from '../integration/harness.js';
import { HR, enrollmentFixture, runProgram, type ScriptedCommand } from './program-run.js';

let scratch: ScratchDatabase;
let app: FastifyInstance;
let unreachable: Client;
const secret = randomBytes(32).toString('base64url');
const id = randomUUID().slice(0, 8);
const supervisor = `sup-${id}`;
const otherSupervisor = `sup-other-${id}`;
const trainee = `E-${id}`;

const signOff = (milestoneId: string, on: string, by: string): ScriptedCommand => ({
  on,
  command: { type: 'sign-off-milestone', milestoneId, signedOn: on },
  actor: { id: by, role: 'supervisor' },
});

beforeAll(async () => {
  scratch = await createScratchDatabase('calendar');
  const mine = (employeeId: string, name: string) =>
    enrollmentFixture({ supervisorId: supervisor, trainee: { employeeId, name, email: `${employeeId}@example.test` } });
  const runs = [
    // The trainee's program: m1 signed off, m2 (2025-09-30) still open on 2025-07-15.
    runProgram(mine(trainee, 'Dana Rivera'), {
      programId: `p-cal-1-${id}`,
      script: [signOff('m1', '2025-06-20', supervisor)],
      until: '2025-07-15',
    }),
    // Another trainee of the same supervisor, appointed later.
    runProgram(
      {
        ...mine(`E2-${id}`, 'Lee Chen'),
        appointmentDate: '2025-05-01',
        schedule: {
          ...mine('x', 'x').schedule,
          approvedOn: '2025-04-20',
          milestones: [{ id: 'm1', title: 'Policy rotation', dueDate: '2025-11-03' }],
        },
      },
      { programId: `p-cal-2-${id}`, until: '2025-07-15' },
    ),
    // Someone else's program, and a withdrawn one of the supervisor's: in no feed of theirs.
    runProgram({ ...mine(`E3-${id}`, 'Sam Other'), supervisorId: otherSupervisor }, { programId: `p-cal-3-${id}`, until: '2025-07-15' }),
    runProgram(mine(`E4-${id}`, 'Kim Gone'), {
      programId: `p-cal-4-${id}`,
      script: [{ on: '2025-05-01', command: { type: 'withdraw', effectiveOn: '2025-05-01', reason: 'Resigned' }, actor: HR }],
    }),
  ];
  await appendEvents(
    scratch.pool,
    runs.flatMap((r) => r.events),
  );
  await createProjector(scratch.pool).catchUp();
  // The feed routes need no Temporal; the server only asks it for its health.
  unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' }) });
  app = await buildApiServer({
    programs: createProgramClient({ client: unreachable }),
    db: scratch.pool,
    temporal: unreachable,
    authSecret: secret,
  });
});

afterAll(async () => {
  await app?.close();
  await unreachable?.connection.close();
  await scratch?.drop();
});

const tokenFor = (sub: string, ...roles: ApiRole[]) => mintToken(secret, { sub, roles, ttl: '10m' });

async function mint(sub: string, roles: ApiRole[], body?: unknown) {
  return app.inject({
    method: 'POST',
    url: '/v1/calendar-feeds',
    headers: {
      authorization: `Bearer ${await tokenFor(sub, ...roles)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

async function mintedUrl(sub: string, roles: ApiRole[], body?: unknown): Promise<{ feedId: string; path: string }> {
  const response = await mint(sub, roles, body);
  expect(response.statusCode).toBe(201);
  const { feedId, url } = response.json<{ feedId: string; url: string }>();
  return { feedId, path: new URL(url).pathname };
}

/** The feed as a calendar client reads it: no token, just the URL. */
async function readFeed(path: string) {
  const response = await app.inject({ method: 'GET', url: path });
  return { response, events: response.statusCode === 200 ? eventsOf(response.body) : [] };
}

function eventsOf(text: string): { uid: string; summary: string; date: string; allDay: boolean }[] {
  const calendar = new ICAL.Component(ICAL.parse(text));
  expect(calendar.name).toBe('vcalendar');
  expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
  return calendar.getAllSubcomponents('vevent').map((component) => {
    const event = new ICAL.Event(component);
    return { uid: event.uid, summary: event.summary, date: event.startDate.toString(), allDay: event.startDate.isDate };
  });
}

describe('calendar feeds', () => {
  it("give a supervisor the open milestones' due dates, the first anniversaries and the caps of their open programs", async () => {
    const { path } = await mintedUrl(supervisor, ['supervisor']);
    expect(path).toMatch(/^\/v1\/calendar\/[0-9a-f-]{36}\.[\w-]{43}\.ics$/);
    const { response, events } = await readFeed(path);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(events.every((e) => e.allDay)).toBe(true);
    expect(events.map((e) => [e.date, e.summary]).sort()).toEqual(
      [
        ['2025-09-30', 'Milestone due: Grievance and arbitration casework (Dana Rivera)'],
        ['2026-03-03', 'First anniversary: earliest reclassification (Dana Rivera)'],
        ['2028-03-02', 'Statutory maximum: last day of the program (Dana Rivera)'],
        ['2025-11-03', 'Milestone due: Policy rotation (Lee Chen)'],
        ['2026-05-01', 'First anniversary: earliest reclassification (Lee Chen)'],
        ['2028-04-30', 'Statutory maximum: last day of the program (Lee Chen)'],
      ].sort(),
    );
    expect(events.find((e) => e.summary.startsWith('Milestone due: Grievance'))?.uid).toBe(`p-cal-1-${id}.milestone.m2@lap`);
  });

  it("give a trainee their own program's dates only", async () => {
    const { path } = await mintedUrl(trainee, ['trainee']);
    const { events } = await readFeed(path);
    expect(events.map((e) => [e.date, e.summary])).toEqual([
      ['2025-09-30', 'Milestone due: Grievance and arbitration casework'],
      ['2026-03-03', 'First anniversary: earliest reclassification'],
      ['2028-03-02', 'Statutory maximum: last day of the program'],
    ]);
  });

  it('stop answering the moment their owner revokes them, and never answer a forged or altered URL', async () => {
    const { feedId, path } = await mintedUrl(supervisor, ['supervisor']);
    expect((await readFeed(path)).response.statusCode).toBe(200);
    const forged = path.replace(/\.[\w-]{43}\.ics$/, `.${'A'.repeat(43)}.ics`);
    const unsigned = `/v1/calendar/${randomUUID()}.${'B'.repeat(43)}.ics`;
    for (const bad of [forged, unsigned, '/v1/calendar/not-a-token.ics']) {
      const { response } = await readFeed(bad);
      expect(response.statusCode, bad).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'not-found' } });
    }

    // Someone else cannot revoke it, nor see it.
    const other = await tokenFor(otherSupervisor, 'supervisor');
    expect(
      (await app.inject({ method: 'DELETE', url: `/v1/calendar-feeds/${feedId}`, headers: { authorization: `Bearer ${other}` } }))
        .statusCode,
    ).toBe(404);
    const theirs = await app.inject({ method: 'GET', url: '/v1/calendar-feeds', headers: { authorization: `Bearer ${other}` } });
    expect(theirs.json<{ items: unknown[] }>().items).toEqual([]);

    const owner = await tokenFor(supervisor, 'supervisor');
    const revoked = await app.inject({
      method: 'DELETE',
      url: `/v1/calendar-feeds/${feedId}`,
      headers: { authorization: `Bearer ${owner}` },
    });
    expect(revoked.statusCode).toBe(204);
    expect((await readFeed(path)).response.statusCode).toBe(404);
    const listed = await app.inject({ method: 'GET', url: '/v1/calendar-feeds', headers: { authorization: `Bearer ${owner}` } });
    expect(
      listed.json<{ items: { feedId: string; url: string | null; revokedAt: string | null }[] }>().items.find((f) => f.feedId === feedId),
    ).toMatchObject({
      url: null,
      revokedAt: expect.any(String),
    });
  });

  it('are minted only by the person themself, in a role that has such dates', async () => {
    expect((await mint('hr-0001', ['hr'])).statusCode).toBe(403);
    expect((await mint(trainee, ['trainee'], { as: 'supervisor' })).statusCode).toBe(403);
    expect((await mint(trainee, ['trainee'], { as: 'trainee', subject: supervisor })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/v1/calendar-feeds' })).statusCode).toBe(401);
    const both = await mint(supervisor, ['supervisor', 'trainee'], { as: 'trainee' });
    expect(both.json()).toMatchObject({ role: 'trainee' });
  });
});
