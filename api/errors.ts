/**
 * Every error the API answers with, in the contract's shape
 * `{"error": {"code", "message", "issues": [{"path", "message"}]}}`. Anything a client sent gets a
 * 4xx; only a failure of ours (or of Temporal or PostgreSQL) is a 5xx, and never with a stack.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  CommandForbiddenError,
  InvalidInputError,
  OutcomeUnknownError,
  ProgramConflictError,
  ProgramNotFoundError,
  RuleViolationError,
  TemporalUnavailableError,
  grpcStatusOf,
} from '../client/programs.js';
import { isErrorCode, ruleStatusOf, statusOf } from '../client/error-codes.js';
import { codeOf, isDatabaseUnavailable } from '../db/pool.js';
import { InvalidCursorError } from '../db/queries.js';
import { plainIssues, summaryOf } from './messages.js';
import type { ErrorBody } from './schemas.js';

type Issue = { path: string; message: string; code?: string };

/** An answer decided by the API itself: authentication, authorization, visibility, conflicts. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: Issue[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const unauthorized = (code: 'missing-token' | 'invalid-token' | 'token-expired', message: string): ApiError =>
  new ApiError(statusOf(code), code, message);
export const forbidden = (): ApiError =>
  new ApiError(statusOf('forbidden'), 'forbidden', 'Your roles do not allow this action on this resource.');
export const notFound = (what: string): ApiError =>
  new ApiError(statusOf('not-found'), 'not-found', `No ${what} with that id is visible to you.`);

/** Input that does not fit a schema; raised by the validator compiler below. */
export class RequestValidationError extends Error {
  constructor(readonly issues: Issue[]) {
    super(summaryOf(issues));
    this.name = 'RequestValidationError';
  }
}

/**
 * Zod issues as the contract's issues, one sentence per field naming it as the forms do
 * (api/messages.ts). An unknown field is reported at its own path (zod reports it on the object
 * that holds it), so the client sees `status`, not the whole body. `input` tells a missing field
 * from a wrong one.
 */
export function issuesOf(error: z.ZodError, input?: unknown): Issue[] {
  return plainIssues(error, input);
}

export function errorBodyFor(error: unknown): { statusCode: number; body: ErrorBody; headers?: Record<string, string> } {
  if (error instanceof ApiError) {
    const body: ErrorBody = { code: error.code, message: error.message };
    if (error.issues) body.issues = error.issues;
    // The table decides the status of every code it names (client/error-codes.ts).
    const statusCode = isErrorCode(error.code) ? statusOf(error.code) : error.statusCode;
    return statusCode === 401 ? { statusCode, body, headers: { 'www-authenticate': 'Bearer' } } : { statusCode, body };
  }
  if (error instanceof RequestValidationError) {
    return { statusCode: statusOf('invalid-input'), body: { code: 'invalid-input', message: error.message, issues: error.issues } };
  }
  if (error instanceof InvalidInputError) {
    return {
      statusCode: statusOf('invalid-input'),
      body: { code: 'invalid-input', message: summaryOf(error.issues), issues: error.issues },
    };
  }
  if (error instanceof InvalidCursorError) {
    return {
      statusCode: statusOf('invalid-cursor'),
      body: { code: 'invalid-cursor', message: error.message, issues: [{ path: 'cursor', message: error.message }] },
    };
  }
  if (error instanceof RuleViolationError) {
    const issues = error.violations.map((v) => ({ path: v.field, message: v.message, code: v.code }));
    const first = error.violations[0];
    const message = first ? first.message : 'The request breaks a program rule.';
    // A rule about the program's state (a closed program, version-mismatch) is a 409 or 412 by the table; any other rule a 422.
    const statusCode = ruleStatusOf(error.code);
    return { statusCode, body: { code: error.code, message, issues } };
  }
  if (error instanceof ProgramNotFoundError) return errorBodyFor(notFound('program'));
  if (error instanceof CommandForbiddenError) return errorBodyFor(forbidden());
  if (error instanceof ProgramConflictError) {
    return { statusCode: statusOf('conflict'), body: { code: 'conflict', message: 'A program with that id already exists.' } };
  }
  if (isFastifyError(error) && error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return { statusCode: error.statusCode, body: fastifyClientError(error) };
  }
  if (error instanceof OutcomeUnknownError) {
    return {
      statusCode: statusOf('outcome-unknown'),
      body: {
        code: 'outcome-unknown',
        message:
          'The command was sent but no answer came back in time; it may or may not have been applied. Send it again with the same Idempotency-Key: it is applied at most once.',
      },
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    };
  }
  const part = unavailablePart(error);
  if (part) {
    return {
      statusCode: statusOf('service-unavailable'),
      body: {
        code: 'service-unavailable',
        message: `${part === 'temporal' ? 'Temporal' : 'PostgreSQL'} is not answering; nothing was changed. Try again later.`,
      },
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    };
  }
  return {
    statusCode: statusOf('internal-error'),
    body: { code: 'internal-error', message: 'The server could not complete the request.' },
  };
}

/** What a client is told to wait before sending a request again after a 503. */
export const RETRY_AFTER_SECONDS = 2;

/** Temporal or PostgreSQL out of reach: the client may retry, so 503 rather than 500. */
function unavailablePart(error: unknown): 'temporal' | 'postgres' | null {
  if (error instanceof TemporalUnavailableError) return 'temporal';
  if (isDatabaseUnavailable(error)) return 'postgres';
  if (!(error instanceof Error)) return null;
  if (error.name === 'ServiceError' || grpcStatusOf(error) !== null) return 'temporal';
  return null;
}

/**
 * What a failure log line says of its cause: names and codes down the cause chain, never messages
 * (they may quote the request).
 */
export function describeCause(error: unknown): { errorName: string; causes: string[] } {
  const causes: string[] = [];
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) {
    const code = codeOf(e);
    const grpcCode = (e as { code?: unknown }).code;
    causes.push([e.name, code ? `code ${code}` : typeof grpcCode === 'number' ? `grpc status ${grpcCode}` : ''].filter(Boolean).join(' '));
  }
  return { errorName: error instanceof Error ? error.name : typeof error, causes };
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as Partial<FastifyError>).code === 'string';
}

/** Fastify's own client errors (body parsing, size, media type) under stable codes of ours. */
function fastifyClientError(error: FastifyError): ErrorBody {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'payload-too-large', message: 'The request body is larger than this endpoint accepts.' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: 'unsupported-media-type', message: 'This endpoint does not accept that Content-Type.' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'invalid-input', message: 'The JSON body is empty.', issues: [{ path: '', message: 'a JSON body is required' }] };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { code: 'malformed-body', message: 'The request body is not well-formed.' };
    default:
      // JSON syntax errors and forbidden prototype keys arrive here with a 400 and a plain message.
      if (error instanceof SyntaxError || /JSON/.test(error.message))
        return { code: 'malformed-body', message: 'The request body is not valid JSON.' };
      return { code: 'bad-request', message: 'The request could not be read.' };
  }
}

/** Installs the error and not-found handlers: the only places the API turns errors into replies. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { statusCode, body, headers } = errorBodyFor(error);
    if (statusCode >= 500) {
      // The name and the route say what failed; messages and bodies may carry personal data.
      request.log.error({ ...describeCause(error), route: request.routeOptions.url, statusCode, code: body.code }, 'request failed');
    }
    if (headers) reply.headers(headers);
    return reply.code(statusCode).type('application/json; charset=utf-8').send({ error: body });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(statusOf('not-found')).send({ error: { code: 'not-found', message: 'No such endpoint.' } }),
  );
}
