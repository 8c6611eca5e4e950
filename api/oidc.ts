/**
 * OpenID Connect bearer tokens (shared/API.md, "Sign-in and tokens"): access tokens signed RS256 or
 * ES256 by the configured issuer, checked against the issuer's JWKS. The JWKS address comes from the
 * issuer's discovery document; both are fetched on first use (the identity provider may start after
 * the API) and the keys are cached by jose, which fetches again when a token names a key it has not
 * seen (the issuer rotated its keys).
 *
 * Roles and agencies come from claims through a mapping in configuration (api/oidc-config.ts):
 * directory groups such as `lap-hr` become the API's roles; a group the mapping does not name gives no
 * rights and does not make the token invalid.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import { actorSchema } from '../domain/schemas.js';
import type { ApiRole } from './auth.js';
import { ApiError, unauthorized } from './errors.js';
import type { OidcConfig } from './oidc-config.js';

/** Algorithms an issuer may sign with; never HS256 (that is the shared secret's) nor `none`. */
export const OIDC_ALGORITHMS = ['RS256', 'ES256'] as const;

/** The contract's longest accepted token: `exp` − `iat` (or `exp` − now without `iat`). */
export const MAX_TOKEN_LIFETIME_SECONDS = 12 * 3600;

/** Who an issuer's token says the caller is. */
export interface OidcIdentity {
  sub: string;
  roles: ApiRole[];
  /** Agency codes HR acts for; absent for central HR (no claim). */
  agencies?: string[];
}

export interface OidcVerifier {
  readonly issuer: string;
  verify(token: string): Promise<OidcIdentity>;
}

const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url({ protocol: /^https?$/ }) });

const stringList = z.union([
  z.array(z.string().max(200)).max(200),
  z
    .string()
    .max(200)
    .transform((value) => [value]),
]);

/** The subject becomes the actor of recorded events, so it has the same shape as every actor id. */
const subjectSchema = actorSchema.shape.id;

const agencyCode = z.string().regex(/^[A-Z0-9]{2,10}$/, 'must be agency codes such as OPM');

export const discoveryUrlOf = (issuer: string): URL => new URL(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);

const unavailable = (): ApiError =>
  new ApiError(503, 'identity-provider-unavailable', 'The identity provider could not be reached to check the token. Try again shortly.');

/** The verifier of the configured issuer's tokens. */
export function createOidcVerifier(config: OidcConfig): OidcVerifier {
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;

  const keySet = async (): Promise<ReturnType<typeof createRemoteJWKSet>> => {
    if (keys) return keys;
    let document: z.infer<typeof discoverySchema>;
    try {
      const response = await fetch(discoveryUrlOf(config.issuer), {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) throw new Error(`discovery answered ${response.status}`);
      document = discoverySchema.parse(await response.json());
    } catch {
      throw unavailable();
    }
    // A discovery document for another issuer would hand us its keys: refuse it (OIDC Discovery 4.3).
    if (document.issuer !== config.issuer) throw unavailable();
    keys = createRemoteJWKSet(new URL(document.jwks_uri), { timeoutDuration: 5_000 });
    return keys;
  };

  return {
    issuer: config.issuer,
    async verify(token) {
      const jwks = await keySet();
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          algorithms: [...OIDC_ALGORITHMS],
          issuer: config.issuer,
          audience: config.audience,
          requiredClaims: ['sub', 'exp'],
          clockTolerance: 30,
        }));
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw unauthorized('token-expired', 'The bearer token has expired.');
        if (error instanceof joseErrors.JWKSTimeout) throw unavailable();
        throw unauthorized('invalid-token', 'The bearer token is not valid.');
      }
      return identityOf(payload, config);
    },
  };
}

/** The caller a verified token names, or a 401 when its claims do not fit. */
export function identityOf(
  payload: JWTPayload,
  config: Pick<OidcConfig, 'subjectClaim' | 'roleClaim' | 'roleMap' | 'agenciesClaim'>,
  now = Date.now(),
): OidcIdentity {
  const exp = payload.exp ?? 0;
  const lifetime = exp - (typeof payload.iat === 'number' ? payload.iat : Math.floor(now / 1000));
  if (lifetime > MAX_TOKEN_LIFETIME_SECONDS) throw unauthorized('invalid-token', 'The bearer token is valid for more than 12 hours.');
  const sub = subjectSchema.safeParse(payload[config.subjectClaim]);
  if (!sub.success)
    throw unauthorized('invalid-token', `The bearer token does not carry a staff or employee id in ${config.subjectClaim}.`);
  const groups = payload[config.roleClaim] === undefined ? [] : stringList.safeParse(payload[config.roleClaim]);
  if (!Array.isArray(groups) && !groups.success)
    throw unauthorized('invalid-token', `The bearer token's ${config.roleClaim} claim is not a list of names.`);
  const roles = new Set<ApiRole>();
  for (const group of Array.isArray(groups) ? groups : groups.data) for (const role of config.roleMap[group] ?? []) roles.add(role);
  const identity: OidcIdentity = { sub: sub.data, roles: [...roles] };
  const agencyClaim = payload[config.agenciesClaim];
  if (agencyClaim !== undefined) {
    const agencies = z.array(agencyCode).max(100).safeParse(agencyClaim);
    if (!agencies.success)
      throw unauthorized('invalid-token', `The bearer token's ${config.agenciesClaim} claim is not a list of agency codes.`);
    identity.agencies = agencies.data;
  }
  return identity;
}
