import type { ApiRole, Me } from './api-types.js';

/**
 * The user's bearer token. Kept in sessionStorage: it lasts while the tab is open and is not sent
 * anywhere but the Authorization header of API requests (no cookie, so no cross-site requests).
 */
const TOKEN_KEY = 'lap.token';
const DEVELOPMENT_KEY = 'lap.development-sign-in';

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string, { development }: { development: boolean }): void {
  sessionStorage.setItem(TOKEN_KEY, token);
  if (development) sessionStorage.setItem(DEVELOPMENT_KEY, 'yes');
  else sessionStorage.removeItem(DEVELOPMENT_KEY);
}

export function clearToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(DEVELOPMENT_KEY);
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
