/**
 * Every command on a program, one route each, registered in a loop over the registry: the route's
 * path, body and summary from the command's edge half (client/commands/), who may give it from
 * its workflow-safe half (domain/commands/). One handler runs them all: the caller as the access
 * hook settled it, If-Match, Idempotency-Key, then the client's `command` by name.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { commandEdges } from '../client/commands/index.js';
import {
  ProgramNotFoundError,
  RuleViolationError,
  type CommandOptions,
  type CommandTarget,
  type ProgramClient,
} from '../client/programs.js';
import { currentRequest } from '../client/request-context.js';
import type { Queries } from '../db/queries.js';
import { actorOnProgram, type Caller } from '../domain/access.js';
import { commandRule } from '../domain/commands/index.js';
import type { Actor } from '../domain/program.js';
import type { ProgramView } from '../domain/view.js';
import { actorOf, currentProgram } from './access.js';
import { ApiError, forbidden } from './errors.js';
import { errorStatuses } from './openapi.js';
import { updateIdFor } from './idempotency.js';
import { commandHeaders, paramsOf, programResponse } from './schemas.js';
import { unknownStaffError } from './staff.js';

/** The ETag of a program: its version (the number of its events). */
export const etagOf = (program: Pick<ProgramView, 'version'>): string => `"${program.version}"`;

/** The version an If-Match names; `*` or no header: any. */
function expectedVersionOf(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(ifMatch);
  if (!match?.[1]) {
    throw new ApiError(400, 'invalid-input', 'The If-Match header is not an ETag of this API.', [
      { path: 'If-Match', message: 'must be the ETag of GET /v1/programs/{programId}, such as "7"' },
    ]);
  }
  return Number(match[1]);
}

/** Who gives a command: the actor, or the caller the program's validator decides on. */
function commanderOf(request: FastifyRequest): Actor | Caller {
  return request.caller ?? actorOf(request);
}

export interface CommandRoutesOptions {
  programs: ProgramClient;
  db: Pool;
  queries: Queries;
}

export async function commandRoutes(app: FastifyInstance, { programs, db, queries }: CommandRoutesOptions): Promise<void> {
  /**
   * Runs a command. Temporal answers an Update to a finished workflow as "not found", which the
   * client passes on as ProgramNotFoundError; a program that exists but has closed is a conflict.
   */
  async function run(
    programId: string,
    request: FastifyRequest,
    reply: FastifyReply,
    send: (options: CommandOptions) => Promise<ProgramView>,
  ): Promise<ProgramView> {
    const expectedVersion = expectedVersionOf(request.headers['if-match']);
    const options: CommandOptions = {
      ...(request.idempotency ? { updateId: updateIdFor(request.idempotency) } : {}),
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    };
    try {
      const program = await send(options);
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
      const program = (await queries.getProgram(programId)) ?? (await currentProgram(programs, programId));
      if (request.caller && (!program || !actorOnProgram(request.caller, program))) throw forbidden();
      if (closed || !program) throw error;
      const message = `The program is ${program.status}; it accepts no further changes.`;
      throw new ApiError(409, 'program-closed', message, [{ path: 'programId', message, code: 'program-closed' }]);
    }
  }

  const api = app.withTypeProvider<ZodTypeProvider>();
  for (const edge of commandEdges) {
    const { access } = commandRule(edge.name);
    api.post(
      edge.path,
      {
        schema: {
          tags: ['programs'],
          summary: edge.summary,
          ...('description' in edge ? { description: edge.description } : {}),
          params: paramsOf(edge.path),
          headers: commandHeaders,
          body: edge.body,
          response: { 200: programResponse, ...errorStatuses(400, 401, 403, 404, 409, 412, 413, 415, 422) },
        },
        config: { access: { kind: 'program-command', ...access } },
      },
      async (request, reply) => {
        const target = request.params as CommandTarget;
        // Any staff member a command names must be in the staff directory (a transfer's new supervisor).
        const unknownStaff = await unknownStaffError(db, request.body as Record<string, string | undefined>);
        if (unknownStaff) throw unknownStaff;
        return run(target.programId, request, reply, (options) =>
          programs.command(edge.name, target, request.body, commanderOf(request), options),
        );
      },
    );
  }
}
