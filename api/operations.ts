/**
 * What operators watch: Prometheus metrics at GET /metrics (request rate, latency and errors by
 * route; projection lag; outbox backlog; the process's own), and liveness apart from readiness:
 * GET /v1/health/live answers while the process runs, GET /v1/health/ready only when it can serve
 * (Temporal and PostgreSQL answer), so a load balancer stops sending requests to an API that cannot
 * reach them without the orchestrator restarting it. GET /v1/health stays as the contract has it.
 */
import { ProxyTracerProvider, ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Span } from '@opentelemetry/api';
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { z } from 'zod';
import { healthResponse } from './schemas.js';

/** How long a health probe waits for a dependency before calling it down. */
export const PROBE_TIMEOUT_MS = 2_000;

/** Whether a dependency answers a probe within PROBE_TIMEOUT_MS (GET /v1/health and the readiness check). */
export async function answers(probe: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([probe().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export interface OperationsOptions {
  db: Pool;
  temporal: Client;
  /** Serve GET /metrics (Prometheus text format). */
  metrics: boolean;
}

export function installOperations(app: FastifyInstance, { db, temporal, metrics }: OperationsOptions): void {
  app.get(
    '/v1/health/live',
    {
      schema: {
        tags: ['reference'],
        summary: 'Liveness: the process runs (restart it when this fails)',
        security: [],
        response: { 200: z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' }) },
      },
      config: { access: { kind: 'public' } },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/v1/health/ready',
    {
      schema: {
        tags: ['reference'],
        summary: 'Readiness: Temporal and PostgreSQL answer (send no requests while this is 503)',
        security: [],
        response: { 200: healthResponse, 503: healthResponse },
      },
      config: { access: { kind: 'public' } },
    },
    async (_request, reply) => {
      const [temporalUp, postgresUp] = await Promise.all([
        answers(() =>
          temporal.connection.withAbortSignal(AbortSignal.timeout(PROBE_TIMEOUT_MS), () => temporal.workflowService.getSystemInfo({})),
        ),
        answers(() => db.query('SELECT 1')),
      ]);
      const ok = temporalUp && postgresUp;
      return reply.code(ok ? 200 : 503).send({
        status: ok ? 'ok' : 'unavailable',
        checks: { api: 'ok', temporal: temporalUp ? 'ok' : 'unavailable', postgres: postgresUp ? 'ok' : 'unavailable' },
      });
    },
  );
  if (!metrics) return;

  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lap_api_' });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'lap_api_requests_total',
    help: 'HTTP requests answered, by route template and status',
    labelNames,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'lap_api_errors_total',
    help: 'HTTP requests answered with a 5xx status',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'lap_api_request_duration_seconds',
    help: 'Time from request to response, by route template',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // Read from PostgreSQL at each scrape: how far the read model trails the event log, and what the outbox still owes.
  new Gauge({
    name: 'lap_projection_lag_events',
    help: 'Events in the log that the programs read model has not applied yet',
    registers: [registry],
    async collect() {
      const { rows } = await db.query<{ lag: string }>(
        `SELECT count(*)::text AS lag FROM program_events e, projection_checkpoints c
          WHERE c.projection = 'programs' AND (e.transaction_id, e.position) > (c.last_transaction_id, c.last_position)`,
      );
      this.set(Number(rows[0]?.lag ?? 0));
    },
  });
  new Gauge({
    name: 'lap_projection_lag_seconds',
    help: 'Age of the oldest event the programs read model has not applied yet (0 when it is current)',
    registers: [registry],
    async collect() {
      const { rows } = await db.query<{ age: number | null }>(
        `SELECT extract(epoch FROM now() - min(e.recorded_at))::float8 AS age FROM program_events e, projection_checkpoints c
          WHERE c.projection = 'programs' AND (e.transaction_id, e.position) > (c.last_transaction_id, c.last_position)`,
      );
      this.set(rows[0]?.age ?? 0);
    },
  });
  new Gauge({
    name: 'lap_outbox_backlog',
    help: 'Notice deliveries not yet sent (pending or sending)',
    registers: [registry],
    async collect() {
      const { rows } = await db.query<{ backlog: string }>(
        `SELECT count(*)::text AS backlog FROM notice_deliveries WHERE status IN ('pending', 'sending')`,
      );
      this.set(Number(rows[0]?.backlog ?? 0));
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    requests.inc(labels);
    if (reply.statusCode >= 500) errors.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true }, config: { access: { kind: 'public' } } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}

const requestSpans = new WeakMap<FastifyRequest, Span>();

/**
 * A span for each request (worker/tracing.ts), the parent of the Temporal calls made for it: the
 * child of the caller's W3C `traceparent` when one is sent. Named by route template and method only:
 * paths carry program ids and feed tokens. A no-op while tracing is off.
 */
export function traceRequests(app: FastifyInstance): void {
  const tracer = trace.getTracer('lap-api');
  // Whether a tracer provider is registered (worker/tracing.ts), asked per request since one may be
  // registered after the server is built. Without one, every span is a no-op and no context is
  // propagated, so the request skips making them.
  const provider = trace.getTracerProvider();
  const tracing = (): boolean => !(provider instanceof ProxyTracerProvider) || provider.getDelegateTracer('lap-api') !== undefined;
  app.addHook('onRequest', (request, _reply, done) => {
    if (!tracing()) return done();
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const route = request.routeOptions.url ?? 'unmatched';
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': route, 'url.scheme': request.protocol } },
      parent,
    );
    requestSpans.set(request, span);
    // The rest of the request (hooks, handler, Temporal calls) runs in the span's context.
    context.with(trace.setSpan(parent, span), done);
  });
  const end = (request: FastifyRequest, status: number | undefined): void => {
    const span = requestSpans.get(request);
    if (!span) return;
    requestSpans.delete(request);
    if (status === undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: 'request aborted' });
    else {
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };
  app.addHook('onResponse', (request, reply, done) => {
    end(request, reply.statusCode);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    end(request, undefined);
    done();
  });
}
