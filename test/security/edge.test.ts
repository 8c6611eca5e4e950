/**
 * The findings of issue 9 at the HTTP edge, each as it was found: a development token minted for a
 * rebinding Host, a token living until the year 5000, NUL bytes that reached PostgreSQL as a 500,
 * a 20 KB token answered outside the error shape, a calendar feed URL (a credential) in the request
 * log and a Host header copied into it, and import ids anyone could recompute. Real PostgreSQL; a
 * Temporal that does not answer (none of these reach it).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken, type ApiRole } from '../../api/auth.js';
import { importProgramId } from '../../api/import.js';
import { buildApiServer } from '../../api/server.js';
import { createProgramClient } from '../../client/programs.js';
import { createScratchDatabase, type ScratchDatabase } from '../integration/harness.js';

const SECRET = randomBytes(32).toString('base64url');
const PUBLIC_BASE_URL = 'https://programs.agency.example';
let scratch: ScratchDatabase;
let production: FastifyInstance;
let development: FastifyInstance;
let baseUrl: string;
const logLines: string[] = [];

const bearer = async (sub: string, role: ApiRole) => ({
  authorization: `Bearer ${await mintToken(SECRET, { sub, roles: [role], ttl: '1h' })}`,
});
const signed = (claims: Record<string, unknown>) =>
  new SignJWT({ roles: ['hr'], ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('hr-0001')
    .sign(new TextEncoder().encode(SECRET));
const seconds = (date: Date | number) => Math.floor(Number(date) / 1000);

beforeAll(async () => {
  scratch = await createScratchDatabase('security_edge');
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' }) });
  const base = { programs: createProgramClient({ client: temporal }), db: scratch.pool, temporal, authSecret: SECRET };
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  production = await buildApiServer({ ...base, publicBaseUrl: PUBLIC_BASE_URL, logger: { level: 'info', stream } });
  development = await buildApiServer({ ...base, development: true });
  await production.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(production.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all([production?.close(), development?.close()]);
  await scratch?.drop();
});

describe('development routes', () => {
  it('do not exist in production: POST /v1/dev/tokens is a 404, whatever the Host', async () => {
    for (const host of ['localhost', '127.0.0.1:8080']) {
      const minted = await production.inject({
        method: 'POST',
        url: '/v1/dev/tokens',
        headers: { host },
        payload: { sub: 'hr-0001', roles: ['hr'] },
      });
      expect(minted.statusCode).toBe(404);
      expect(minted.body).not.toContain('token"');
    }
  });

  it('answer in development only to a loopback Host: a rebinding name gets 404 and no token', async () => {
    const ask = (host: string) =>
      development.inject({ method: 'POST', url: '/v1/dev/tokens', headers: { host }, payload: { sub: 'hr-0001', roles: ['hr'] } });
    for (const host of ['attacker.example', 'attacker.example:8080', '10.0.0.5:8080', 'localhost.attacker.example', '127.0.0.1.nip.io']) {
      const refused = await ask(host);
      expect([host, refused.statusCode]).toEqual([host, 404]);
      expect(refused.json()).toEqual({ error: { code: 'not-found', message: 'No such endpoint.' } });
    }
    for (const host of ['localhost:8080', '127.0.0.1:8080', '127.1.2.3', '[::1]:8080'])
      expect([host, (await ask(host)).statusCode]).toEqual([host, 201]);
  });
});

describe('bearer tokens', () => {
  const targetClasses = async (token: string) =>
    (await production.inject({ url: '/v1/target-classes', headers: { authorization: `Bearer ${token}` } })).statusCode;

  it('are refused when they live longer than 12 hours (exp in the year 5000, with or without iat)', async () => {
    const now = seconds(Date.now());
    expect(await targetClasses(await signed({ iat: now, exp: seconds(new Date('5000-01-01')) }))).toBe(401);
    expect(await targetClasses(await signed({ exp: seconds(new Date('5000-01-01')) }))).toBe(401);
    expect(await targetClasses(await signed({ iat: now, exp: now + 13 * 3600 }))).toBe(401);
    expect(await targetClasses(await signed({ iat: now, exp: now + 12 * 3600 }))).toBe(200);
  });

  it('are refused before nbf', async () => {
    const now = seconds(Date.now());
    expect(await targetClasses(await signed({ iat: now, nbf: now + 600, exp: now + 3600 }))).toBe(401);
  });
});

describe('NUL bytes', () => {
  it('give 400 in the error shape wherever they come, never a 500', async () => {
    const headers = await bearer('hr-0001', 'hr');
    for (const url of [
      '/v1/notices/%00',
      '/v1/programs?agency=%00',
      '/v1/programs?targetClass=%00',
      '/v1/dashboard?agency=%00',
      '/v1/programs/p-%00x',
    ]) {
      const response = await production.inject({ url, headers });
      expect([url, response.statusCode]).toEqual([url, 400]);
      expect(response.json()).toMatchObject({
        error: { code: 'invalid-input', issues: [{ message: 'must not contain a NUL character' }] },
      });
    }
    const named = await production.inject({ url: '/v1/programs?q=%00', headers });
    expect(named.json()).toMatchObject({ error: { issues: [{ path: 'q' }] } });
    const body = await production.inject({
      method: 'POST',
      url: '/v1/programs',
      headers,
      payload: { trainee: { name: 'Dana\u0000Rivera' } },
    });
    expect(body.statusCode).toBe(400);
    expect(body.json()).toMatchObject({ error: { issues: [{ path: 'trainee.name' }] } });
    const header = await production.inject({ url: '/v1/target-classes', headers: { ...headers, 'x-note': 'a\u0000b' } });
    expect(header.statusCode).toBe(400);
  });
});

describe('requests Node itself refuses', () => {
  it('answer 431 for a 20 KB token and 414 for a very long URL, in the error shape', async () => {
    const big = await fetch(`${baseUrl}/v1/target-classes`, { headers: { authorization: `Bearer ${'a'.repeat(20 * 1024)}` } });
    expect(big.status).toBe(431);
    expect(big.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await big.json()).toMatchObject({ error: { code: 'headers-too-large', message: expect.any(String) } });
    const long = await fetch(`${baseUrl}/v1/programs?agency=${'A'.repeat(10 * 1024)}`);
    expect(long.status).toBe(414);
    expect(await long.json()).toMatchObject({ error: { code: 'uri-too-long' } });
  });
});

describe('calendar feed URLs', () => {
  it('are built on PUBLIC_BASE_URL, never on the Host header, and never written to the request log', async () => {
    const minted = await fetch(`${baseUrl}/v1/calendar-feeds`, {
      method: 'POST',
      headers: { ...(await bearer('sup-0001', 'supervisor')), 'content-type': 'application/json', host: 'attacker.example' },
      body: '{}',
    });
    expect(minted.status).toBe(201);
    const { url } = (await minted.json()) as { url: string };
    expect(url.startsWith(`${PUBLIC_BASE_URL}/v1/calendar/`)).toBe(true);
    const token = url.slice(`${PUBLIC_BASE_URL}/v1/calendar/`.length).replace(/\.ics$/, '');
    const feed = await fetch(`${baseUrl}/v1/calendar/${token}.ics`);
    expect(feed.status).toBe(200);
    const log = logLines.join('');
    expect(log).toContain('/v1/calendar/[redacted]');
    expect(log).not.toContain(token);
    expect(log).not.toContain(token.split('.')[1] ?? token);
  });
});

describe('searches by name', () => {
  it('are written to the request log without what was searched for (personal data)', async () => {
    const response = await fetch(`${baseUrl}/v1/programs?q=Lindqvist&sort=trainee.name`, { headers: await bearer('hr-0001', 'hr') });
    expect(response.status).toBe(200);
    await expect.poll(() => logLines.join('')).toContain('/v1/programs?q=[redacted]&sort=trainee.name');
    expect(logLines.join('')).not.toContain('Lindqvist');
  });
});

describe('import program ids', () => {
  it('are an HMAC under the server secret, not a hash anyone can recompute from employee id, date and class', () => {
    const row = { trainee: { employeeId: 'E1234567' }, appointmentDate: '2026-03-02', targetClassCode: '5257MP' };
    const unsalted = `p-${createHash('sha256').update('import:E1234567:2026-03-02:5257MP').digest('hex').slice(0, 32)}`;
    const id = importProgramId('s'.repeat(32), row);
    expect(id).toMatch(/^p-[0-9a-f]{32}$/);
    expect(id).not.toBe(unsalted);
    expect(importProgramId('t'.repeat(32), row)).not.toBe(id);
    expect(importProgramId('s'.repeat(32), row)).toBe(id);
  });
});

describe('rate limits', () => {
  it('turn away a caller whose tokens keep failing (even with a good token then) and too many writes, with 429', async () => {
    const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' }) });
    const limited = await buildApiServer({
      programs: createProgramClient({ client: temporal }),
      db: scratch.pool,
      temporal,
      authSecret: SECRET,
      rateLimits: { writesPerMinute: 3, authFailuresPerMinute: 2 },
    });
    try {
      const good = await bearer('hr-0001', 'hr');
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await limited.inject({ url: '/v1/target-classes', headers: { authorization: 'Bearer not-a-token' } })).statusCode);
      expect(statuses).toEqual([401, 401, 429]);
      const blocked = await limited.inject({ url: '/v1/target-classes', headers: good });
      expect([blocked.statusCode, blocked.json<{ error: { code: string } }>().error.code]).toEqual([429, 'too-many-requests']);

      const writes: number[] = [];
      for (let i = 0; i < 4; i++)
        writes.push(
          (await limited.inject({ method: 'POST', url: '/v1/programs', remoteAddress: '10.9.9.9', headers: good, payload: {} })).statusCode,
        );
      expect(writes).toEqual([400, 400, 400, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('security headers', () => {
  it('come with every answer: a content security policy, nosniff, no referrer', async () => {
    const response = await production.inject({ url: '/v1/health' });
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });
});
