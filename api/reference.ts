/** Reference data and the service's health: the target classes, whether Temporal and PostgreSQL answer. */
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { targetClasses } from '../domain/target-classes.js';
import { anyRole } from './access.js';
import { RETRY_AFTER_SECONDS } from './errors.js';
import { errorStatuses } from './openapi.js';
import { PROBE_TIMEOUT_MS, answers } from './operations.js';
import { healthResponse, targetClassListResponse } from './schemas.js';

export async function referenceRoutes(app: FastifyInstance, { db, temporal }: { db: Pool; temporal: Client }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/v1/health',
    {
      schema: {
        tags: ['reference'],
        summary: 'Whether the API, Temporal and PostgreSQL answer',
        security: [],
        response: { 200: healthResponse, 503: healthResponse },
      },
      config: { access: { kind: 'public' } },
    },
    async (_request, reply) => {
      const [temporalUp, postgresUp] = await Promise.all([
        answers(() => temporal.withDeadline(Date.now() + PROBE_TIMEOUT_MS, () => temporal.workflowService.getSystemInfo({}))),
        answers(() => db.query('SELECT 1')),
      ]);
      const ok = temporalUp && postgresUp;
      if (!ok) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return reply.code(ok ? 200 : 503).send({
        status: ok ? 'ok' : 'unavailable',
        checks: { api: 'ok', temporal: temporalUp ? 'ok' : 'unavailable', postgres: postgresUp ? 'ok' : 'unavailable' },
      });
    },
  );

  api.get(
    '/v1/target-classes',
    {
      schema: {
        tags: ['reference'],
        summary: 'The approved designated target classes',
        response: { 200: targetClassListResponse, ...errorStatuses(401, 403) },
      },
      config: anyRole,
    },
    () => ({ items: [...targetClasses] }),
  );
}
