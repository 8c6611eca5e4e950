/**
 * The HTTP API of shared/API.md. Commands go to Temporal through the typed client (the caller gets
 * the rule's verdict at once); reads come from the PostgreSQL read model. Authentication runs before
 * the body is even read, authorization before the body is validated, so a stranger learns nothing
 * from the shape of the answer.
 *
 * This module only assembles the server: shared behaviour (access, errors, idempotency, OpenAPI,
 * hardening) is installed on the root, and each resource is a plugin of its own module. A new
 * resource: a plugin in a new file under api/, registered here in one line.
 */
import { randomUUID } from 'node:crypto';
import { createHmac } from 'node:crypto';
import fastifyAccepts from '@fastify/accepts';
import type { Client } from '@temporalio/client';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import type { z } from 'zod';
import type { ProgramClient } from '../client/programs.js';
import { withRequestContext } from '../client/request-context.js';
import { createQueries } from '../db/queries.js';
import { installAccess, visibleProgram } from './access.js';
import { calendarRoutes } from './calendar.js';
import { codecRoutes, type CodecRoutesOptions } from './codec.js';
import { commandRoutes } from './commands.js';
import { dashboardRoutes } from './dashboard.js';
import { dashboardChartRoutes } from './dashboard-charts.js';
import { RequestValidationError, installErrorHandling, issuesOf } from './errors.js';
import {
  DEFAULT_RATE_LIMITS,
  clientErrorHandler,
  credentialFreeSerializers,
  installHardening,
  loggerWithoutCredentials,
  refuseNulBytes,
  type RateLimits,
} from './hardening.js';
import { installIdempotency } from './idempotency.js';
import { programRecordRoutes } from './notices.js';
import type { OidcVerifier } from './oidc.js';
import { installOpenApi } from './openapi.js';
import { installOperations, traceRequests } from './operations.js';
import { serializerCompiler } from './serializer.js';
import { programSummaryRoutes } from './program-summary.js';
import { programRoutes } from './programs.js';
import { referenceRoutes } from './reference.js';
import { staffRoutes } from './staff.js';
import { importPreviewRoutes } from './import-preview.js';
import { noticeDeliveryRoutes } from './notice-delivery.js';
import { IMPORT_BODY_LIMIT } from './programs-import.js';
import { webUi, type WebUiOptions } from './ui.js';

export { etagOf } from './commands.js';

/** An enrollment with 100 milestones is about 30 KB; nothing else comes close. */
const BODY_LIMIT = 128 * 1024;

export interface ApiServerOptions {
  programs: ProgramClient;
  db: Pool;
  /** For the health check; commands go through `programs`. */
  temporal: Client;
  authSecret: string;
  /** Tokens of the OpenID Connect issuer (api/oidc.ts); only HS256 tokens when not given. */
  oidc?: OidcVerifier;
  /** Fastify's logger options, or a pino logger of the process's own (api/main.ts). */
  logger?: FastifyServerOptions['logger'] | FastifyBaseLogger;
  /** The web UI at `/` (api/ui.ts): where it is built, and whether the development sign-in is on. */
  ui?: Omit<WebUiOptions, 'authSecret'>;
  /** The codec endpoint for the Temporal Web UI and CLI (api/codec.ts); off when not given. */
  codec?: CodecRoutesOptions;
  /**
   * Development mode (APP_ENV=development): the development routes exist (answering loopback Hosts
   * only). Off unless asked for: every other server is production.
   */
  development?: boolean;
  /** Keys import program ids and enrollment ids from idempotency keys (IMPORT_ID_SECRET); AUTH_JWT_SECRET under a label of its own when not given. */
  idSecret?: string;
  /** The absolute URL the API is reached at, for URLs it hands out (PUBLIC_BASE_URL); the listening address when not given. */
  publicBaseUrl?: string;
  rateLimits?: RateLimits;
  /** Prometheus metrics at GET /metrics (api/operations.ts); off when not set. */
  metrics?: boolean;
}

/** The validator for every route: the domain's zod schemas, with issues in the contract's shape. */
const validatorCompiler =
  ({ schema }: { schema: z.ZodType }) =>
  (data: unknown): { value: unknown } | { error: Error } => {
    const result = schema.safeParse(data);
    return result.success ? { value: result.data } : { error: new RequestValidationError(issuesOf(result.error, data)) };
  };

export async function buildApiServer({
  programs,
  db,
  temporal,
  authSecret,
  oidc,
  logger = false,
  ui = {},
  codec,
  development = false,
  idSecret = createHmac('sha256', authSecret).update('program-ids/v1').digest('base64url'),
  publicBaseUrl,
  rateLimits = DEFAULT_RATE_LIMITS,
  metrics = false,
}: ApiServerOptions): Promise<FastifyInstance> {
  const queries = createQueries(db);
  const app = Fastify({
    // Request lines never carry a credential (a feed token in the path, a token in the query).
    ...(isLoggerInstance(logger)
      ? { loggerInstance: logger.child({}, { serializers: credentialFreeSerializers }) }
      : { logger: loggerWithoutCredentials(logger) }),
    // Node's parser errors (headers over its limit: 431) answered in the contract's shape.
    clientErrorHandler,
    // A caller's X-Request-Id is kept when it is a plain token, so its own logs and ours line up.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    bodyLimit: BODY_LIMIT,
    // Notice ids carry the program id and the notice's key (`p-…/milestone-overdue/m1/7`).
    routerOptions: { maxParamLength: 300 },
  });
  // JSON only (CSV on the import route below): a text/plain body is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  // A span per request, the parent of its Temporal calls (api/operations.ts); before the request id's context.
  traceRequests(app);
  // Every Temporal call made for a request carries its id (client/request-context.ts).
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    withRequestContext({ requestId: request.id, log: request.log }, done);
  });
  refuseNulBytes(app);
  const authLimits = await installHardening(app, rateLimits, ui.oidc?.clientId ? [new URL(ui.oidc.issuer).origin] : []);
  installIdempotency(app, db);
  await app.register(fastifyAccepts);
  await installOpenApi(app);
  installAccess(app, { authSecret, oidc, development, limits: authLimits });

  installOperations(app.withTypeProvider<ZodTypeProvider>(), { db, temporal, metrics });
  await app.register(referenceRoutes, { db, temporal });
  await app.register(programRoutes, { programs, db, queries, idSecret });
  await app.register(commandRoutes, { programs, db, queries });
  await app.register(programRecordRoutes, { programs, queries });
  await app.register(dashboardRoutes, { queries });
  await app.register(dashboardChartRoutes, { db });
  await app.register(programSummaryRoutes, {
    db,
    visibleProgram: (request, programId) => visibleProgram({ queries, programs }, request, programId),
  });
  await app.register(staffRoutes, { db });
  await app.register(importPreviewRoutes, { programs, db, bodyLimit: IMPORT_BODY_LIMIT });
  await app.register(noticeDeliveryRoutes, { programs, db, queries });
  await app.register(calendarRoutes, { db, secret: authSecret, baseUrl: () => publicBaseUrl ?? listeningUrl(app) });
  if (codec) await app.register(codecRoutes, { ...codec, db });
  await app.register(webUi, { ...ui, authSecret, development });

  await app.ready();
  return app;
}

/** This server's own address, for URLs it hands out when PUBLIC_BASE_URL is not set (never the Host header). */
function listeningUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (!address || typeof address === 'string') return 'http://127.0.0.1';
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

function isLoggerInstance(logger: ApiServerOptions['logger']): logger is FastifyBaseLogger {
  return typeof logger === 'object' && logger !== null && 'child' in logger && typeof logger.child === 'function';
}
