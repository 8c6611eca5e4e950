/** Configuration from the environment, parsed once at start-up, with local defaults. */
import { z } from 'zod';
import { DEVELOPMENT_PAYLOAD_KEYS, parseEncryptionKeys } from '../temporal/payload-codec.js';
import { loadTemporalTarget, type TemporalTarget } from '../temporal/connection.js';
import { describeIssues } from '../domain/schemas.js';

/**
 * Signs and checks the API's tokens on a developer's machine only: a server started in production
 * (no APP_ENV=development) refuses it, set or unset, rather than fall back to this published value.
 */
export const DEVELOPMENT_JWT_SECRET = 'local-development-only-secret-never-use-in-production';

/** Keys import program ids (an HMAC of the row's identity) on a developer's machine only. */
export const DEVELOPMENT_IMPORT_ID_SECRET = 'local-development-import-id-secret-not-for-production';

/** Secrets written in this repository (code, README, examples): published, so never good in production. */
const PUBLISHED_SECRETS: ReadonlySet<string> = new Set([DEVELOPMENT_JWT_SECRET, DEVELOPMENT_IMPORT_ID_SECRET]);
const PUBLISHED_PAYLOAD_KEYS: readonly Buffer[] = parseEncryptionKeys(DEVELOPMENT_PAYLOAD_KEYS).map((k) => k.key);

const configSchema = z
  .object({
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('development-programs'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL')
      .default('postgres://lap:lap@127.0.0.1:5432/lap'),
    WORKFLOW_BUNDLE_PATH: z.string().optional(),
    /** Worker Versioning: this worker's build id; unset, the worker is unversioned (the dev server's default). */
    WORKER_BUILD_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be 1 to 255 letters, digits, dots, dashes or underscores')
      .optional(),
    /** Where the worker serves Prometheus metrics (the SDK's Runtime telemetry), e.g. 127.0.0.1:9464; off when unset. */
    WORKER_METRICS_ADDRESS: z
      .string()
      .regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9464')
      .optional(),
    /**
     * The worker's tuning (docs/operations.md, "Worker tuning"): programs kept in its cache (a program
     * not in it replays its history on its next task), workflow tasks and activities run at once, the
     * threads that run workflow code, and how long a task on its sticky queue waits before it goes to
     * the shared queue (a killed worker's programs wait that long; test/faults relies on 3 s).
     */
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(2_000),
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).default(40),
    WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(100),
    WORKER_WORKFLOW_THREADS: z.coerce.number().int().min(1).max(16).default(1),
    WORKER_STICKY_QUEUE_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(3_000),
    /** Worker Versioning: the deployment every build of the program worker belongs to. */
    WORKER_DEPLOYMENT_NAME: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be 1 to 255 letters, digits, dots, dashes or underscores')
      .default('development-programs'),
    /** The local Temporal Web UI's port: the development codec endpoint serves that origin. */
    TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65_535).default(8233),
    /** Only `development` turns development mode on (development sign-in, published defaults); anything else is production. */
    APP_ENV: z.string().optional(),
    /** The origin of the Temporal Web UI allowed to call /codec; the local Web UI in development. */
    TEMPORAL_UI_ORIGIN: z.url({ protocol: /^https?$/ }).optional(),
    /** The absolute URL the API is reached at (calendar feed URLs); never taken from a request's Host. */
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Keys import program ids (HMAC-SHA256 of employee id, appointment date and class). */
    IMPORT_ID_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Requests a caller may make per minute: writes, and failed sign-ins from one address. */
    RATE_LIMIT_WRITES_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(60),
    /**
     * Whether the API appends an enrollment's opening events itself before it answers 201
     * (docs/architecture.md, "Enrolling"). Only workers of builds since 2026-11-30 decide the same
     * events; `false` while programs may still start on an earlier build (a rollback, docs/deployment.md).
     */
    API_RECORDS_OPENING_EVENTS: z.enum(['true', 'false'], { message: "must be 'true' or 'false'" }).default('true'),
    API_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
    API_HOST: z.string().min(1).default('127.0.0.1'),
    /** Where the CLI finds the API (import goes over HTTP); defaults to API_HOST and API_PORT. */
    API_URL: z.url({ protocol: /^https?$/ }).optional(),
    // 32 characters at least: HS256 wants a key as long as its hash (RFC 7518, section 3.2).
    AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (HS256 needs a 256-bit key)').optional(),
    /**
     * Keys that seal every payload put into Temporal (temporal/payload-codec.ts): `id:base64[,id:base64…]`,
     * 32-byte keys, the encrypting one first. Unset on a developer's machine: a published development key.
     */
    PAYLOAD_ENCRYPTION_KEYS: z.string().optional(),
    /** Where notices are sent; the default is the development inbox `npm start` runs (maildev). */
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).default('smtp://127.0.0.1:1025'),
    /** The sender of notices; its domain is the right-hand side of every Message-ID. */
    MAIL_FROM: z
      .string()
      .regex(
        /^(?:[^<>]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/,
        'must be an address, optionally with a name: "Name" <notices@agency.example>',
      )
      .default('"Leadership Associate programs" <notices@lap.example>'),
  })
  .superRefine((env, ctx) => {
    if (env.PAYLOAD_ENCRYPTION_KEYS !== undefined) {
      try {
        parseEncryptionKeys(env.PAYLOAD_ENCRYPTION_KEYS);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['PAYLOAD_ENCRYPTION_KEYS'], message: (error as Error).message });
      }
    }
  })
  .transform(
    ({ AUTH_JWT_SECRET, API_URL, PAYLOAD_ENCRYPTION_KEYS, IMPORT_ID_SECRET, TEMPORAL_UI_ORIGIN, APP_ENV, PUBLIC_BASE_URL, ...rest }) => {
      const apiUrl = API_URL ?? `http://${rest.API_HOST.includes(':') ? `[${rest.API_HOST}]` : rest.API_HOST}:${rest.API_PORT}`;
      return {
        ...rest,
        development: APP_ENV === 'development',
        AUTH_JWT_SECRET: AUTH_JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
        IMPORT_ID_SECRET: IMPORT_ID_SECRET ?? DEVELOPMENT_IMPORT_ID_SECRET,
        TEMPORAL_UI_ORIGIN: TEMPORAL_UI_ORIGIN ?? `http://127.0.0.1:${rest.TEMPORAL_UI_PORT}`,
        payloadKeys: parseEncryptionKeys(PAYLOAD_ENCRYPTION_KEYS ?? DEVELOPMENT_PAYLOAD_KEYS),
        usingDevelopmentPayloadKey: PAYLOAD_ENCRYPTION_KEYS === undefined,
        API_URL: apiUrl,
        PUBLIC_BASE_URL: (PUBLIC_BASE_URL ?? apiUrl).replace(/\/+$/, ''),
      };
    },
  );

/** Temporal's address, namespace, TLS and API key come from its own configuration (temporal/connection.ts). */
export type Config = z.infer<typeof configSchema> & { temporal: TemporalTarget };

/**
 * The configuration of a tool (CLI, migrations): published development defaults fill what is unset,
 * so a developer's commands work without setting anything. Servers use loadServerConfig.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) throw configurationError(describeIssues(parsed.error));
  return { ...parsed.data, temporal: loadTemporalTarget(env) };
}

/** The secrets and keys a server may need; each server names those it uses. */
export type ServerSecret = 'AUTH_JWT_SECRET' | 'IMPORT_ID_SECRET' | 'PAYLOAD_ENCRYPTION_KEYS';

/**
 * The configuration of a server (the API needs every secret, the worker the payload keys). In
 * production (APP_ENV is not `development`) a secret or key it needs that is unset, or one published
 * in this repository, stops the start, naming the variable.
 */
export function loadServerConfig(
  env: NodeJS.ProcessEnv = process.env,
  needs: readonly ServerSecret[] = ['AUTH_JWT_SECRET', 'IMPORT_ID_SECRET', 'PAYLOAD_ENCRYPTION_KEYS'],
): Config {
  const config = loadConfig(env);
  if (config.development) return config;
  const problems: { path: string; message: string }[] = [];
  const published = 'is a published development value; set a secret of your own (or APP_ENV=development on a developer machine)';
  const required = 'is required in production (APP_ENV is not "development")';
  for (const name of needs) {
    if (env[name] === undefined) problems.push({ path: name, message: required });
    else if (
      name === 'PAYLOAD_ENCRYPTION_KEYS'
        ? config.payloadKeys.some(({ key }) => PUBLISHED_PAYLOAD_KEYS.some((known) => known.equals(key)))
        : PUBLISHED_SECRETS.has(config[name])
    ) {
      problems.push({ path: name, message: published });
    }
  }
  if (problems.length > 0) throw configurationError(problems);
  return config;
}

function configurationError(issues: readonly { path: string; message: string }[]): Error {
  return new Error(`invalid configuration in the environment:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
}
