/**
 * The HTTP API of shared/API.md. Commands go to Temporal through the typed client (the caller gets
 * the rule's verdict at once); reads come from the PostgreSQL read model. Authentication runs before
 * the body is even read, authorization before the body is validated, so a stranger learns nothing
 * from the shape of the answer.
 */
import { randomUUID } from 'node:crypto';
import fastifyAccepts from '@fastify/accepts';
import fastifySwagger from '@fastify/swagger';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import {
  createJsonSchemaTransform,
  createJsonSchemaTransformObject,
  serializerCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { createHmac } from 'node:crypto';
import {
  OutcomeUnknownError,
  ProgramNotFoundError,
  RuleViolationError,
  TemporalUnavailableError,
  type CommandOptions,
  type ProgramClient,
} from '../client/programs.js';
import { actorAnywhere, actorOnProgram, type Caller, type CommandAccess } from '../domain/access.js';
import { currentRequest, withRequestContext } from '../client/request-context.js';
import { createQueries, MAX_PAGE_SIZE } from '../db/queries.js';
import type { Actor } from '../domain/program.js';
import { targetClasses } from '../domain/target-classes.js';
import type { ProgramView } from '../domain/view.js';
import {
  API_ROLES,
  actorFor,
  authenticate,
  holdsAny,
  hrCovers,
  listingScope,
  maySee,
  type ApiRole,
  type Principal,
} from './auth.js';
import { calendarRoutes } from './calendar.js';
import { dashboardRoutes } from './dashboard.js';
import { ApiError, RETRY_AFTER_SECONDS, RequestValidationError, forbidden, installErrorHandling, issuesOf, notFound } from './errors.js';
import {
  DEFAULT_RATE_LIMITS,
  clientErrorHandler,
  credentialFreeSerializers,
  installHardening,
  isLoopbackHost,
  loggerWithoutCredentials,
  refuseNulBytes,
  type RateLimits,
} from './hardening.js';
import { installIdempotency, updateIdFor } from './idempotency.js';
import { CSV_FORMAT_DESCRIPTION, checkRowCount, enrollRows, rowsFromCsv, rowsFromJson, summarize } from './import.js';
import { importPreviewRoutes } from './import-preview.js';
import { noticeDeliveryRoutes } from './notice-delivery.js';
import { renderNoticePdf } from './notice-pdf.js';
import { staffRoutes, unknownStaffError } from './staff.js';
import { webUi, type WebUiOptions } from './ui.js';
import {
  MAX_IMPORT_ROWS,
  amendmentBody,
  enrollmentBody,
  commandHeaders,
  enrollmentHeaders,
  errorResponse,
  eventListResponse,
  healthResponse,
  importResponse,
  leaveBody,
  listProgramsQuery,
  milestoneParams,
  noticeListResponse,
  noticeParams,
  noticeResponse,
  programPageResponse,
  programParams,
  programResponse,
  serviceRatingBody,
  signOffBody,
  targetClassListResponse,
  transferBody,
  progressReportBody,
  progressReviewBody,
  reportParams,
  retractionBody,
  leaveCancellationBody,
  withdrawalBody,
  withdrawalCancellationBody,
  previewResponse,
  qualificationConfirmationBody,
  removalConfirmationBody,
  remediationBody,
} from './schemas.js';
import { codecRoutes, type CodecRoutesOptions } from './codec.js';
import type { OidcVerifier } from './oidc.js';
import { PROBE_TIMEOUT_MS, answers, installOperations, traceRequests } from './operations.js';

/** Who may call a route; checked in `onRequest`, before the body is read. */
type Access =
  | { kind: 'public' }
  /** Development mode only, and only to a loopback Host (no DNS rebinding): 404 otherwise. */
  | { kind: 'development' }
  | { kind: 'roles'; roles: readonly ApiRole[] }
  /**
   * A command on one program: roles that may act on every program, whether its own supervisor or
   * program manager may, and whether its own trainee may.
   */
  | ({ kind: 'program-command' } & CommandAccess);

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
    actor: Actor | null;
    /** A command's caller whose actor depends on the program: the program's Update validator decides it. */
    caller: Caller | null;
  }
}

/** An enrollment with 100 milestones is about 30 KB; nothing else comes close. */
const BODY_LIMIT = 128 * 1024;
const IMPORT_BODY_LIMIT = 2 * 1024 * 1024;

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

const errors = (...codes: (400 | 401 | 403 | 404 | 406 | 409 | 412 | 413 | 415 | 422)[]): Record<number, typeof errorResponse> =>
  Object.fromEntries(codes.map((code) => [code, errorResponse]));

/** The validator for every route: the domain's zod schemas, with issues in the contract's shape. */
const validatorCompiler =
  ({ schema }: { schema: z.ZodType }) =>
  (data: unknown): { value: unknown } | { error: Error } => {
    const result = schema.safeParse(data);
    return result.success ? { value: result.data } : { error: new RequestValidationError(issuesOf(result.error, data)) };
  };

/** The ETag of a program: its version (the number of its events). */
export const etagOf = (program: Pick<ProgramView, 'version'>): string => `"${program.version}"`;

/** The version an If-Match names; `*` or no header: any. */
function expectedVersionOf(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(ifMatch);
  if (!match?.[1]) {
    throw new ApiError(400, 'invalid-input', 'The If-Match header is not an ETag of this API.', [{ path: 'If-Match', message: 'must be the ETag of GET /v1/programs/{programId}, such as "7"' }]);
  }
  return Number(match[1]);
}

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
    ...(isLoggerInstance(logger) ? { loggerInstance: logger.child({}, { serializers: credentialFreeSerializers }) } : { logger: loggerWithoutCredentials(logger) }),
    // Node's parser errors (headers over its limit: 431) answered in the contract's shape.
    clientErrorHandler,
    // A caller's X-Request-Id is kept when it is a plain token, so its own logs and ours line up.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdLogLabel: 'requestId',
    bodyLimit: BODY_LIMIT,
    // Notice ids carry the program id and the notice's key (`p-…/milestone-overdue/m1/7`).
    routerOptions: { maxParamLength: 300 },
  });
  // JSON only (CSV on the import route below): a text/plain body is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  app.decorateRequest('actor', null);
  app.decorateRequest('caller', null);
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
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Leadership Associate development programs',
        version: '1.0.0',
        description: [
          'Enrollment, milestones, schedule amendments, service ratings, leave and withdrawal of State of Connecticut',
          'Leadership Associate development programs, and the notices they produce. Dates are `YYYY-MM-DD` civil dates',
          'in America/New_York.',
          '',
          'Every error is `{"error": {"code", "message", "issues": [{"path", "message"}]}}`: 400 for input that does not fit',
          'the schema (unknown fields included), 401 without a valid token, 403 when the roles do not allow the action,',
          '404 for a program that does not exist or is not visible to the caller, 409 for a conflicting state (a closed',
          'program, an id already taken), 422 for a program rule, with `code` naming the rule.',
        ].join('\n'),
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              'An access token of the configured OpenID Connect issuer (RS256 or ES256; `iss`, `aud`, `exp`, `nbf` checked; roles from a mapped ' +
              'group claim), or for service accounts an HS256 token signed with AUTH_JWT_SECRET with claims `sub`, `roles` (hr, supervisor, ' +
              'program-manager, das, trainee, auditor), `exp`. At most 12 hours of lifetime.',
          },
        },
      },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'programs', description: 'Development programs and the commands on them' },
        { name: 'notices', description: 'Notices the programs issue' },
        { name: 'reference', description: 'Catalogue and service' },
      ],
    },
    transform: createJsonSchemaTransform({}),
    transformObject: (documentObject) => finishDocument(createJsonSchemaTransformObject({})(documentObject)),
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access || access.kind === 'public') return;
    if (access.kind === 'development') {
      // The route is not registered outside development; inside, a Host other than loopback is a page an attacker's DNS points here.
      if (!development || !isLoopbackHost(request.headers.host)) throw new ApiError(404, 'not-found', 'No such endpoint.');
      return;
    }
    await authLimits.checkAuthenticationLimit(request);
    const principal = await authenticate(request.headers.authorization, authSecret, oidc).catch(async (error: unknown) => {
      await authLimits.authenticationFailed(request);
      throw error;
    });
    request.principal = principal;
    if (access.kind === 'roles') {
      if (!holdsAny(principal, access.roles)) throw forbidden();
      return;
    }
    // Who the caller acts as: settled by their roles, or by the program, which its own Update's
    // validator decides from the workflow's state (no read before the write; api/server.ts command).
    const caller: Caller = {
      id: principal.id,
      roles: principal.roles,
      ...(principal.agencies ? { agencies: principal.agencies } : {}),
      access: { everywhere: access.everywhere, assigned: access.assigned, ...(access.trainee ? { trainee: true } : {}) },
    };
    const actor = actorAnywhere(caller);
    if (actor === null) throw forbidden();
    if (actor === 'per-program') request.caller = caller;
    else request.actor = actor;
  });

  async function currentProgram(programId: string): Promise<ProgramView | null> {
    try {
      return await programs.show(programId);
    } catch (error) {
      if (error instanceof ProgramNotFoundError) return null;
      throw error;
    }
  }

  /**
   * Runs a command. Temporal answers an Update to a finished workflow as "not found", which the
   * client passes on as ProgramNotFoundError; a program that exists but has closed is a conflict.
   */
  async function command(
    programId: string,
    request: FastifyRequest,
    reply: FastifyReply,
    run: (options: CommandOptions) => Promise<ProgramView>,
  ): Promise<ProgramView> {
    const expectedVersion = expectedVersionOf(request.headers['if-match']);
    const options: CommandOptions = {
      ...(request.idempotency ? { updateId: updateIdFor(request.idempotency) } : {}),
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    };
    try {
      const program = await run(options);
      reply.header('etag', etagOf(program));
      // With the request id: the program and the version its event row has.
      currentRequest()?.log.info({ programId, version: program.version }, 'command applied');
      return program;
    } catch (error) {
      const closed = error instanceof RuleViolationError && error.code === 'program-closed';
      if (!(error instanceof ProgramNotFoundError) && !closed) throw error;
      // No validator ran (no such program, or its workflow has finished): whether this caller may act
      // on it is read from the program, so a stranger gets the same 403 either way.
      if (closed && !request.caller) throw error;
      // The read model first: a query of a finished workflow is a replay on some worker, slow when
      // they are busy, and who the program's parties are does not change when it closes.
      const program = (await queries.getProgram(programId)) ?? (await currentProgram(programId));
      if (request.caller && (!program || !actorOnProgram(request.caller, program))) throw forbidden();
      if (closed || !program) throw error;
      const message = `The program is ${program.status}; it accepts no further changes.`;
      throw new ApiError(409, 'program-closed', message, [{ path: 'programId', message, code: 'program-closed' }]);
    }
  }

  /**
   * The program as the read model has it; a program enrolled a moment ago and not yet projected is
   * read from its workflow, so a client can read what it has just written.
   */
  async function visibleProgram(request: FastifyRequest, programId: string): Promise<ProgramView> {
    const program = (await queries.getProgram(programId)) ?? (await currentProgram(programId));
    if (!program || !maySee(principalOf(request), program)) throw notFound('program');
    return program;
  }

  const api = app.withTypeProvider<ZodTypeProvider>();
  installOperations(api, { db, temporal, metrics });
  const anyRole = { access: { kind: 'roles', roles: API_ROLES } } as const;
  const readers = anyRole; // which program a reader may see is decided per program

  api.get(
    '/v1/health',
    {
      schema: { tags: ['reference'], summary: 'Whether the API, Temporal and PostgreSQL answer', security: [], response: { 200: healthResponse, 503: healthResponse } },
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

  api.get('/v1/openapi.json', { schema: { hide: true }, config: { access: { kind: 'public' } } }, () => app.swagger());

  api.get(
    '/v1/target-classes',
    {
      schema: {
        tags: ['reference'],
        summary: 'The approved designated target classes',
        response: { 200: targetClassListResponse, ...errors(401, 403) },
      },
      config: anyRole,
    },
    () => ({ items: [...targetClasses] }),
  );

  api.post(
    '/v1/programs/preview',
    {
      schema: {
        tags: ['programs'],
        summary: 'See a program before enrolling it (hr, das)',
        description:
          'Body as the enrollment. The whole enrollment decision, by the same rules the program runs: its dates, milestones, qualification and reclassification checklist as of today, and every rule it breaks (`violations`). Nothing is started or stored.',
        body: enrollmentBody,
        response: { 200: previewResponse, ...errors(400, 401, 403, 413, 415) },
      },
      config: { access: { kind: 'roles', roles: ['hr', 'das'] } },
    },
    (request) => programs.preview(request.body, actorOf(request)),
  );

  api.post(
    '/v1/programs',
    {
      schema: {
        tags: ['programs'],
        summary: 'Enroll one trainee (hr)',
        description:
          'Starts the program. An appointment date in the past is allowed: every rule whose date has passed applies at once. ' +
          'With an `Idempotency-Key`, the same key again answers with the program it created; a different enrollment under the same key is a 409.',
        headers: enrollmentHeaders,
        body: enrollmentBody,
        response: { 201: programResponse, ...errors(400, 401, 403, 409, 413, 415, 422) },
      },
      config: { access: { kind: 'roles', roles: ['hr'] } },
    },
    async (request, reply) => {
      if (!hrCovers(principalOf(request), request.body.agency)) throw forbidden();
      const unknownStaff = await unknownStaffError(db, request.body);
      if (unknownStaff) throw unknownStaff;
      const claim = request.idempotency;
      // An id keyed by the caller's key: the same request again finds the program it created.
      const keyed = claim ? { programId: `p-${createHmac('sha256', idSecret).update(`enroll:${claim.caller}:${claim.key}`).digest('hex').slice(0, 32)}`, idempotencyKey: claim.key } : {};
      const started = await programs.enroll(request.body, actorOf(request), keyed);
      const { programId } = started;
      // Started now: the program as its workflow opens it, worked out by the same code. Started by an
      // earlier request under the same key: read back (if it cannot be, that is not "nothing changed").
      const program =
        started.program ??
        (await programs.show(programId).catch((error: unknown) => {
          throw error instanceof TemporalUnavailableError ? new OutcomeUnknownError({ cause: error }) : error;
        }));
      request.log.info({ programId, version: program.version }, 'enrolled');
      if (claim && !sameEnrollment(program, request.body)) {
        throw new ApiError(409, 'idempotency-key-reused', 'That Idempotency-Key was already used for a different enrollment.', [
          { path: 'Idempotency-Key', message: 'already used for another trainee, appointment date or target class' },
        ]);
      }
      return reply.code(201).header('location', `/v1/programs/${programId}`).header('etag', etagOf(program)).send(program);
    },
  );

  await app.register(async (scope) => {
    // CSV is accepted here and nowhere else.
    scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (_request, body, done) => done(null, body));
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/v1/programs/import',
      {
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          tags: ['programs'],
          summary: 'Enroll many trainees from CSV or a JSON array (hr)',
          description: [
            `One result per row, in order; a bad row is reported and the others are enrolled. At most ${MAX_IMPORT_ROWS} rows per request.`,
            'Each row is enrolled under a program id derived from `trainee.employeeId`, `appointmentDate` and `targetClassCode`,',
            'so running the same file again reports the rows already enrolled (`already-enrolled`) instead of enrolling them twice.',
            '',
            CSV_FORMAT_DESCRIPTION,
          ].join('\n'),
          response: { 200: importResponse, ...errors(400, 401, 403, 413, 415) },
        },
        config: { access: { kind: 'roles', roles: ['hr'] } },
      },
      async (request) => {
        const rows = typeof request.body === 'string' ? rowsFromCsv(request.body) : rowsFromJson(request.body);
        checkRowCount(rows);
        const principal = principalOf(request);
        const results = await enrollRows(rows, programs, actorOf(request), {
          idSecret,
          mayEnroll: (agency) => hrCovers(principal, agency),
          staffProblem: (row) => unknownStaffError(db, row),
        });
        return { results, summary: summarize(results) };
      },
    );
  });

  api.get(
    '/v1/programs',
    {
      schema: {
        tags: ['programs'],
        summary: 'List programs: every program for hr, das and auditors; their own for supervisors and program managers',
        description: `Ordered by latest completion date. Pages of \`limit\` (at most ${MAX_PAGE_SIZE}); follow \`nextCursor\`.`,
        querystring: listProgramsQuery,
        response: { 200: programPageResponse, ...errors(400, 401, 403) },
      },
      config: { access: { kind: 'roles', roles: ['hr', 'das', 'auditor', 'supervisor', 'program-manager'] } },
    },
    async (request) => {
      const scope = listingScope(principalOf(request));
      if (!scope) throw forbidden();
      return queries.listPrograms({ ...request.query, ...scope });
    },
  );

  api.get(
    '/v1/programs/:programId',
    {
      schema: {
        tags: ['programs'],
        summary: 'One program',
        params: programParams,
        response: { 200: programResponse, ...errors(400, 401, 403, 404) },
      },
      config: readers,
    },
    async (request, reply) => {
      const program = await visibleProgram(request, request.params.programId);
      // Send it back in If-Match with a command: a program that moved on since refuses it (412).
      return reply.header('etag', etagOf(program)).send(program);
    },
  );

  const assignedOnly = { access: { kind: 'program-command', everywhere: [], assigned: true } } as const;
  const commandErrors = errors(400, 401, 403, 404, 409, 412, 413, 415, 422);

  api.post(
    '/v1/programs/:programId/milestones/:milestoneId/sign-off',
    {
      schema: {
        tags: ['programs'],
        summary: "Sign off a milestone (the program's supervisor or program manager)",
        description: 'Signing off a milestone already signed off answers 200 and records nothing new.',
        params: milestoneParams,
        headers: commandHeaders,
        body: signOffBody,
        response: { 200: programResponse, ...commandErrors },
      },
      config: assignedOnly,
    },
    (request, reply) => command(request.params.programId, request, reply, (options) => programs.signOff(request.params.programId, request.params.milestoneId, request.body, commanderOf(request), options)),
  );

  api.post(
    '/v1/programs/:programId/schedule-amendments',
    {
      schema: {
        tags: ['programs'],
        summary: 'Amend the schedule (das)',
        description: '422 `exceeds-statutory-maximum` past the three-year cap, `below-minimum-length` under one year.',
        params: programParams,
        headers: commandHeaders,
        body: amendmentBody,
        response: { 200: programResponse, ...commandErrors },
      },
      config: { access: { kind: 'program-command', everywhere: ['das'], assigned: false } },
    },
    (request, reply) => command(request.params.programId, request, reply, (options) => programs.amend(request.params.programId, request.body, commanderOf(request), options)),
  );

  api.post(
    '/v1/programs/:programId/service-ratings',
    {
      schema: {
        tags: ['programs'],
        summary: "Rate service (the program's supervisor or program manager)",
        description: 'An unsatisfactory rating ends the program (C.G.S. 5-230).',
        params: programParams,
        headers: commandHeaders,
        body: serviceRatingBody,
        response: { 200: programResponse, ...commandErrors },
      },
      config: assignedOnly,
    },
    (request, reply) => command(request.params.programId, request, reply, (options) => programs.rate(request.params.programId, request.body, commanderOf(request), options)),
  );

  api.post(
    '/v1/programs/:programId/leaves',
    {
      schema: {
        tags: ['programs'],
        summary: 'Record leave (hr)',
        params: programParams,
        headers: commandHeaders,
        body: leaveBody,
        response: { 200: programResponse, ...commandErrors },
      },
      config: { access: { kind: 'program-command', everywhere: ['hr'], assigned: false } },
    },
    (request, reply) => command(request.params.programId, request, reply, (options) => programs.recordLeave(request.params.programId, request.body, commanderOf(request), options)),
  );

  api.post(
    '/v1/programs/:programId/withdrawal',
    {
      schema: {
        tags: ['programs'],
        summary: 'End the program (hr)',
        description: 'Effective today or earlier, the program ends now; dated ahead, the withdrawal is scheduled and the program ends at the start of that day (HR can cancel it before then).',
        params: programParams,
        headers: commandHeaders,
        body: withdrawalBody,
        response: { 200: programResponse, ...commandErrors },
      },
      config: { access: { kind: 'program-command', everywhere: ['hr'], assigned: false } },
    },
    (request, reply) => command(request.params.programId, request, reply, (options) => programs.withdraw(request.params.programId, request.body, commanderOf(request), options)),
  );

  api.post(
    '/v1/programs/:programId/qualification-confirmation',
    {
      schema: {
        tags: ['programs'],
        summary: 'Confirm the trainee meets the target class (hr)',
        description:
          'Only for a target class whose minimum qualifications the catalogue does not state (otherwise 422 `qualification-confirmation-not-needed`): such a program is never reclassified until HR confirms, with a reason.',
        params: programParams,
        headers: commandHeaders,
        body: qualificationConfirmationBody,
        response: { 200: programResponse, ...commandErrors },
      },
      config: { access: { kind: 'program-command', everywhere: ['hr'], assigned: false } },
    },
    (request, reply) => command(request.params.programId, request, reply, (options) => programs.confirmQualification(request.params.programId, request.body, commanderOf(request), options)),
  );

  api.post(
    '/v1/programs/:programId/withdrawal/cancellation',
    {
      schema: {
        tags: ['programs'],
        summary: 'Cancel a withdrawal scheduled ahead, before its date (hr)',
        description:
          'A correction: the `withdrawn` event stays in the log and a `withdrawal-cancelled` event points at it; the program goes on. Cancelling again answers 200 and records nothing new; with no withdrawal scheduled ahead it is 422 `no-scheduled-withdrawal`.',
        params: programParams,
        headers: commandHeaders,
        body: withdrawalCancellationBody,
        response: { 200: programResponse, ...commandErrors },
      },
      config: { access: { kind: 'program-command', everywhere: ['hr'], assigned: false } },
    },
    (request, reply) => command(request.params.programId, request, reply, (options) => programs.cancelWithdrawal(request.params.programId, request.body, commanderOf(request), options)),
  );

  api.post(
    '/v1/programs/:programId/hr-decision/removal',
    {
      schema: {
        tags: ['programs'],
        summary: 'Confirm removal after an unsatisfactory service rating (hr)',
        description:
          "HR's decision on a program whose unsatisfactory rating awaits it (`hrDecision` on the program; otherwise 422 `hr-decision-not-pending`). The program ends with its notice at the start of `effectiveOn`: at once when that day has come, otherwise it stays active until then. `effectiveOn` runs from the rating date to the latest completion date (422 `removal-date-outside-program`). Programs enrolled before the decisions of 2026-11-29 end at the rating itself.",
        params: programParams,
        headers: commandHeaders,
        body: removalConfirmationBody,
        response: { 200: programResponse, ...commandErrors },
      },
      config: { access: { kind: 'program-command', everywhere: ['hr'], assigned: false } },
    },
    (request, reply) => command(request.params.programId, request, reply, (options) => programs.confirmRemoval(request.params.programId, request.body, actorOf(request), options)),
  );

  api.post(
    '/v1/programs/:programId/hr-decision/remediation',
    {
      schema: {
        tags: ['programs'],
        summary: 'Record remediation after an unsatisfactory service rating, with a DAS-approved amendment (hr)',
        description:
          "HR's decision on a program whose unsatisfactory rating awaits it (otherwise 422 `hr-decision-not-pending`): the remediation plan and the amendment DAS approved for it, checked as any amendment (`exceeds-statutory-maximum`, `below-minimum-length`, `das-approval-ref-reused`, …). The program goes on under the amended schedule and needs a new satisfactory rating before it can be reclassified.",
        params: programParams,
        headers: commandHeaders,
        body: remediationBody,
        response: { 200: programResponse, ...commandErrors },
      },
      config: { access: { kind: 'program-command', everywhere: ['hr'], assigned: false } },
    },
    (request, reply) => command(request.params.programId, request, reply, (options) => programs.recordRemediation(request.params.programId, request.body, actorOf(request), options)),
  );

  api.post(
    '/v1/programs/:programId/progress-reports',
    {
      schema: {
        tags: ['programs'],
        summary: 'Submit a progress report (the trainee of the program)',
        description:
          'One report for each period, named by the last day it covers. The same report again answers 200 and records nothing new; a different one for a period already reported is 422 `progress-report-exists`.',
        params: programParams,
        headers: commandHeaders,
        body: progressReportBody,
        response: { 200: programResponse, ...commandErrors },
      },
      config: { access: { kind: 'program-command', everywhere: [], assigned: false, trainee: true } },
    },
    (request, reply) => command(request.params.programId, request, reply, (options) => programs.submitProgressReport(request.params.programId, request.body, commanderOf(request), options)),
  );

  api.post(
    '/v1/programs/:programId/progress-reports/:periodEnding/review',
    {
      schema: {
        tags: ['programs'],
        summary: "Review a progress report (the program's program manager or supervisor)",
        description: 'Reviewing a report already reviewed answers 200 and records nothing new.',
        params: reportParams,
        headers: commandHeaders,
        body: progressReviewBody,
        response: { 200: programResponse, ...commandErrors },
      },
      config: assignedOnly,
    },
    (request, reply) =>
      command(request.params.programId, request, reply, (options) => programs.reviewProgressReport(request.params.programId, request.params.periodEnding, request.body, commanderOf(request), options)),
  );

  api.post(
    '/v1/programs/:programId/milestones/:milestoneId/retraction',
    {
      schema: {
        tags: ['programs'],
        summary: "Retract a sign-off recorded in error (hr, or the program's supervisor or program manager)",
        description:
          'A correction: the sign-off stays in the event log and a `sign-off-retracted` event points at it. The milestone is open again, and overdue at once if its due date has passed. Retracting again answers 200 and records nothing new; a milestone never signed off is 422 `milestone-not-signed-off`.',
        params: milestoneParams,
        headers: commandHeaders,
        body: retractionBody,
        response: { 200: programResponse, ...commandErrors },
      },
      config: { access: { kind: 'program-command', everywhere: ['hr'], assigned: true } },
    },
    (request, reply) =>
      command(request.params.programId, request, reply, (options) => programs.retractSignOff(request.params.programId, request.params.milestoneId, request.body, commanderOf(request), options)),
  );

  api.post(
    '/v1/programs/:programId/leaves/cancellations',
    {
      schema: {
        tags: ['programs'],
        summary: 'Cancel leave recorded in error (hr)',
        description:
          'A correction: the `leave-recorded` event stays in the log and a `leave-cancelled` event points at it; the first anniversary is reckoned again without the leave. Cancelling again answers 200 and records nothing new; leave never recorded is 422 `unknown-leave`.',
        params: programParams,
        headers: commandHeaders,
        body: leaveCancellationBody,
        response: { 200: programResponse, ...commandErrors },
      },
      config: { access: { kind: 'program-command', everywhere: ['hr'], assigned: false } },
    },
    (request, reply) => command(request.params.programId, request, reply, (options) => programs.cancelLeave(request.params.programId, request.body, commanderOf(request), options)),
  );

  api.post(
    '/v1/programs/:programId/transfers',
    {
      schema: {
        tags: ['programs'],
        summary: 'Transfer the trainee to another agency, supervisor or program manager (hr)',
        description:
          'The program, its DAS-approved schedule and its three-year clock carry on. The new supervisor and program manager act on it from then on; the former ones no longer see it. The same transfer again is 200 with no new event.',
        params: programParams,
        headers: commandHeaders,
        body: transferBody,
        response: { 200: programResponse, ...commandErrors },
      },
      config: { access: { kind: 'program-command', everywhere: ['hr'], assigned: false } },
    },
    async (request, reply) => {
      const unknownStaff = await unknownStaffError(db, request.body);
      if (unknownStaff) throw unknownStaff;
      return command(request.params.programId, request, reply, (options) => programs.transfer(request.params.programId, request.body, commanderOf(request), options));
    },
  );

  api.get(
    '/v1/programs/:programId/events',
    {
      schema: {
        tags: ['programs'],
        summary: "The program's domain events, oldest first",
        params: programParams,
        response: { 200: eventListResponse, ...errors(400, 401, 403, 404) },
      },
      config: readers,
    },
    async (request) => {
      await visibleProgram(request, request.params.programId);
      return { items: await queries.programEvents(request.params.programId) };
    },
  );

  api.get(
    '/v1/programs/:programId/notices',
    {
      schema: {
        tags: ['notices'],
        summary: 'Notices issued for the program',
        params: programParams,
        response: { 200: noticeListResponse, ...errors(400, 401, 403, 404) },
      },
      config: readers,
    },
    async (request) => {
      await visibleProgram(request, request.params.programId);
      return { items: await queries.programNotices(request.params.programId) };
    },
  );

  api.get(
    '/v1/notices/:noticeId',
    {
      schema: {
        tags: ['notices'],
        summary: 'One notice; `Accept: application/pdf` gives it as a PDF',
        params: noticeParams,
        response: {
          200: {
            description: 'The notice',
            content: {
              'application/json': { schema: noticeResponse },
              'application/pdf': { schema: z.custom<Buffer>((value) => Buffer.isBuffer(value)).meta({ type: 'string', contentMediaType: 'application/pdf' }) },
            },
          },
          ...errors(400, 401, 403, 404, 406),
        },
      },
      config: readers,
    },
    async (request, reply) => {
      const notice = await queries.getNotice(request.params.noticeId);
      if (!notice) throw notFound('notice');
      await visibleProgram(request, notice.programId).catch((error: unknown) => {
        throw error instanceof ApiError && error.statusCode === 404 ? notFound('notice') : error;
      });
      const type = request.accepts().type(['application/json', 'application/pdf']);
      if (type === false) throw new ApiError(406, 'not-acceptable', 'A notice is served as application/json or application/pdf.');
      if (type === 'application/pdf') {
        return reply.type('application/pdf').header('content-disposition', 'inline; filename="notice.pdf"').send(await renderNoticePdf(notice));
      }
      return reply.type('application/json; charset=utf-8').send(notice);
    },
  );

  await app.register(dashboardRoutes, { queries });
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

function principalOf(request: FastifyRequest): Principal {
  // Set by the onRequest hook on every route that is not public.
  if (!request.principal) throw new Error('route reached without authentication');
  return request.principal;
}

/** Who gives a command: the actor, or the caller the program's validator decides on. */
function commanderOf(request: FastifyRequest): Actor | Caller {
  return request.caller ?? actorOf(request);
}

function actorOf(request: FastifyRequest): Actor {
  if (request.actor) return request.actor;
  const actor = actorFor(principalOf(request), API_ROLES);
  if (!actor) throw forbidden();
  return actor;
}

/** An idempotency key replayed for another trainee, appointment or class is a client's mistake. */
function sameEnrollment(program: ProgramView, body: { trainee: { employeeId: string }; appointmentDate: string; targetClassCode: string }): boolean {
  return (
    program.traineeEmployeeId === body.trainee.employeeId &&
    program.appointmentDate === body.appointmentDate &&
    program.targetClassCode === body.targetClassCode
  );
}

function isLoggerInstance(logger: ApiServerOptions['logger']): logger is FastifyBaseLogger {
  return typeof logger === 'object' && logger !== null && 'child' in logger && typeof logger.child === 'function';
}

const RESPONSE_DESCRIPTIONS: Record<string, string> = {
  200: 'OK',
  201: 'Created',
  400: 'The input does not fit the schema (unknown fields included); `issues` name the fields',
  401: 'No valid bearer token',
  403: 'The roles in the token do not allow this action on this resource',
  404: 'No such resource, or not visible to the caller',
  406: 'None of the media types in Accept can be served',
  409: 'A conflicting state: a closed program, an id already taken, an Idempotency-Key already used with another body (`idempotency-key-reused`)',
  412: 'If-Match names a version the program has moved on from (`version-mismatch`); nothing changed',
  413: 'The body is larger than the endpoint accepts',
  415: 'The Content-Type is not accepted here',
  422: 'A program rule is broken; `code` names the rule',
  429: 'Too many writes, or too many refused tokens, from this address in a minute; try again later',
  503: 'A service the API depends on is not answering',
};

const openApiPaths = z.record(z.string(), z.record(z.string(), z.looseObject({ responses: z.record(z.string(), z.looseObject({ description: z.string().optional() })).optional() })));

/**
 * Touches the generated document up: the import's body (two media types that fastify cannot
 * validate with one schema, so the handler reads the rows itself), response descriptions, and no
 * component that nothing refers to (the type provider emits a request-side copy of every schema).
 */
function finishDocument<D extends { paths?: unknown; components?: { schemas?: Record<string, unknown> } }>(document: D): D {
  const parsed = openApiPaths.safeParse(document.paths);
  if (!parsed.success) return document;
  const paths = parsed.data;
  for (const operation of Object.values(paths).flatMap((item) => Object.values(item))) {
    // Any request may meet a rate limit (api/hardening.ts): writes, and callers whose tokens keep failing.
    if (operation.responses && !operation.responses['429']) {
      operation.responses['429'] = { description: RESPONSE_DESCRIPTIONS[429], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      if (response.description === 'Default Response') response.description = RESPONSE_DESCRIPTIONS[status] ?? 'Response';
    }
  }
  const importOperation = paths['/v1/programs/import']?.post;
  if (importOperation) {
    importOperation.requestBody = {
      required: true,
      content: {
        'application/json': {
          schema: { type: 'array', minItems: 1, maxItems: MAX_IMPORT_ROWS, items: { $ref: '#/components/schemas/EnrollmentInput' } },
        },
        'text/csv': { schema: { type: 'string', description: CSV_FORMAT_DESCRIPTION } },
      },
    };
  }
  const schemas = document.components?.schemas ?? {};
  const used = new Set<string>();
  const pending = [JSON.stringify(paths)];
  for (let text = pending.pop(); text !== undefined; text = pending.pop()) {
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (name && !used.has(name)) {
        used.add(name);
        pending.push(JSON.stringify(schemas[name] ?? null));
      }
    }
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...document, paths, components: { ...document.components, schemas: kept } };
}
