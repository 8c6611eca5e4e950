/**
 * The API process: `npm run api`. Configuration from the environment (worker/config.ts), parsed once;
 * production (no APP_ENV=development) refuses published secrets and keys before anything starts.
 */
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { EncryptionCodec, encryptingDataConverter } from '../client/payload-codec.js';
import { createProgramClient } from '../client/programs.js';
import { DEVELOPMENT_JWT_SECRET, loadServerConfig } from '../worker/config.js';
import { createOidcVerifier } from './oidc.js';
import { loadOidcConfig } from './oidc-config.js';
import { buildApiServer } from './server.js';

let config: ReturnType<typeof loadServerConfig>;
let oidcConfig: ReturnType<typeof loadOidcConfig>;
try {
  config = loadServerConfig();
  oidcConfig = loadOidcConfig();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 10 });
// Lazy: the API starts (and says so on /v1/health) even while Temporal is still coming up.
const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: encryptingDataConverter(config.payloadKeys) });
const programs = createProgramClient({ client: temporal, taskQueue: config.TEMPORAL_TASK_QUEUE });

// The Temporal Web UI and CLI decode payloads through this server (api/codec.ts), with an hr or auditor token.
const webUiOrigins = config.development
  ? [config.TEMPORAL_UI_ORIGIN, `http://localhost:${config.TEMPORAL_UI_PORT}`, `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`]
  : [config.TEMPORAL_UI_ORIGIN];
const app = await buildApiServer({
  programs,
  db,
  temporal,
  authSecret: config.AUTH_JWT_SECRET,
  logger: { level: 'info' },
  codec: { codec: new EncryptionCodec(config.payloadKeys), origins: [...new Set(webUiOrigins)] },
  development: config.development,
  idSecret: config.IMPORT_ID_SECRET,
  publicBaseUrl: config.PUBLIC_BASE_URL,
  rateLimits: { writesPerMinute: config.RATE_LIMIT_WRITES_PER_MINUTE, authFailuresPerMinute: config.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE },
  ...(oidcConfig ? { oidc: createOidcVerifier(oidcConfig), ui: { oidc: oidcConfig } } : {}),
});
if (config.AUTH_JWT_SECRET === DEVELOPMENT_JWT_SECRET) {
  app.log.warn('AUTH_JWT_SECRET is not set: using the local development secret. Set it anywhere but a developer machine.');
}

const stop = async (): Promise<void> => {
  await app.close();
  await Promise.all([connection.close(), db.end()]);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

await app.listen({ port: config.API_PORT, host: config.API_HOST });
