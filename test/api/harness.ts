/**
 * The whole system for API tests, all real: the Temporal dev server (the project's CLI binary), the
 * worker, PostgreSQL with the read-model projector, and the API listening on an ephemeral port.
 * Every response a test reads is checked against the OpenAPI document the server serves.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { z } from 'zod';
import type { Mailer } from '../../activities/mailer.js';
import { mintToken, type ApiRole } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import { developmentDataConverter } from '../../temporal/payload-codec.js';
import { createProgramClient, type ProgramClient } from '../../client/programs.js';
import { requestIdInterceptor } from '../../client/request-context.js';
import { createEnrollmentReservations } from '../../db/enrollment-reservations.js';
import { appendEvents } from '../../db/event-store.js';
import { migrate } from '../../db/migrate.js';
import { createProjector } from '../../db/projections.js';
import { loadDirectory, readDirectoryFile } from '../../db/staff-directory.js';
import { civilDateInNewYork } from '../../domain/dates.js';
import { tracingClientInterceptor, type Tracing } from '../../worker/tracing.js';
import { createProgramWorker } from '../../worker/worker.js';
import { TEST_DEADLINES, startDevServer, testDatabaseUrl, uniqueTaskQueue, workflowBundle } from '../integration/harness.js';
import { dropDatabase } from '../drop-database.js';

// ajv-formats is CommonJS with a default export; under NodeNext its callable is `.default`.
const addFormats = addFormatsModule.default;

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or the text of any other body. */
  body: unknown;
  text: string;
}

export interface CallOptions {
  token?: string;
  /** A value to send as JSON, or a string sent as is with `contentType`. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** Skip the contract check (for requests that break HTTP itself). */
  unchecked?: boolean;
}

export interface ApiStack {
  baseUrl: string;
  env: TestWorkflowEnvironment;
  db: pg.Pool;
  programs: ProgramClient;
  secret: string;
  openapi: OpenApiDocument;
  app: FastifyInstance;
  token(sub: string, ...roles: ApiRole[]): Promise<string>;
  /**
   * Puts supervisors or program managers of the test's own in the staff directory, as HR would
   * before naming them (the API refuses staff ids it does not list). A bare id gets a made-up name.
   */
  addStaff(...people: (string | { staffId: string; name: string })[]): Promise<void>;
  call(method: string, path: string, options?: CallOptions): Promise<ApiResponse>;
  stop(): Promise<void>;
}

/** Today's civil date in New York (the dev server runs on the real clock). */
export const today = (): string => civilDateInNewYork(Date.now());

/**
 * A database of this test file's own: the projector then reads a log that only this file writes,
 * from the start, whatever other test files (running alongside) leave in lap_test.
 */
async function createOwnDatabase(): Promise<{ pool: pg.Pool; drop(): Promise<void> }> {
  const name = `lap_api_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: testDatabaseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  // Dropping the database ends any connection still closing; that is expected at teardown.
  pool.on('error', () => undefined);
  return {
    pool,
    async drop() {
      await pool.end();
      await dropDatabase(testDatabaseUrl, name);
    },
  };
}

let runtimeInstalled = false;

export interface ApiStackOptions {
  /** Development mode (the development sign-in the UI tests use); on unless a test asks for production. */
  development?: boolean;
  /** Passed to the server as is (rate limits, the public base URL, a logger, the OpenID Connect issuer, the web UI's settings). */
  server?: Partial<Parameters<typeof buildApiServer>[0]>;
  /** Traces the stack as api/main.ts and worker/main.ts do: the API's Temporal client and the worker, into this tracing's spans. */
  tracing?: Tracing;
  /** Notices are e-mailed through this mailer (a real SMTP server); without one they stay pending. */
  mailer?: Mailer;
  /** Where notices link to (the worker's PUBLIC_BASE_URL). */
  publicBaseUrl?: string;
}

export async function startApiStack({
  development = true,
  server = {},
  tracing,
  mailer,
  publicBaseUrl,
}: ApiStackOptions = {}): Promise<ApiStack> {
  if (!runtimeInstalled) {
    // The worker's INFO lines would bury the test report.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const [env, database] = await Promise.all([startDevServer(), createOwnDatabase()]);
  const db = database.pool;
  // The development directory (sup-0001, pm-0001, OPM, DAS), as scripts/start.sh loads it.
  await loadDirectory(db, await readDirectoryFile(fileURLToPath(new URL('../../db/seeds/staff-directory.dev.json', import.meta.url))));
  const taskQueue = uniqueTaskQueue();
  const worker: Worker = await createProgramWorker({
    connection: env.nativeConnection,
    taskQueue,
    db,
    workflowBundle: await workflowBundle(),
    ...(tracing ? { tracing } : {}),
    ...(mailer ? { mailer } : {}),
    ...(publicBaseUrl ? { publicBaseUrl } : {}),
  });
  const running = worker.run();
  const projector = createProjector(db);
  projector.start(100, (error) => console.error('projection failed:', error instanceof Error ? error.message : error));
  // The API's client as api/main.ts builds it: the request id and the trace context in each call's header.
  const client = tracing
    ? new Client({
        connection: env.connection,
        dataConverter: developmentDataConverter(),
        interceptors: { workflow: [requestIdInterceptor(), tracingClientInterceptor()] },
      })
    : env.client;
  // As api/main.ts builds it: the opening events recorded with the 201.
  const programs = createProgramClient({
    client,
    taskQueue,
    deadlines: TEST_DEADLINES,
    reservations: createEnrollmentReservations(db),
    recordOpening: (events) => appendEvents(db, events),
  });
  const secret = randomBytes(32).toString('base64url');
  // Rate limits far above what any test sends (the fuzz tests send thousands of writes); test/security sets its own.
  const rateLimits = { writesPerMinute: 1_000_000, authFailuresPerMinute: 1_000_000 };
  const app = await buildApiServer({ programs, db, temporal: client, authSecret: secret, development, rateLimits, ...server });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address: AddressInfo | string | null = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the API is not listening on a TCP port');
  const baseUrl = `http://127.0.0.1:${address.port}`;

  const openapi = openApiDocument.parse(await (await fetch(`${baseUrl}/v1/openapi.json`)).json());
  const contract = new ContractChecker(openapi);

  async function call(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' && options.contentType ? options.body : JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const contentType = response.headers.get('content-type') ?? '';
    let text: string;
    let parsed: unknown;
    if (contentType.startsWith('application/pdf')) {
      const bytes = Buffer.from(await response.arrayBuffer());
      text = bytes.toString('latin1');
      parsed = text;
    } else {
      text = await response.text();
      parsed = contentType.includes('json') && text ? (JSON.parse(text) as unknown) : text;
    }
    const result = { status: response.status, headers: response.headers, body: parsed, text };
    if (!options.unchecked) contract.check(method, path, result);
    return result;
  }

  return {
    baseUrl,
    env,
    db,
    programs,
    secret,
    openapi,
    app,
    token: (sub, ...roles) => mintToken(secret, { sub, roles, ttl: '1h' }),
    async addStaff(...people) {
      const entries = people.map((p) => (typeof p === 'string' ? { staffId: p, name: `Staff member ${p}` } : p));
      await loadDirectory(
        db,
        entries.map(({ staffId, name }) => ({ kind: 'staff', ref: staffId, displayName: name, email: `${staffId}@staff.test` })),
      );
    },
    call,
    async stop() {
      await app.close();
      await projector.stop();
      worker.shutdown();
      await running;
      await database.drop();
      await env.teardown();
    },
  };
}

// --- The contract check ------------------------------------------------------------------------

const openApiDocument = z.looseObject({
  openapi: z.string(),
  paths: z.record(
    z.string(),
    z.record(
      z.string(),
      z.looseObject({
        responses: z
          .record(z.string(), z.looseObject({ content: z.record(z.string(), z.looseObject({ schema: z.unknown() })).optional() }))
          .optional(),
      }),
    ),
  ),
  components: z.looseObject({ schemas: z.record(z.string(), z.unknown()).optional() }).optional(),
});

export type OpenApiDocument = z.infer<typeof openApiDocument>;

const DOCUMENT_ID = 'https://contract.test/openapi.json';

/**
 * Checks each response against the served OpenAPI document: the status must be one the operation
 * documents, the media type one it lists, and a JSON body must fit the schema. No stack trace in
 * any body, ever.
 */
class ContractChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly routes: { pattern: RegExp; template: string }[];

  constructor(private readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    // Component schemas under $defs of one root, so `#/components/schemas/X` refs resolve there.
    const relink = (value: unknown): unknown =>
      JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', `"${DOCUMENT_ID}#/$defs/`));
    this.ajv.addSchema({ $id: DOCUMENT_ID, $defs: relink(document.components?.schemas ?? {}) });
    this.relink = relink;
    this.routes = Object.keys(document.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }));
  }

  private readonly relink: (value: unknown) => unknown;

  check(method: string, url: string, response: ApiResponse): void {
    const problems: string[] = [];
    if (/\n\s+at |node:internal|\.ts:\d+:\d+/.test(response.text)) problems.push('the body carries a stack trace');
    const path = url.split('?')[0] ?? url;
    const route = this.routes.find((r) => r.pattern.test(path));
    if (path === '/v1/openapi.json') return;
    if (!route) {
      if (response.status !== 404) problems.push(`no documented path matches ${path}`);
    } else {
      const operation = this.document.paths[route.template]?.[method.toLowerCase()];
      const documented = operation?.responses?.[String(response.status)];
      if (!operation) problems.push(`${method} ${route.template} is not documented`);
      else if (!documented) problems.push(`${method} ${route.template} does not document status ${response.status}`);
      else {
        const mediaType = (response.headers.get('content-type') ?? '').split(';')[0] ?? '';
        const media = documented.content?.[mediaType];
        if (!media) problems.push(`${method} ${route.template} ${response.status} does not document ${mediaType}`);
        else if (mediaType === 'application/json' && media.schema !== undefined) {
          const key = `${method} ${route.template} ${response.status}`;
          let validate = this.validators.get(key);
          if (!validate) {
            validate = this.ajv.compile(this.relink(media.schema) as object);
            this.validators.set(key, validate);
          }
          if (!validate(response.body)) problems.push(`body does not fit the schema: ${this.ajv.errorsText(validate.errors)}`);
        }
      }
    }
    if (problems.length > 0) {
      throw new Error(
        `${method} ${url} → ${response.status} breaks the OpenAPI document:\n  ${problems.join('\n  ')}\n  body: ${response.text.slice(0, 500)}`,
      );
    }
  }
}

// --- Waiting for eventual consistency ---------------------------------------------------------------

export async function eventually<T>(read: () => Promise<T>, until: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (until(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A staff id of this test run's own, so tests sharing the database never see each other's programs. */
export const uniqueId = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;
