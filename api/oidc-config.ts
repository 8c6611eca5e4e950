/**
 * The OpenID Connect settings of the API and the web UI, from the environment, parsed once at
 * start-up; a bad value stops the start with a message naming the variable. Without `OIDC_ISSUER`
 * the API accepts only its own HS256 tokens (service accounts and development).
 */
import { z } from 'zod';
import { describeIssues } from '../domain/schemas.js';
import { API_ROLES, type ApiRole } from './auth.js';

export interface OidcConfig {
  /** The issuer's identifier, exactly as its tokens carry it in `iss`. */
  issuer: string;
  /** What the API's access tokens carry in `aud`. */
  audience: string;
  /** The claim holding the staff or employee id programs know the person by; `sub` unless the provider's is opaque. */
  subjectClaim: string;
  /** The claim holding the caller's groups, e.g. `groups` or `roles`. */
  roleClaim: string;
  /** Group name → the API roles it grants. */
  roleMap: Record<string, ApiRole[]>;
  /** The claim holding the agency codes an HR user acts for. */
  agenciesClaim: string;
  /** The web UI's public client (authorization code with PKCE); no UI sign-in when unset. */
  clientId?: string;
  /** Shown on the sign-in button: "Sign in with <providerName>". */
  providerName: string;
  /** What the UI asks for; an issuer that wants a scope for the API's audience needs it here. */
  scope: string;
}

const roleList = z.union([z.enum(API_ROLES).transform((role) => [role]), z.array(z.enum(API_ROLES)).min(1)]);

const roleMapSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object such as {"lap-hr": "hr", "lap-supervisors": ["supervisor"]}' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().min(1), roleList, { error: `must map group names to roles (${API_ROLES.join(', ')}) or lists of them` }));

const claimName = z.string().regex(/^[A-Za-z0-9_:./-]{1,100}$/, 'must be a claim name such as groups');

const envSchema = z
  .object({
    OIDC_ISSUER: z
      .url({ protocol: /^https?$/ })
      .refine((url) => {
        let parsed: URL;
        try {
          parsed = new URL(url);
        } catch {
          return true; // not a URL at all: the check above says so
        }
        return parsed.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
      }, 'must use https (plain http only for a provider on this machine)')
      .optional(),
    OIDC_AUDIENCE: z.string().min(1).optional(),
    OIDC_SUBJECT_CLAIM: claimName.default('sub'),
    OIDC_ROLE_CLAIM: claimName.default('groups'),
    OIDC_ROLE_MAP: roleMapSchema.optional(),
    OIDC_AGENCIES_CLAIM: claimName.default('agencies'),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_PROVIDER_NAME: z.string().min(1).max(60).default('your organisation account'),
    OIDC_SCOPE: z
      .string()
      .regex(/(^|\s)openid(\s|$)/, 'must include openid')
      .default('openid profile'),
  })
  .superRefine((env, ctx) => {
    if (env.OIDC_ISSUER === undefined) return;
    // Without these a token could be accepted for any API of the issuer, or grant roles by accident.
    if (env.OIDC_AUDIENCE === undefined)
      ctx.addIssue({ code: 'custom', path: ['OIDC_AUDIENCE'], message: 'is required when OIDC_ISSUER is set' });
    if (env.OIDC_ROLE_MAP === undefined)
      ctx.addIssue({ code: 'custom', path: ['OIDC_ROLE_MAP'], message: 'is required when OIDC_ISSUER is set' });
  });

/** The OIDC settings, or undefined when no issuer is configured; throws naming each bad variable. */
export function loadOidcConfig(env: NodeJS.ProcessEnv = process.env): OidcConfig | undefined {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error).map((i) => `  ${i.path}: ${i.message}`);
    throw new Error(`invalid OpenID Connect configuration in the environment:\n${problems.join('\n')}`);
  }
  const { OIDC_ISSUER: issuer, OIDC_AUDIENCE: audience, OIDC_ROLE_MAP: roleMap } = parsed.data;
  if (issuer === undefined || audience === undefined || roleMap === undefined) return undefined;
  return {
    issuer,
    audience,
    subjectClaim: parsed.data.OIDC_SUBJECT_CLAIM,
    roleClaim: parsed.data.OIDC_ROLE_CLAIM,
    roleMap,
    agenciesClaim: parsed.data.OIDC_AGENCIES_CLAIM,
    ...(parsed.data.OIDC_CLIENT_ID ? { clientId: parsed.data.OIDC_CLIENT_ID } : {}),
    providerName: parsed.data.OIDC_PROVIDER_NAME,
    scope: parsed.data.OIDC_SCOPE,
  };
}
