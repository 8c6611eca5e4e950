/**
 * How failures of Temporal and PostgreSQL reach a client: a 503 in the error shape with Retry-After,
 * never a 500 with a stack, and a command whose outcome is unknown said to be so.
 */
import { ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { mintToken } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import type { ProgramClient } from '../../client/programs.js';
import { currentRequest } from '../../client/request-context.js';
import { defaultPolicy } from '../../domain/policy.js';
import { decideEnrollment, replay, stamp, type ProgramState } from '../../domain/program.js';
import { findTargetClass } from '../../domain/target-classes.js';
import { programView, type ProgramView } from '../../domain/view.js';
import { enrollmentFixture, hr } from '../integration/harness.js';

function aProgram(): ProgramView {
  const opened = decideEnrollment(enrollmentFixture('2026-01-05'), findTargetClass('5257MP'), defaultPolicy, hr);
  if (!opened.ok) throw new Error('fixture enrollment was rejected');
  return programView(replay(stamp('p-0123', 0, opened.events, '2026-01-05T14:00:00.000Z')) as ProgramState);
}
import { OutcomeUnknownError, TemporalUnavailableError } from '../../client/programs.js';
import { describeCause, errorBodyFor } from '../../api/errors.js';

/** gRPC status codes, as Temporal's client reports them. */
const grpcStatus = { DEADLINE_EXCEEDED: 4, UNAVAILABLE: 14 } as const;
const grpcError = (code: number, details: string): Error => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

describe('errors of the services the API depends on', () => {
  it('tells the client to retry with its Idempotency-Key when a command was sent and no answer came', () => {
    const cause = new WorkflowUpdateRPCTimeoutOrCancelledError('Timed out', {
      cause: grpcError(grpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded'),
    });
    const { statusCode, body, headers } = errorBodyFor(new OutcomeUnknownError({ cause }));
    expect(statusCode).toBe(503);
    expect(body.code).toBe('outcome-unknown');
    expect(body.message).toContain('Idempotency-Key');
    expect(headers).toMatchObject({ 'retry-after': expect.stringMatching(/^\d+$/) });
  });

  it('answers 503 service-unavailable, naming the part, for Temporal out of reach and an Update that failed for no rule', () => {
    for (const error of [
      new TemporalUnavailableError({
        cause: new ServiceError('Failed to query Workflow', { cause: grpcError(grpcStatus.UNAVAILABLE, 'No connection established') }),
      }),
      new TemporalUnavailableError({ cause: new WorkflowUpdateFailedError('Workflow Update failed', new Error('workflow task failed')) }),
      new ServiceError('Failed to start Workflow', { cause: grpcError(grpcStatus.UNAVAILABLE, 'connect ECONNREFUSED') }),
    ]) {
      const { statusCode, body, headers } = errorBodyFor(error);
      expect(statusCode).toBe(503);
      expect(body).toEqual({ code: 'service-unavailable', message: expect.stringContaining('Temporal') });
      expect(headers?.['retry-after']).toBeDefined();
    }
  });

  it('answers 503 for PostgreSQL refusing, restarting or timing out', () => {
    for (const error of [
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:55433'), { code: 'ECONNREFUSED' }),
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated unexpectedly'),
    ]) {
      const { statusCode, body } = errorBodyFor(error);
      expect(statusCode).toBe(503);
      expect(body.message).toContain('PostgreSQL');
    }
  });

  it('keeps a plain bug a 500, and logs causes by name and code, never by message', () => {
    expect(errorBodyFor(new TypeError('x is undefined')).statusCode).toBe(500);
    const error = new TemporalUnavailableError({
      cause: new ServiceError('Failed', { cause: grpcError(grpcStatus.UNAVAILABLE, 'jordan@example.gov') }),
    });
    const described = describeCause(error);
    expect(described.causes).toEqual(['TemporalUnavailableError', 'ServiceError', 'Error grpc status 14']);
    expect(JSON.stringify(described)).not.toContain('@');
  });
});

describe('a command through the API', () => {
  const secret = 's'.repeat(32);
  /** An API whose program client answers `amend` with `answer`, logging to `lines`. */
  async function apiWith(amend: () => Promise<ProgramView>) {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' }) });
    // The API gives every command through the client's one `command` method, by the command's name.
    const programs = {
      command: (name: string) => (name === 'amend' ? amend() : Promise.reject(new Error(`unexpected command ${name}`))),
    } as unknown as ProgramClient;
    const db = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
    const app = await buildApiServer({ programs, db, temporal: unreachable, authSecret: secret, logger: pino({ level: 'info' }, sink) });
    const token = await mintToken(secret, { sub: 'das-0001', roles: ['das'], ttl: '5m' });
    const send = (requestId: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/programs/p-0123/schedule-amendments',
        headers: { authorization: `Bearer ${token}`, 'x-request-id': requestId },
        payload: { dasApprovalRef: 'DAS-1', approvedOn: '2026-01-05', plannedEndDate: '2027-01-05' },
      });
    return { app, lines, send, close: () => Promise.all([app.close(), db.end()]) };
  }

  it('carries the request id to the Temporal call and logs the version it reached under it', async () => {
    let seenByClient: string | undefined;
    const api = await apiWith(async () => {
      seenByClient = currentRequest()?.requestId;
      return aProgram();
    });
    try {
      const response = await api.send('req-4711');
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-request-id']).toBe('req-4711');
      expect(seenByClient).toBe('req-4711');
      expect(api.lines).toContainEqual(
        expect.objectContaining({ requestId: 'req-4711', msg: 'command applied', programId: 'p-0123', version: aProgram().version }),
      );
    } finally {
      await api.close();
    }
  });

  it('answers 503 outcome-unknown with Retry-After, in the error shape, and logs the cause chain without messages', async () => {
    const api = await apiWith(() =>
      Promise.reject(new OutcomeUnknownError({ cause: grpcError(grpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded') })),
    );
    try {
      const response = await api.send('req-4712');
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toMatch(/^\d+$/);
      expect(response.json()).toMatchObject({ error: { code: 'outcome-unknown' } });
      expect(response.body).not.toMatch(/\.ts:\d+|\n\s+at /);
      expect(api.lines).toContainEqual(
        expect.objectContaining({ requestId: 'req-4712', msg: 'request failed', causes: ['OutcomeUnknownError', 'Error grpc status 4'] }),
      );
    } finally {
      await api.close();
    }
  });
});
