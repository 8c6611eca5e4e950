/**
 * Who may call a route, checked in `onRequest` before the body is read: each route says so in its
 * `config.access`, and this hook authenticates the caller and settles the actor (or leaves the
 * caller for the program's Update validator to decide, for commands whose access depends on the
 * program). Helpers for handlers: the principal, the actor, a program the caller may see.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProgramNotFoundError, type ProgramClient } from '../client/programs.js';
import type { Queries } from '../db/queries.js';
import { actorAnywhere, type Caller, type CommandAccess } from '../domain/access.js';
import type { Actor } from '../domain/program.js';
import type { ProgramView } from '../domain/view.js';
import { API_ROLES, actorFor, createAuthenticator, holdsAny, maySee, type ApiRole, type Principal } from './auth.js';
import { ApiError, forbidden, notFound } from './errors.js';
import { isLoopbackHost } from './hardening.js';
import type { OidcVerifier } from './oidc.js';

/** Who may call a route; checked in `onRequest`, before the body is read. */
export type Access =
  | { kind: 'public' }
  /** Development mode only, and only to a loopback Host (no DNS rebinding): 404 otherwise. */
  | { kind: 'development' }
  | { kind: 'roles'; roles: readonly ApiRole[] }
  /**
   * A command on one program: roles that may act on every program, whether its own supervisor or
   * program manager may, and whether its own trainee may (domain/commands/, each command's `access`).
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

/** Any signed-in role: which program a reader may see is decided per program. */
export const anyRole = { access: { kind: 'roles', roles: API_ROLES } } as const;

export interface AccessOptions {
  authSecret: string;
  oidc?: OidcVerifier | undefined;
  development: boolean;
  /** The rate limit of refused tokens (api/hardening.ts). */
  limits: {
    authenticationFailed(request: FastifyRequest): Promise<void>;
    checkAuthenticationLimit(request: FastifyRequest): Promise<void>;
  };
}

/** The access hook, on the whole server (not encapsulated: every plugin's routes go through it). */
export function installAccess(app: FastifyInstance, { authSecret, oidc, development, limits }: AccessOptions): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('actor', null);
  app.decorateRequest('caller', null);
  const authenticate = createAuthenticator(authSecret, oidc);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access || access.kind === 'public') return;
    if (access.kind === 'development') {
      // The route is not registered outside development; inside, a Host other than loopback is a page an attacker's DNS points here.
      if (!development || !isLoopbackHost(request.headers.host)) throw new ApiError(404, 'not-found', 'No such endpoint.');
      return;
    }
    await limits.checkAuthenticationLimit(request);
    const principal = await authenticate(request.headers.authorization).catch(async (error: unknown) => {
      await limits.authenticationFailed(request);
      throw error;
    });
    request.principal = principal;
    if (access.kind === 'roles') {
      if (!holdsAny(principal, access.roles)) throw forbidden();
      return;
    }
    // Who the caller acts as: settled by their roles, or by the program, which its own Update's
    // validator decides from the workflow's state (no read before the write; api/commands.ts).
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
}

export function principalOf(request: FastifyRequest): Principal {
  // Set by the onRequest hook on every route that is not public.
  if (!request.principal) throw new Error('route reached without authentication');
  return request.principal;
}

export function actorOf(request: FastifyRequest): Actor {
  if (request.actor) return request.actor;
  const actor = actorFor(principalOf(request), API_ROLES);
  if (!actor) throw forbidden();
  return actor;
}

/** The program from its workflow; null when there is none. */
export async function currentProgram(programs: ProgramClient, programId: string): Promise<ProgramView | null> {
  try {
    return await programs.show(programId);
  } catch (error) {
    if (error instanceof ProgramNotFoundError) return null;
    throw error;
  }
}

/**
 * The program as the read model has it; a program enrolled a moment ago and not yet projected is
 * read from its workflow, so a client can read what it has just written.
 */
export async function visibleProgram(
  { queries, programs }: { queries: Queries; programs: ProgramClient },
  request: FastifyRequest,
  programId: string,
): Promise<ProgramView> {
  const program = (await queries.getProgram(programId)) ?? (await currentProgram(programs, programId));
  if (!program || !maySee(principalOf(request), program)) throw notFound('program');
  return program;
}
