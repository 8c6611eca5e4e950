/** Liveness apart from readiness, and the Prometheus metrics an operator scrapes from the API. */
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import { enrollmentFixture } from '../integration/harness.js';
import { startApiStack, today, type ApiStack } from './harness.js';

let stack: ApiStack;
let app: FastifyInstance;

beforeAll(async () => {
  stack = await startApiStack();
  app = await buildApiServer({
    programs: stack.programs,
    db: stack.db,
    temporal: stack.env.client,
    authSecret: stack.secret,
    metrics: true,
  });
});

afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

describe('operations', () => {
  it('answers liveness and readiness, each documented in the OpenAPI document', async () => {
    expect((await stack.call('GET', '/v1/health/live')).body).toEqual({ status: 'ok' });
    expect(await stack.call('GET', '/v1/health/ready')).toMatchObject({
      status: 200,
      body: { status: 'ok', checks: { temporal: 'ok', postgres: 'ok' } },
    });
  });

  it('stays live but not ready while Temporal cannot be reached', async () => {
    const connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '200ms' });
    const unreachable = await buildApiServer({
      programs: stack.programs,
      db: stack.db,
      temporal: new Client({ connection }),
      authSecret: stack.secret,
    });
    try {
      expect((await unreachable.inject({ method: 'GET', url: '/v1/health/live' })).statusCode).toBe(200);
      const ready = await unreachable.inject({ method: 'GET', url: '/v1/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'unavailable', checks: { temporal: 'unavailable', postgres: 'ok' } });
    } finally {
      // The connection is left to the end of the file: the client's own retries of the unanswered
      // probe would meet a closed channel.
      await unreachable.close();
    }
  });

  it('counts requests by route template and status, times them, and reports projection lag and the outbox backlog', async () => {
    const token = await mintToken(stack.secret, { sub: 'hr-0001', roles: ['hr'], ttl: '5m' });
    const enrolled = await app.inject({
      method: 'POST',
      url: '/v1/programs',
      headers: { authorization: `Bearer ${token}` },
      payload: enrollmentFixture(today()),
    });
    expect(enrolled.statusCode).toBe(201);
    const programId = (enrolled.json() as { programId: string }).programId;
    expect(
      (await app.inject({ method: 'GET', url: `/v1/programs/${programId}`, headers: { authorization: `Bearer ${token}` } })).statusCode,
    ).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/programs/p-nope' })).statusCode).toBe(401);

    const scraped = await app.inject({ method: 'GET', url: '/metrics' });
    expect(scraped.statusCode).toBe(200);
    expect(scraped.headers['content-type']).toContain('text/plain');
    const text = scraped.body;
    expect(text).toContain('lap_api_requests_total{method="POST",route="/v1/programs",status="201"} 1');
    // The route template, never the program id: no unbounded labels, nothing about a person.
    expect(text).toContain('lap_api_requests_total{method="GET",route="/v1/programs/:programId",status="200"} 1');
    expect(text).toContain('lap_api_requests_total{method="GET",route="/v1/programs/:programId",status="401"} 1');
    expect(text).not.toContain(programId);
    expect(text).toMatch(/lap_api_request_duration_seconds_count\{method="POST",route="\/v1\/programs",status="201"\} 1/);
    expect(text).toMatch(/^lap_projection_lag_events \d+$/m);
    expect(text).toMatch(/^lap_projection_lag_seconds [\d.e+-]+$/m);
    expect(text).toMatch(/^lap_outbox_backlog \d+$/m);
    expect(text).toContain('lap_api_process_cpu_seconds_total');
    await stack.programs.withdraw(programId, { effectiveOn: today(), reason: 'test complete' }, { id: 'hr-0001', role: 'hr' });
  });
});
