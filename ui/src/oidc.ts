/**
 * Sign-in with the organisation's OpenID Connect provider, in the browser: the authorization code
 * flow with PKCE (openid-client). The code verifier and the state wait in sessionStorage while the
 * browser is at the provider; the callback page exchanges the code for tokens at the provider's token
 * endpoint and keeps the access token as the API's bearer token. Nothing passes through our server.
 */
import * as client from 'openid-client';
import type { UiConfig } from './api-types.js';
import { signedInWithProvider, storeProviderSession, storeToken } from './session.js';

export type ProviderConfig = NonNullable<UiConfig['oidc']>;

export const CALLBACK_PATH = '/sign-in/callback';
const PENDING_KEY = 'lap.oidc.pending';

async function discover(provider: Pick<ProviderConfig, 'issuer' | 'clientId'>): Promise<client.Configuration> {
  const issuer = new URL(provider.issuer);
  // Plain http only for a provider on this machine (the development identity provider).
  const local = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
  return client.discovery(issuer, provider.clientId, undefined, client.None(), local ? { execute: [client.allowInsecureRequests] } : {});
}

/** Sends the browser to the provider's sign-in page; it comes back to CALLBACK_PATH. */
export async function startSignIn(provider: ProviderConfig, next: string): Promise<void> {
  const config = await discover(provider);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, next }));
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: `${window.location.origin}${CALLBACK_PATH}`,
    scope: provider.scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  window.location.assign(url.href);
}

/** On CALLBACK_PATH: checks the answer against the pending sign-in, exchanges the code, keeps the token; returns where to go. */
export async function finishSignIn(provider: ProviderConfig): Promise<string> {
  const pendingText = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = pendingText ? (JSON.parse(pendingText) as { verifier: string; state: string; next: string }) : null;
  if (!pending) throw new Error('This sign-in was not started in this tab, or has already been used. Sign in again.');
  const config = await discover(provider);
  const tokens = await client.authorizationCodeGrant(config, new URL(window.location.href), {
    pkceCodeVerifier: pending.verifier,
    expectedState: pending.state,
  });
  storeToken(tokens.access_token, { development: false });
  storeProviderSession({ issuer: provider.issuer, clientId: provider.clientId, ...(tokens.id_token ? { idToken: tokens.id_token } : {}) });
  return pending.next.startsWith('/') && !pending.next.startsWith('//') ? pending.next : '/';
}

/** Where to send the browser to end the provider's session too, or null when signed in otherwise. */
export async function providerSignOutUrl(): Promise<string | null> {
  const session = signedInWithProvider();
  if (!session) return null;
  const config = await discover(session);
  if (!config.serverMetadata().end_session_endpoint) return null;
  return client.buildEndSessionUrl(config, {
    post_logout_redirect_uri: `${window.location.origin}/sign-in`,
    client_id: session.clientId,
    ...(session.idToken ? { id_token_hint: session.idToken } : {}),
  }).href;
}
