/**
 * A real OpenID provider for development and tests (`oidc-provider`), so the web UI and the API sign
 * in the way they do in production: authorization code with PKCE, RS256 ID tokens, ES256 JWT access
 * tokens for the API's audience carrying `groups` and `agencies`. Its accounts are the development
 * accounts (idp/accounts.ts); each signs in with the one development password on a login page of
 * our own (oidc-provider's interactions). Everything is in memory, and its keys are made at start:
 * tokens do not outlive the process. Never for production.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { DevelopmentAccount } from './accounts.js';

export interface DevelopmentProviderOptions {
  /** This provider's URL, as tokens carry it in `iss`. */
  issuer: string;
  /** The API's audience (OIDC_AUDIENCE): access tokens carry it in `aud`. */
  audience: string;
  /** The web UI's public client. */
  client: { clientId: string; redirectUris: string[]; postLogoutRedirectUris: string[] };
  /**
   * The command line's public client (a native application, RFC 8252): its redirect is a loopback
   * address on a port chosen at each sign-in (`npm run cli -- sign-in`, client/cli-sign-in.ts).
   */
  cliClientId?: string;
  accounts: readonly DevelopmentAccount[];
  /** The password every account signs in with. */
  password: string;
}

/** The web UI's page the provider sends the browser back to with the code (ui/src/oidc.ts). */
export const CALLBACK_PATH = '/sign-in/callback';
/** Where the web UI asks to be sent after signing out. */
export const SIGNED_OUT_PATH = '/sign-in';

/** Where the command line listens for the code, on 127.0.0.1 and any port (client/cli-sign-in.ts). */
export const CLI_CALLBACK_URI = 'http://127.0.0.1/callback';
/** The command line's client id unless configured otherwise. */
export const CLI_CLIENT_ID = 'lap-cli';

/** The API's scope: the one scope access tokens for the audience carry. */
export const API_SCOPE = 'lap';
const ACCESS_TOKEN_TTL_SECONDS = 3600;

/** A request handler for a node HTTP server: the provider, with the login pages in front of it. */
export async function createDevelopmentProvider(
  options: DevelopmentProviderOptions,
): Promise<(request: IncomingMessage, response: ServerResponse) => void> {
  const accounts = new Map(options.accounts.map((account) => [account.sub, account]));
  const rsa = await generateKeyPair('RS256', { extractable: true });
  const ec = await generateKeyPair('ES256', { extractable: true });
  const keyId = randomBytes(6).toString('base64url');

  const configuration: Configuration = {
    clients: [
      {
        client_id: options.client.clientId,
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: options.client.redirectUris,
        post_logout_redirect_uris: options.client.postLogoutRedirectUris,
      },
      ...(options.cliClientId
        ? [
            {
              client_id: options.cliClientId,
              token_endpoint_auth_method: 'none' as const,
              application_type: 'native' as const,
              grant_types: ['authorization_code'],
              response_types: ['code' as const],
              redirect_uris: [CLI_CALLBACK_URI],
            },
          ]
        : []),
    ],
    jwks: {
      keys: [
        { ...(await exportJWK(rsa.privateKey)), kid: `rs-${keyId}`, alg: 'RS256', use: 'sig' },
        { ...(await exportJWK(ec.privateKey)), kid: `es-${keyId}`, alg: 'ES256', use: 'sig' },
      ],
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], profile: ['name', 'groups', 'agencies'], email: ['email'] },
    pkce: { required: () => true },
    // The web UI exchanges the code from the browser: CORS for the origins it is served from.
    clientBasedCORS: (_ctx, origin, client) => (client.redirectUris ?? []).some((uri) => new URL(uri).origin === origin),
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_SECONDS,
      IdToken: ACCESS_TOKEN_TTL_SECONDS,
      Interaction: 3600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== options.audience) throw new errors.InvalidTarget();
          return {
            scope: API_SCOPE,
            audience: options.audience,
            accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          name: account.name,
          groups: account.groups,
          ...(account.email ? { email: account.email } : {}),
          ...(account.agencies ? { agencies: account.agencies } : {}),
        }),
      };
    },
    // The API reads roles and agencies from its access token, as it would from a directory's.
    extraTokenClaims: (_ctx, token) => {
      if (token.kind !== 'AccessToken' || !('accountId' in token) || typeof token.accountId !== 'string') return undefined;
      const account = accounts.get(token.accountId);
      return account ? { groups: account.groups, ...(account.agencies ? { agencies: account.agencies } : {}) } : undefined;
    },
    // The web UI is this organisation's own application: no consent page, the grant is implied.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session, provider } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const existing = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (existing) return provider.Grant.find(existing);
      const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid profile email');
      grant.addResourceScope(options.audience, API_SCOPE);
      await grant.save();
      return grant;
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page(
        'Sign-in failed',
        `<h1>Sign-in failed</h1><p>${escapeHtml(String(out.error))}: ${escapeHtml(String(out.error_description ?? ''))}</p>`,
      );
    },
  };

  const provider = new Provider(options.issuer, configuration);
  const handleProvider = provider.callback();

  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const interaction = /^\/interaction\/([A-Za-z0-9_-]+)(\/login|\/abort|\/confirm)?$/.exec(path);
    if (!interaction) {
      void handleProvider(request, response);
      return;
    }
    handleInteraction(request, response, interaction[2] ?? '').catch(() => {
      if (!response.headersSent) response.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        page('Sign-in failed', '<h1>Sign-in failed</h1><p>This sign-in has expired. Go back to the application and sign in again.</p>'),
      );
    });
  };

  async function handleInteraction(request: IncomingMessage, response: ServerResponse, action: string): Promise<void> {
    const details = await provider.interactionDetails(request, response);
    if (action === '/abort' && request.method === 'POST') {
      await provider.interactionFinished(
        request,
        response,
        { error: 'access_denied', error_description: 'The user cancelled the sign-in.' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    // A native client (the command line) needs the person to confirm once signed in (RFC 8252
    // 8.6: another program could have opened the address): a page naming it, then the grant.
    if (details.prompt.name === 'consent') {
      const { accountId } = details.session ?? {};
      if (action === '/confirm' && request.method === 'POST' && accountId) {
        const grant = new provider.Grant({ clientId: String(details.params.client_id), accountId });
        grant.addOIDCScope('openid profile email');
        grant.addResourceScope(options.audience, API_SCOPE);
        await provider.interactionFinished(
          request,
          response,
          { consent: { grantId: await grant.save() } },
          { mergeWithLastSubmission: true },
        );
        return;
      }
      sendConfirmForm(response, details.uid, String(details.params.client_id), accountId ?? '');
      return;
    }
    if (action === '/login' && request.method === 'POST') {
      const form = new URLSearchParams(await bodyOf(request));
      const username = (form.get('username') ?? '').trim();
      const account = accounts.get(username);
      if (account && form.get('password') === options.password) {
        await provider.interactionFinished(request, response, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
        return;
      }
      sendLoginForm(response, details.uid, username, 'The user name or the password is not right.');
      return;
    }
    sendLoginForm(response, details.uid, '', null);
  }

  function sendConfirmForm(response: ServerResponse, uid: string, clientId: string, accountId: string): void {
    const body = `
      <h1>Allow the command line?</h1>
      <p>The command line (<code>${escapeHtml(clientId)}</code>) on this computer asks to act as <strong>${escapeHtml(accounts.get(accountId)?.name ?? accountId)}</strong> with the API, for an hour.</p>
      <p>Allow it only if you started <code>sign-in</code> yourself just now.</p>
      <form method="post" action="/interaction/${escapeHtml(uid)}/confirm"><button type="submit">Allow</button></form>
      <form method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit" class="secondary">Cancel</button></form>`;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(page('Allow the command line', body));
  }

  function sendLoginForm(response: ServerResponse, uid: string, username: string, problem: string | null): void {
    const rows = [...accounts.values()]
      .map(
        (a) =>
          `<tr><td><code>${escapeHtml(a.sub)}</code></td><td>${escapeHtml(a.name)}</td><td>${escapeHtml(a.groups.join(', '))}${a.agencies ? ` (${escapeHtml(a.agencies.join(', '))})` : ''}</td></tr>`,
      )
      .join('');
    const body = `
      <h1>Sign in to the development identity provider</h1>
      <p class="note">Development only: every account below signs in with the development password.</p>
      ${problem ? `<p class="problem" role="alert">${escapeHtml(problem)}</p>` : ''}
      <form method="post" action="/interaction/${escapeHtml(uid)}/login">
        <label for="username">User name</label>
        <input id="username" name="username" value="${escapeHtml(username)}" autocomplete="username" required autofocus>
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Sign in</button>
      </form>
      <form method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit" class="secondary">Cancel</button></form>
      <table><caption>Development accounts</caption><thead><tr><th>User name</th><th>Name</th><th>Groups</th></tr></thead><tbody>${rows}</tbody></table>`;
    response.writeHead(problem ? 401 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(page('Sign in', body));
  }
}

async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  ctx.type = 'html';
  ctx.body = page(
    'Sign out',
    `<h1>Sign out of the development identity provider?</h1>${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${escapeHtml(title)} · development identity provider</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}label,input,button{display:block;margin:.4rem 0}
input{padding:.4rem;width:20rem}button{padding:.5rem 1rem;margin-top:1rem}.note{background:#fff4ce;padding:.5rem}.problem{color:#a4262c;font-weight:bold}
table{margin-top:2rem;border-collapse:collapse}td,th{border-bottom:1px solid #ccc;padding:.25rem .5rem;text-align:left}</style></head>
<body><main>${body}</main></body></html>`;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const MAX_FORM_BYTES = 4096;

async function bodyOf(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > MAX_FORM_BYTES) throw new Error('form too large');
  }
  return text;
}
