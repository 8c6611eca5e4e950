/**
 * How failures of Temporal and PostgreSQL reach a client: a 503 in the error shape with Retry-After,
 * never a 500 with a stack, and a command whose outcome is unknown said to be so.
 */
import { ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { OutcomeUnknownError, TemporalUnavailableError } from '../../client/programs.js';
import { describeCause, errorBodyFor } from '../../api/errors.js';

/** gRPC status codes, as Temporal's client reports them. */
const grpcStatus = { DEADLINE_EXCEEDED: 4, UNAVAILABLE: 14 } as const;
const grpcError = (code: number, details: string): Error => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

describe('errors of the services the API depends on', () => {
  it('tells the client to retry with its Idempotency-Key when a command was sent and no answer came', () => {
    const cause = new WorkflowUpdateRPCTimeoutOrCancelledError('Timed out', { cause: grpcError(grpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded') });
    const { statusCode, body, headers } = errorBodyFor(new OutcomeUnknownError({ cause }));
    expect(statusCode).toBe(503);
    expect(body.code).toBe('outcome-unknown');
    expect(body.message).toContain('Idempotency-Key');
    expect(headers).toMatchObject({ 'retry-after': expect.stringMatching(/^\d+$/) });
  });

  it('answers 503 service-unavailable, naming the part, for Temporal out of reach and an Update that failed for no rule', () => {
    for (const error of [
      new TemporalUnavailableError({ cause: new ServiceError('Failed to query Workflow', { cause: grpcError(grpcStatus.UNAVAILABLE, 'No connection established') }) }),
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
    const error = new TemporalUnavailableError({ cause: new ServiceError('Failed', { cause: grpcError(grpcStatus.UNAVAILABLE, 'jordan@example.gov') }) });
    const described = describeCause(error);
    expect(described.causes).toEqual(['TemporalUnavailableError', 'ServiceError', 'Error grpc status 14']);
    expect(JSON.stringify(described)).not.toContain('@');
  });
});
