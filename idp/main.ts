/**
 * The development identity provider as a process (`npm run idp`; `npm start` runs it). It refuses
 * to start unless APP_ENV=development: its accounts share one published password.
 */
import { createServer } from 'node:http';
import { z } from 'zod';
import { describeIssues } from '../domain/schemas.js';
import { loadDevelopmentAccounts } from './accounts.js';
import { CALLBACK_PATH, CLI_CLIENT_ID, SIGNED_OUT_PATH, createDevelopmentProvider } from './provider.js';

const port = z.coerce.number().int().min(1).max(65_535);
const envSchema = z
  .object({
    APP_ENV: z.literal('development', { error: 'must be development: this identity provider is for development and tests only' }),
    IDP_HOST: z.string().min(1).default('127.0.0.1'),
    IDP_PORT: port.default(8091),
    API_PORT: port.default(8080),
    OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
    OIDC_AUDIENCE: z.string().min(1).default('urn:lap:api'),
    OIDC_CLIENT_ID: z.string().min(1).default('lap-web-ui'),
    /** The command line's client (`npm run cli -- sign-in`). */
    OIDC_CLI_CLIENT_ID: z.string().min(1).default(CLI_CLIENT_ID),
    /** Where the web UI is served: each origin may receive the code and be returned to on sign-out. */
    IDP_UI_ORIGINS: z.string().optional(),
    IDP_PASSWORD: z.string().min(1).default('development'),
  })
  .transform((env) => ({
    ...env,
    issuer: env.OIDC_ISSUER ?? `http://127.0.0.1:${env.IDP_PORT}`,
    uiOrigins: (env.IDP_UI_ORIGINS ?? `http://127.0.0.1:${env.API_PORT},http://localhost:${env.API_PORT}`)
      .split(',')
      .map((origin) => origin.trim()),
  }));

const parsed = envSchema.safeParse(process.env);
if (!parsed.success) {
  const problems = describeIssues(parsed.error).map((i) => `  ${i.path}: ${i.message}`);
  console.error(`the development identity provider did not start; invalid configuration in the environment:\n${problems.join('\n')}`);
  process.exit(2);
}
const config = parsed.data;

const handler = await createDevelopmentProvider({
  issuer: config.issuer,
  audience: config.OIDC_AUDIENCE,
  client: {
    clientId: config.OIDC_CLIENT_ID,
    redirectUris: config.uiOrigins.map((origin) => `${origin}${CALLBACK_PATH}`),
    postLogoutRedirectUris: config.uiOrigins.map((origin) => `${origin}${SIGNED_OUT_PATH}`),
  },
  cliClientId: config.OIDC_CLI_CLIENT_ID,
  accounts: await loadDevelopmentAccounts(),
  password: config.IDP_PASSWORD,
});
const server = createServer(handler);
server.listen(config.IDP_PORT, config.IDP_HOST, () => {
  console.log(`[idp] development identity provider at ${config.issuer} (accounts: db/seeds/sign-in-accounts.dev.json)`);
});
const stop = (): void => void server.close();
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
