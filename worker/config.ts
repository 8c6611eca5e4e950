/** Configuration from the environment, parsed once at start-up, with local defaults. */
import { z } from 'zod';
import { DEVELOPMENT_PAYLOAD_KEYS, parseEncryptionKeys } from '../client/payload-codec.js';
import { loadTemporalTarget, type TemporalTarget } from '../client/temporal-connection.js';
import { describeIssues } from '../domain/schemas.js';

/**
 * Signs and checks the API's tokens on a developer's machine only: with NODE_ENV=production an
 * unset AUTH_JWT_SECRET is refused rather than falling back to this published value.
 */
export const DEVELOPMENT_JWT_SECRET = 'local-development-only-secret-never-use-in-production';

const configSchema = z
  .object({
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('development-programs'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL')
      .default('postgres://lap:lap@127.0.0.1:5432/lap'),
    WORKFLOW_BUNDLE_PATH: z.string().optional(),
    /** Worker Versioning: this worker's build id; unset, the worker is unversioned (the dev server's default). */
    WORKER_BUILD_ID: z.string().regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be 1 to 255 letters, digits, dots, dashes or underscores').optional(),
    /** Where the worker serves Prometheus metrics (the SDK's Runtime telemetry), e.g. 127.0.0.1:9464; off when unset. */
    WORKER_METRICS_ADDRESS: z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9464').optional(),
    /** Worker Versioning: the deployment every build of the program worker belongs to. */
    WORKER_DEPLOYMENT_NAME: z.string().regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be 1 to 255 letters, digits, dots, dashes or underscores').default('development-programs'),
    /** The local Temporal Web UI's port: the development codec endpoint serves that origin. */
    TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65_535).default(8233),
    NODE_ENV: z.string().optional(),
    API_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
    API_HOST: z.string().min(1).default('127.0.0.1'),
    /** Where the CLI finds the API (import goes over HTTP); defaults to API_HOST and API_PORT. */
    API_URL: z.url({ protocol: /^https?$/ }).optional(),
    // 32 characters at least: HS256 wants a key as long as its hash (RFC 7518, section 3.2).
    AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (HS256 needs a 256-bit key)').optional(),
    /**
     * Keys that seal every payload put into Temporal (client/payload-codec.ts): `id:base64[,id:base64…]`,
     * 32-byte keys, the encrypting one first. Unset on a developer's machine: a published development key.
     */
    PAYLOAD_ENCRYPTION_KEYS: z.string().optional(),
    /** Where notices are sent; the default is the development inbox `npm start` runs (maildev). */
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).default('smtp://127.0.0.1:1025'),
    /** The sender of notices; its domain is the right-hand side of every Message-ID. */
    MAIL_FROM: z
      .string()
      .regex(/^(?:[^<>]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/, 'must be an address, optionally with a name: "Name" <notices@agency.example>')
      .default('"Leadership Associate programs" <notices@lap.example>'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && env.AUTH_JWT_SECRET === undefined) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_JWT_SECRET'], message: 'is required when NODE_ENV=production' });
    }
    if (env.NODE_ENV === 'production' && env.PAYLOAD_ENCRYPTION_KEYS === undefined) {
      ctx.addIssue({ code: 'custom', path: ['PAYLOAD_ENCRYPTION_KEYS'], message: 'is required when NODE_ENV=production' });
    }
    if (env.PAYLOAD_ENCRYPTION_KEYS !== undefined) {
      try {
        parseEncryptionKeys(env.PAYLOAD_ENCRYPTION_KEYS);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['PAYLOAD_ENCRYPTION_KEYS'], message: (error as Error).message });
      }
    }
  })
  .transform(({ AUTH_JWT_SECRET, API_URL, PAYLOAD_ENCRYPTION_KEYS, ...rest }) => ({
    ...rest,
    AUTH_JWT_SECRET: AUTH_JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
    payloadKeys: parseEncryptionKeys(PAYLOAD_ENCRYPTION_KEYS ?? DEVELOPMENT_PAYLOAD_KEYS),
    usingDevelopmentPayloadKey: PAYLOAD_ENCRYPTION_KEYS === undefined,
    API_URL: API_URL ?? `http://${rest.API_HOST.includes(':') ? `[${rest.API_HOST}]` : rest.API_HOST}:${rest.API_PORT}`,
  }));

/** Temporal's address, namespace, TLS and API key come from its own configuration (client/temporal-connection.ts). */
export type Config = z.infer<typeof configSchema> & { temporal: TemporalTarget };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error).map((i) => `  ${i.path}: ${i.message}`);
    throw new Error(`invalid configuration in the environment:\n${problems.join('\n')}`);
  }
  return { ...parsed.data, temporal: loadTemporalTarget(env) };
}
