/**
 * The HTTP request a Temporal call is made for. The API runs each request's handler inside
 * `withRequestId`; the client interceptor below puts that id into the header of every workflow start
 * and Update, where the workflow's history keeps it, so one request can be followed from the API's
 * log line to the workflow and (by program id and version) to the event row.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { defaultPayloadConverter } from '@temporalio/common';
import type { WorkflowClientInterceptor } from '@temporalio/client';

/** A request's id and its logger (pino's, bound to the id). */
export interface RequestContext {
  requestId: string;
  log: { info(fields: object, message: string): void; warn(fields: object, message: string): void };
}

const current = new AsyncLocalStorage<RequestContext>();

export const REQUEST_ID_HEADER = 'request-id';

export function withRequestContext<T>(context: RequestContext, run: () => T): T {
  return current.run(context, run);
}

export function currentRequest(): RequestContext | undefined {
  return current.getStore();
}

/** Adds the current request id (if any) to the Temporal header of starts and Updates. */
export function requestIdInterceptor(): WorkflowClientInterceptor {
  const withHeader = <I extends { headers: Record<string, unknown> }>(input: I): I => {
    const requestId = current.getStore()?.requestId;
    if (requestId === undefined) return input;
    return { ...input, headers: { ...input.headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(requestId) } };
  };
  return {
    start: (input, next) => next(withHeader(input)),
    startWithDetails: (input, next) => next(withHeader(input)),
    startUpdate: (input, next) => next(withHeader(input)),
  };
}
