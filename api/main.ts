/**
 * The API process: `npm run api`. Configuration from the environment (config/index.ts), parsed once;
 * production (no APP_ENV=development) refuses published secrets and keys before anything starts.
 */
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { EncryptionCodec, encryptingDataConverter } from '../temporal/payload-codec.js';
import { createProgramClient } from '../client/programs.js';
import { requestIdInterceptor } from '../client/request-context.js';
import { createEnrollmentReservations } from '../db/enrollment-reservations.js';
import { appendEvents } from '../db/event-store.js';
import { createPool } from '../db/pool.js';
import { DEVELOPMENT_JWT_SECRET, loadServerConfig } from '../config/index.js';
import { createLogger } from '../worker/logging.js';
import { startTracing, tracingClientInterceptor, type Tracing } from '../worker/tracing.js';
import { createOidcVerifier } from './oidc.js';
import { loadOidcConfig } from './oidc-config.js';
import { buildApiServer } from './server.js';

let config: ReturnType<typeof loadServerConfig>;
let oidcConfig: ReturnType<typeof loadOidcConfig>;
let tracing: Tracing;
try {
  config = loadServerConfig();
  oidcConfig = loadOidcConfig();
  // OpenTelemetry tracing from the OTEL_* environment; off unless OTEL_TRACES_EXPORTER names an exporter.
  tracing = startTracing('lap-api');
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const log = createLogger('api');
// A lost connection is logged and replaced, and a query has a deadline (db/pool.ts).
const db = createPool({
  connectionString: config.DATABASE_URL,
  max: 10,
  name: 'api',
  log,
  connectTimeoutMs: 3_000,
  statementTimeoutMs: 10_000,
});
// Lazy: the API starts (and says so on /v1/health) even while Temporal is still coming up. A few
// quick retries of a failed call, not the default's ten: each call has a deadline of its own, and
// an outage should come back to the client as a 503 in seconds.
const connection = Connection.lazy({
  ...config.temporal.connectionOptions,
  connectTimeout: '3 seconds',
  interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 3, maxIntervalMs: () => 1_000 }))],
});
const temporal = new Client({
  connection,
  namespace: config.temporal.namespace,
  dataConverter: encryptingDataConverter(config.payloadKeys),
  // Each start and Update carries the request's id in its Temporal header, and its trace context when
  // tracing is on (off, Temporal's interceptor would make a no-op span and an empty header per call).
  interceptors: { workflow: [requestIdInterceptor(), ...(tracing.enabled ? [tracingClientInterceptor()] : [])] },
});
// One program at a time (decision 5): enrollments hold the employee in PostgreSQL before they start.
const programs = createProgramClient({
  client: temporal,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  reservations: createEnrollmentReservations(db),
  // The opening events go into the log with the 201: the program is listed within the projector's lag.
  ...(config.API_RECORDS_OPENING_EVENTS === 'true' ? { recordOpening: (events) => appendEvents(db, events) } : {}),
});

// The Temporal Web UI and CLI decode payloads through this server (api/codec.ts), with an hr or auditor token.
const webUiOrigins = config.development
  ? [config.TEMPORAL_UI_ORIGIN, `http://localhost:${config.TEMPORAL_UI_PORT}`, `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`]
  : [config.TEMPORAL_UI_ORIGIN];
const app = await buildApiServer({
  programs,
  db,
  temporal,
  authSecret: config.AUTH_JWT_SECRET,
  logger: log,
  metrics: true,
  codec: { codec: new EncryptionCodec(config.payloadKeys), origins: [...new Set(webUiOrigins)] },
  development: config.development,
  idSecret: config.IMPORT_ID_SECRET,
  publicBaseUrl: config.PUBLIC_BASE_URL,
  rateLimits: { writesPerMinute: config.RATE_LIMIT_WRITES_PER_MINUTE, authFailuresPerMinute: config.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE },
  ...(oidcConfig ? { oidc: createOidcVerifier(oidcConfig), ui: { oidc: oidcConfig } } : {}),
});
if (tracing.enabled) app.log.info({ exporters: process.env.OTEL_TRACES_EXPORTER }, 'tracing requests with OpenTelemetry');
if (oidcConfig) app.log.info(`accepting OpenID Connect access tokens of ${oidcConfig.issuer} for ${oidcConfig.audience}`);
if (config.AUTH_JWT_SECRET === DEVELOPMENT_JWT_SECRET) {
  app.log.warn('AUTH_JWT_SECRET is not set: using the local development secret. Set it anywhere but a developer machine.');
}

// SIGTERM: stop accepting, let the requests under way finish (fastify.close waits for them), then
// let go of the connections. A second signal does not wait.
let stopping = false;
const stop = (signal: string): void => {
  if (stopping) process.exit(1);
  stopping = true;
  log.info({ signal }, 'shutting down: finishing requests under way');
  void app
    .close()
    .then(() => Promise.all([connection.close(), db.end(), tracing.shutdown()]))
    .then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ errorName: error instanceof Error ? error.name : typeof error }, 'shutdown failed');
        process.exit(1);
      },
    );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

await app.listen({ port: config.API_PORT, host: config.API_HOST });
