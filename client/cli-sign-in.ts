/**
 * Signing the command line in, as `gh` and `gcloud` do: the authorization code flow with PKCE
 * (RFC 7636) for a native application (RFC 8252). The CLI listens on 127.0.0.1 on a port of the
 * system's choosing, prints the provider's address for the person to open, waits for the browser to
 * come back with the code, and exchanges it for the API's access token. The provider is the one the
 * API names for its web UI (`GET /ui-config.json`), unless LAP_OIDC_ISSUER names another; the CLI is
 * its own public client (LAP_CLI_CLIENT_ID, `lap-cli` by default; idp/ registers it).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where the CLI waits for the code; the provider allows any port on this address for a native client. */
const CALLBACK_PATH = '/callback';
const SIGN_IN_TIMEOUT_MS = 5 * 60_000;

export class SignInError extends Error {
  override name = 'SignInError';
}

export interface SignInOptions {
  apiUrl: string;
  clientId: string;
  /** The provider, when not the API's. */
  issuer?: string | undefined;
  /** Told the address to open; the sign-in then waits for the browser. */
  openUrl: (url: string) => void;
  timeoutMs?: number;
}

interface ProviderSettings {
  issuer: string;
  scope: string;
}

const base64url = (bytes: Buffer): string => bytes.toString('base64url');

async function getJson(url: URL | string, what: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
  } catch {
    throw new SignInError(`cannot reach ${what} at ${String(url)}`);
  }
  if (!response.ok) throw new SignInError(`${what} answered ${response.status} at ${String(url)}`);
  return response.json();
}

const asRecord = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : {};

/** The provider the API's web UI signs in with, and the scope it asks for. */
async function providerOf(options: SignInOptions): Promise<ProviderSettings> {
  const config = asRecord(asRecord(await getJson(new URL('/ui-config.json', options.apiUrl), 'the API')).oidc);
  const issuer = options.issuer ?? (typeof config.issuer === 'string' ? config.issuer : undefined);
  if (!issuer) {
    throw new SignInError(
      'the API names no OpenID provider to sign in with; set LAP_OIDC_ISSUER, or use sign-in --with-token with a service token',
    );
  }
  return { issuer, scope: typeof config.scope === 'string' ? config.scope : 'openid profile' };
}

/** Runs the whole sign-in; resolves with the access token. */
export async function signInWithBrowser(options: SignInOptions): Promise<string> {
  const provider = await providerOf(options);
  const discovery = asRecord(
    await getJson(`${provider.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, 'the OpenID provider'),
  );
  const { authorization_endpoint: authorizationEndpoint, token_endpoint: tokenEndpoint } = discovery;
  if (discovery.issuer !== provider.issuer || typeof authorizationEndpoint !== 'string' || typeof tokenEndpoint !== 'string') {
    throw new SignInError(`the OpenID provider at ${provider.issuer} does not describe itself as that issuer`);
  }

  const verifier = base64url(randomBytes(32));
  const state = base64url(randomBytes(16));
  const challenge = base64url(createHash('sha256').update(verifier).digest());

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}${CALLBACK_PATH}`;
  try {
    const code = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new SignInError('no answer from the browser within 5 minutes; run sign-in again')),
        options.timeoutMs ?? SIGN_IN_TIMEOUT_MS,
      );
      server.on('request', (request, response) => {
        const url = new URL(request.url ?? '/', redirectUri);
        if (url.pathname !== CALLBACK_PATH) {
          response.writeHead(404).end();
          return;
        }
        const page = (status: number, text: string): void => {
          response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
          response.end(
            `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Command line sign-in</title></head><body><p>${text}</p></body></html>`,
          );
        };
        // Another page's request (or an old tab) must not end this sign-in: only the answer carrying our state.
        if (url.searchParams.get('state') !== state) {
          page(400, 'This answer does not belong to the sign-in under way. Run sign-in again.');
          return;
        }
        clearTimeout(timer);
        const error = url.searchParams.get('error');
        const value = url.searchParams.get('code');
        if (error || !value) {
          page(400, 'The sign-in did not finish. Go back to the terminal.');
          reject(
            new SignInError(
              `the OpenID provider refused the sign-in: ${error ?? 'no code'}${url.searchParams.get('error_description') ? ` (${url.searchParams.get('error_description')})` : ''}`,
            ),
          );
          return;
        }
        page(200, 'Signed in. You may close this tab and go back to the terminal.');
        resolve(value);
      });
    });
    const authorization = new URL(authorizationEndpoint);
    for (const [name, value] of Object.entries({
      response_type: 'code',
      client_id: options.clientId,
      redirect_uri: redirectUri,
      scope: provider.scope,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })) {
      authorization.searchParams.set(name, value);
    }
    options.openUrl(authorization.href);

    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code: await code,
      redirect_uri: redirectUri,
      client_id: options.clientId,
      code_verifier: verifier,
    });
    let answer: Record<string, unknown>;
    try {
      const response = await fetch(tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form,
        signal: AbortSignal.timeout(10_000),
      });
      answer = asRecord(await response.json());
    } catch {
      throw new SignInError(`cannot reach the OpenID provider's token endpoint at ${tokenEndpoint}`);
    }
    if (typeof answer.access_token !== 'string') {
      throw new SignInError(
        `the OpenID provider gave no access token: ${typeof answer.error === 'string' ? answer.error : 'no reason given'}`,
      );
    }
    return answer.access_token;
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
