/**
 * Bearer tokens (shared/API.md: the OpenID Connect issuer's, api/oidc.ts, and HS256 ones for service
 * accounts and development) and who may do what. The person acting always comes from
 * the token (`sub`), never from a request body; their role is the one that authorizes the action.
 */
import { SignJWT, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import type { Actor, Role } from '../domain/program.js';
import { actorSchema } from '../domain/schemas.js';
import type { ProgramView } from '../domain/view.js';
import { unauthorized } from './errors.js';
import type { OidcVerifier } from './oidc.js';

/** The roles a token may carry (`system` is the engine's own and never comes from outside). */
export const API_ROLES = ['hr', 'supervisor', 'program-manager', 'das', 'trainee', 'auditor'] as const satisfies readonly Role[];
export type ApiRole = (typeof API_ROLES)[number];

export interface Principal {
  /** The token's `sub` (or OIDC_SUBJECT_CLAIM's claim): a staff or employee id. */
  id: string;
  roles: readonly ApiRole[];
  /**
   * The `agencies` claim of an HR token (or the claim an identity provider maps to it): HR acts only
   * on programs of these agencies. Absent: every agency (central HR, DAS).
   */
  agencies?: readonly string[];
}

/** No token lives longer than this (shared/API.md 1.1): a stolen token is worth a working day at most. */
export const MAX_TOKEN_LIFETIME_SECONDS = 12 * 3600;

const claimsSchema = z.object({
  // The subject becomes the actor of recorded events, so it has the same shape as every actor id.
  sub: actorSchema.shape.id,
  exp: z.number(),
  iat: z.number().optional(),
  nbf: z.number().optional(),
  agencies: z.array(z.string().min(1).max(100)).max(200).optional(),
});

const keyOf = (secret: string): Uint8Array => new TextEncoder().encode(secret);

/** The token of an `Authorization: Bearer <JWT>` header; 401 without one. */
export function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) throw unauthorized('missing-token', 'A bearer token is required (Authorization: Bearer <JWT>).');
  return match[1];
}

/**
 * The principal of a token whose signature (and issuer, audience) is already verified, whatever
 * signed it (the HS256 secret here, an OpenID provider's key elsewhere): checks `exp`, `nbf` and the
 * 12-hour lifetime, reads `sub` and `agencies`, and keeps the roles this API knows (`roles` are
 * given, since an identity provider's claims map to them by configuration).
 */
export function principalFromClaims(payload: JWTPayload, roles: readonly string[], nowMs: number = Date.now()): Principal {
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw unauthorized('invalid-token', 'The bearer token does not carry a valid sub and exp.');
  const { sub, exp, iat, nbf, agencies } = claims.data;
  const now = Math.floor(nowMs / 1000);
  if (exp <= now) throw unauthorized('token-expired', 'The bearer token has expired.');
  if (nbf !== undefined && nbf > now) throw unauthorized('invalid-token', 'The bearer token is not valid yet (nbf).');
  if (exp - (iat ?? now) > MAX_TOKEN_LIFETIME_SECONDS) {
    throw unauthorized('invalid-token', 'The bearer token lives longer than 12 hours; ask for a shorter-lived one.');
  }
  // Roles this API does not know give no rights; they do not make the token invalid.
  const known = API_ROLES.filter((role) => roles.includes(role));
  return { id: sub, roles: known, ...(agencies ? { agencies } : {}) };
}

const rolesClaim = z.object({ roles: z.array(z.string()).max(20) });

/**
 * Checks a bearer token; any failure is a 401 that does not say more than needed. A token signed
 * HS256 is checked against the shared secret (service accounts, development); one signed RS256 or
 * ES256 against the OpenID Connect issuer's keys (api/oidc.ts), when an issuer is configured. Each
 * path accepts only its own algorithms, so the header cannot steer a token to a weaker check.
 */
export async function authenticate(authorization: string | undefined, secret: string, oidc?: OidcVerifier): Promise<Principal> {
  return (await verifyBearer(bearerToken(authorization), secret, oidc)).principal;
}

/** A verified token's principal, and until when (ms) the same token is known to verify to it. */
interface Verified {
  principal: Principal;
  validUntilMs: number;
}

/** How long an issuer's token is taken as verified before its signature is checked again (its keys may be withdrawn). */
export const OIDC_VERIFIED_FOR_MS = 60_000;

async function verifyBearer(token: string, secret: string, oidc: OidcVerifier | undefined): Promise<Verified> {
  if (oidc && signedByIssuer(token)) {
    const { sub, roles, agencies } = await oidc.verify(token);
    // The issuer's verifier allows 30 s of clock skew past `exp`; a remembered token lapses at `exp` itself.
    const { exp } = decodeJwt(token);
    return {
      principal: { id: sub, roles, ...(agencies ? { agencies } : {}) },
      validUntilMs: Math.min((exp ?? 0) * 1000, Date.now() + OIDC_VERIFIED_FOR_MS),
    };
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keyOf(secret), { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw unauthorized('token-expired', 'The bearer token has expired.');
    throw unauthorized('invalid-token', 'The bearer token is not valid.');
  }
  const roles = rolesClaim.safeParse(payload);
  if (!roles.success) throw unauthorized('invalid-token', 'The bearer token does not carry a valid sub and roles.');
  // Valid while `exp` is after the current second, as jose and principalFromClaims reckon it.
  return { principal: principalFromClaims(payload, roles.data.roles), validUntilMs: (payload.exp ?? 0) * 1000 };
}

/** Tokens remembered at most; past it, the oldest is forgotten first. */
const VERIFIED_TOKENS = 5_000;
/** A longer token is verified every time rather than kept. */
const LONGEST_REMEMBERED_TOKEN = 4_096;

/**
 * `authenticate` for one server, remembering the tokens it has verified: a client sends the same
 * token with every request, and checking its signature each time (an HMAC through WebCrypto, or an
 * issuer's RSA or ECDSA key) cost more than the rest of a read. A remembered token is answered
 * with the same principal until it expires (an HS256 token: at its `exp`, exactly when verifying it
 * again would refuse it; an issuer's token: also after OIDC_VERIFIED_FOR_MS, well within the ten
 * minutes jose keeps an issuer's key set, so a key the issuer withdraws stops working no later than
 * it did without the memory). A refused token is never
 * remembered, so every refusal is checked, counted and answered as before.
 */
export function createAuthenticator(
  secret: string,
  oidc?: OidcVerifier,
  { capacity = VERIFIED_TOKENS }: { capacity?: number } = {},
): (authorization: string | undefined) => Promise<Principal> {
  const verified = new Map<string, Verified>();
  return async (authorization) => {
    const token = bearerToken(authorization);
    const known = verified.get(token);
    if (known) {
      if (Date.now() < known.validUntilMs) return known.principal;
      verified.delete(token);
    }
    const fresh = await verifyBearer(token, secret, oidc);
    const principal = frozen(fresh.principal);
    if (token.length <= LONGEST_REMEMBERED_TOKEN && Date.now() < fresh.validUntilMs) {
      if (verified.size >= capacity) verified.delete(verified.keys().next().value as string);
      verified.set(token, { principal, validUntilMs: fresh.validUntilMs });
    }
    return principal;
  };
}

/** One principal serves every request of its token: none may change it. */
function frozen(principal: Principal): Principal {
  Object.freeze(principal.roles);
  if (principal.agencies) Object.freeze(principal.agencies);
  return Object.freeze(principal);
}

function signedByIssuer(token: string): boolean {
  try {
    return decodeProtectedHeader(token).alg !== 'HS256';
  } catch {
    return false; // not a JWT: the HS256 path refuses it
  }
}

export interface MintOptions {
  sub: string;
  roles: readonly ApiRole[];
  /** A jose time span such as `8h` or `30m`; at most 12 hours, or the API refuses the token. */
  ttl: string;
  agencies?: readonly string[];
}

/** A signed token for local use and tests (`npm run admin -- token`). */
export function mintToken(secret: string, { sub, roles, ttl, agencies }: MintOptions): Promise<string> {
  return new SignJWT({ roles: [...roles], ...(agencies ? { agencies: [...agencies] } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(keyOf(secret));
}

// --- What each role may see and do ----------------------------------------------------------------

/** Roles that see and act on the programs they supervise or manage. */
export const ASSIGNED_ROLES: readonly ApiRole[] = ['supervisor', 'program-manager'];

export const holdsAny = (principal: Principal, roles: readonly ApiRole[]): boolean => principal.roles.some((r) => roles.includes(r));

export const isAssignedTo = (principal: Principal, program: Pick<ProgramView, 'supervisorId' | 'programManagerId'>): boolean =>
  principal.id === program.supervisorId || principal.id === program.programManagerId;

/**
 * Whether an `hr` principal's agencies include this one: HR without the claim acts on every agency.
 * Only HR is scoped by the claim; DAS and auditors see all.
 */
export const hrCovers = (principal: Principal, agency: string): boolean =>
  principal.agencies === undefined || principal.agencies.includes(agency);

/** Whether the principal may read this program (GET program, events, notices). */
export function maySee(principal: Principal, program: ProgramView): boolean {
  if (holdsAny(principal, ['das', 'auditor'])) return true;
  if (principal.roles.includes('hr') && hrCovers(principal, program.agency)) return true;
  if (holdsAny(principal, ASSIGNED_ROLES) && isAssignedTo(principal, program)) return true;
  return principal.roles.includes('trainee') && principal.id === program.traineeEmployeeId;
}

/** Whether the principal may list programs, and which: every program, their agencies', or those assigned to them. */
export function listingScope(principal: Principal): { assignedTo?: string; agencies?: readonly string[] } | null {
  if (holdsAny(principal, ['das', 'auditor'])) return {};
  if (principal.roles.includes('hr')) return principal.agencies ? { agencies: principal.agencies } : {};
  if (holdsAny(principal, ASSIGNED_ROLES)) return { assignedTo: principal.id };
  return null;
}

/** The actor of a command: the token's subject, in the first of its roles that allows the command. */
export function actorFor(principal: Principal, allowed: readonly ApiRole[]): Actor | null {
  const role = principal.roles.find((r) => allowed.includes(r));
  return role ? { id: principal.id, role } : null;
}
