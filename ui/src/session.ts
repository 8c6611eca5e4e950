import type { ApiRole, Me } from './api-types.js';

/**
 * The user's bearer token. Kept in sessionStorage: it lasts while the tab is open and is not sent
 * anywhere but the Authorization header of API requests (no cookie, so no cross-site requests).
 */
const TOKEN_KEY = 'lap.token';
const DEVELOPMENT_KEY = 'lap.development-sign-in';
const PROVIDER_KEY = 'lap.provider-session';

/** Who signed the user in through OpenID Connect, kept to end the provider's session on sign-out. */
export interface ProviderSession {
  issuer: string;
  clientId: string;
  idToken?: string;
}

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string, { development }: { development: boolean }): void {
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.removeItem(PROVIDER_KEY);
  if (development) sessionStorage.setItem(DEVELOPMENT_KEY, 'yes');
  else sessionStorage.removeItem(DEVELOPMENT_KEY);
}

export function clearToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(DEVELOPMENT_KEY);
  sessionStorage.removeItem(PROVIDER_KEY);
}

export function storeProviderSession(session: ProviderSession): void {
  sessionStorage.setItem(PROVIDER_KEY, JSON.stringify(session));
}

export function signedInWithProvider(): ProviderSession | null {
  const text = sessionStorage.getItem(PROVIDER_KEY);
  try {
    return text ? (JSON.parse(text) as ProviderSession) : null;
  } catch {
    return null;
  }
}

export const signedInForDevelopment = (): boolean => sessionStorage.getItem(DEVELOPMENT_KEY) === 'yes';

const KNOWN_ROLES = new Set(['hr', 'supervisor', 'program-manager', 'das', 'trainee', 'auditor']);

/**
 * Who the stored token says the user is, read without checking its signature: only to choose the
 * first page at once, instead of waiting for GET /v1/me. The API checks the token on every request
 * and GET /v1/me confirms it; an expired or unreadable token reads as nobody.
 */
export function claimsOfStoredToken(now = Date.now()): Me | null {
  const payload = storedToken()?.split('.')[1];
  if (!payload) return null;
  try {
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    if (typeof claims !== 'object' || claims === null) return null;
    const { sub, roles, exp } = claims as { sub?: unknown; roles?: unknown; exp?: unknown };
    if (typeof sub !== 'string' || !Array.isArray(roles) || typeof exp !== 'number' || exp * 1000 <= now) return null;
    return { sub, roles: roles.filter((role): role is ApiRole => typeof role === 'string' && KNOWN_ROLES.has(role)) };
  } catch {
    return null;
  }
}
