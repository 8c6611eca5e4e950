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
