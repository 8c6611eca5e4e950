/**
 * Programs as a resource: enroll one (or preview it), import many (api/programs-import.ts), list
 * them, read one. The commands on a program are api/commands.ts; its events and notices api/notices.ts.
 */
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { OutcomeUnknownError, TemporalUnavailableError, type ProgramClient } from '../client/programs.js';
import type { Queries } from '../db/queries.js';
import { MAX_PAGE_SIZE } from '../db/queries.js';
import type { ProgramView } from '../domain/view.js';
import { actorOf, anyRole, principalOf, visibleProgram } from './access.js';
import { hrCovers, listingScope } from './auth.js';
import { etagOf } from './commands.js';
import { PROGRAM_CSV_COLUMNS, programListContent, sendCsv, wantsCsv } from './csv.js';
import { ApiError, forbidden } from './errors.js';
import { errorStatuses } from './openapi.js';
import { enrollmentBody, enrollmentHeaders, listProgramsQuery, previewResponse, programParams, programResponse } from './schemas.js';
import { importRoutes } from './programs-import.js';
import { unknownStaffError } from './staff.js';

export interface ProgramRoutesOptions {
  programs: ProgramClient;
  db: Pool;
  queries: Queries;
  /** Keys enrollment program ids from idempotency keys (ApiServerOptions.idSecret). */
  idSecret: string;
}

export async function programRoutes(app: FastifyInstance, { programs, db, queries, idSecret }: ProgramRoutesOptions): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const deps = { queries, programs };
  const readers = anyRole; // which program a reader may see is decided per program

  api.post(
    '/v1/programs/preview',
    {
      schema: {
        tags: ['programs'],
        summary: 'See a program before enrolling it (hr, das)',
        description:
          'Body as the enrollment. The whole enrollment decision, by the same rules the program runs: its dates, milestones, qualification and reclassification checklist as of today, and every rule it breaks (`violations`). Nothing is started or stored.',
        body: enrollmentBody,
        response: { 200: previewResponse, ...errorStatuses(400, 401, 403, 413, 415) },
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
        response: { 201: programResponse, ...errorStatuses(400, 401, 403, 409, 413, 415, 422) },
      },
      config: { access: { kind: 'roles', roles: ['hr'] } },
    },
    async (request, reply) => {
      if (!hrCovers(principalOf(request), request.body.agency)) throw forbidden();
      const unknownStaff = await unknownStaffError(db, request.body);
      if (unknownStaff) throw unknownStaff;
      const claim = request.idempotency;
      // An id keyed by the caller's key: the same request again finds the program it created.
      const keyed = claim
        ? {
            programId: `p-${createHmac('sha256', idSecret).update(`enroll:${claim.caller}:${claim.key}`).digest('hex').slice(0, 32)}`,
            idempotencyKey: claim.key,
          }
        : {};
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

  // Between enrollment and the listing, so the OpenAPI document keeps its order.
  await app.register(importRoutes, { programs, db, idSecret });

  api.get(
    '/v1/programs',
    {
      schema: {
        tags: ['programs'],
        summary: 'List programs: every program for hr, das and auditors; their own for supervisors and program managers',
        description: `Ordered by \`sort\` (latest completion date when absent). Pages of \`limit\` (at most ${MAX_PAGE_SIZE}); follow \`nextCursor\`. With \`Accept: text/csv\`, the whole filtered list in that order as CSV (a header row, one row per program), not paged.`,
        querystring: listProgramsQuery,
        response: { 200: programListContent, ...errorStatuses(400, 401, 403, 406) },
      },
      config: { access: { kind: 'roles', roles: ['hr', 'das', 'auditor', 'supervisor', 'program-manager'] } },
    },
    async (request, reply) => {
      const scope = listingScope(principalOf(request));
      if (!scope) throw forbidden();
      if (wantsCsv(request)) {
        return sendCsv(reply, 'programs.csv', PROGRAM_CSV_COLUMNS, queries.allPrograms({ ...request.query, ...scope }));
      }
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
        response: { 200: programResponse, ...errorStatuses(400, 401, 403, 404) },
      },
      config: readers,
    },
    async (request, reply) => {
      const program = await visibleProgram(deps, request, request.params.programId);
      // Send it back in If-Match with a command: a program that moved on since refuses it (412).
      return reply.header('etag', etagOf(program)).send(program);
    },
  );
}

/** An idempotency key replayed for another trainee, appointment or class is a client's mistake. */
function sameEnrollment(
  program: ProgramView,
  body: { trainee: { employeeId: string }; appointmentDate: string; targetClassCode: string },
): boolean {
  return (
    program.traineeEmployeeId === body.trainee.employeeId &&
    program.appointmentDate === body.appointmentDate &&
    program.targetClassCode === body.targetClassCode
  );
}
