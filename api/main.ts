/** The API process: `npm run api`. Configuration from the environment (worker/config.ts), parsed once. */
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { EncryptionCodec, encryptingDataConverter } from '../client/payload-codec.js';
import { createProgramClient } from '../client/programs.js';
import { DEVELOPMENT_JWT_SECRET, loadConfig } from '../worker/config.js';
import { createOidcVerifier } from './oidc.js';
import { loadOidcConfig } from './oidc-config.js';
import { buildApiServer } from './server.js';

const config = loadConfig();
const oidcConfig = loadOidcConfig();
const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 10 });
// Lazy: the API starts (and says so on /v1/health) even while Temporal is still coming up.
const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: encryptingDataConverter(config.payloadKeys) });
const programs = createProgramClient({ client: temporal, taskQueue: config.TEMPORAL_TASK_QUEUE });

// On a developer's machine the Temporal Web UI decodes payloads through this server (api/codec.ts).
const codec =
  config.NODE_ENV === 'production'
    ? undefined
    : { codec: new EncryptionCodec(config.payloadKeys), origins: [`http://127.0.0.1:${config.TEMPORAL_UI_PORT}`, `http://localhost:${config.TEMPORAL_UI_PORT}`] };
const app = await buildApiServer({
  programs,
  db,
  temporal,
  authSecret: config.AUTH_JWT_SECRET,
  logger: { level: 'info' },
  ...(codec ? { codec } : {}),
  ...(oidcConfig ? { oidc: createOidcVerifier(oidcConfig), ui: { oidc: oidcConfig } } : {}),
});
if (oidcConfig) app.log.info(`accepting OpenID Connect access tokens of ${oidcConfig.issuer} for ${oidcConfig.audience}`);
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
