/**
 * The web UI (ui/, built by Vite into dist/ui) served at `/` by the API server, and the
 * development-only sign-in that mints tokens for it. The UI is a single-page app: any GET path that
 * is not under /v1 and names no built file answers index.html, and the app routes in the browser.
 * Every read and write of the UI goes through the public API with the user's token.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorSchema } from '../domain/schemas.js';
import type { DevelopmentToken, ImportResult, NoticeRecord, ProgramEventRecord, UiConfig } from './types.js';
import { API_ROLES, mintToken } from './auth.js';
import type { OidcConfig } from './oidc-config.js';
import { errorResponse, type eventResponse, type importResponse, type noticeResponse } from './schemas.js';

export const DEFAULT_UI_ROOT = fileURLToPath(new URL('../dist/ui/', import.meta.url));
const DEVELOPMENT_TOKEN_TTL = '8h';
const DEVELOPMENT_TOKEN_TTL_MS = 8 * 3_600_000;

export interface WebUiOptions {
  authSecret: string;
  /** The built UI; dist/ui by default. */
  root?: string;
  /** Serve POST /v1/dev/tokens in development (on unless turned off). Never in production, whatever is passed here. */
  developmentSignIn?: boolean;
  /** Development mode (APP_ENV=development); production when not set. */
  development?: boolean;
  /** The OpenID Connect issuer the UI signs in with (api/oidc-config.ts); offered when it names a client. */
  oidc?: Pick<OidcConfig, 'issuer' | 'clientId' | 'providerName' | 'scope'>;
}

/** Whether the development sign-in may be served: in development mode only, ever. */
export function developmentSignInAllowed(requested: boolean | undefined, development: boolean): boolean {
  return development && (requested ?? true);
}

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
  /** Vite puts content-hashed names under assets/: they never change, so browsers may keep them. */
  immutable: boolean;
}

const MEDIA_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

/** Every file of the built UI, read once at start: a few hundred kilobytes, served from memory. */
async function loadBuiltFiles(root: string): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  let entries: string[];
  try {
    entries = await readdir(root, { recursive: true });
  } catch {
    return files; // not built: the server still answers the API, and `/` says how to build the UI
  }
  for (const entry of entries) {
    const type = MEDIA_TYPES[extname(entry)];
    if (!type) continue;
    const path = join(root, entry);
    const body = await readFile(path).catch(() => null); // a directory, or a file gone meanwhile
    if (!body) continue;
    const urlPath = `/${relative(root, path).split(sep).join('/')}`;
    files.set(urlPath, {
      body,
      type,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      immutable: urlPath.startsWith('/assets/'),
    });
  }
  return files;
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Web UI not built</title></head>
<body><main><h1>The web UI has not been built</h1><p>Run <code>npm run build:ui</code> (or <code>npm run setup</code>) and restart the API.</p></main></body></html>`;

const developmentTokenBody = z.strictObject({
  sub: actorSchema.shape.id.describe('The person to act as: a staff or employee id'),
  roles: z.array(z.enum(API_ROLES)).min(1).max(API_ROLES.length),
});

const developmentTokenResponse = z
  .object({ token: z.string().describe('A bearer token, valid for 8 hours'), expiresAt: z.iso.datetime({ offset: true }) })
  .meta({ id: 'DevelopmentToken' });

export async function webUi(app: FastifyInstance, options: WebUiOptions): Promise<void> {
  const files = await loadBuiltFiles(options.root ?? DEFAULT_UI_ROOT);
  const developmentSignIn = developmentSignInAllowed(options.developmentSignIn, options.development ?? false);
  const oidc = options.oidc?.clientId
    ? { issuer: options.oidc.issuer, clientId: options.oidc.clientId, providerName: options.oidc.providerName, scope: options.oidc.scope }
    : undefined;
  const config: UiConfig = { developmentSignIn, ...(oidc ? { oidc } : {}) };

  if (developmentSignIn) {
    app.log.warn(
      'development sign-in is on (POST /v1/dev/tokens, loopback Hosts only): anyone on this machine may act as anyone; only APP_ENV=development turns it on',
    );
    app.withTypeProvider<ZodTypeProvider>().post(
      '/v1/dev/tokens',
      {
        schema: {
          tags: ['reference'],
          summary: 'Development only: a token for any person and roles (APP_ENV=development, loopback Host)',
          description:
            'Lets the web UI sign in as a chosen person and role on a developer machine. The server offers this route only ' +
            'with APP_ENV=development, and answers 404 to a request whose Host is not a loopback name or address (DNS rebinding); ' +
            "in production the token comes from the organisation's identity provider.",
          security: [],
          body: developmentTokenBody,
          response: { 201: developmentTokenResponse, 400: errorResponse, 404: errorResponse, 413: errorResponse, 415: errorResponse },
        },
        config: { access: { kind: 'development' } },
      },
      async (request, reply) => {
        const token = await mintToken(options.authSecret, { sub: request.body.sub, roles: request.body.roles, ttl: DEVELOPMENT_TOKEN_TTL });
        const answer: DevelopmentToken = { token, expiresAt: new Date(Date.now() + DEVELOPMENT_TOKEN_TTL_MS).toISOString() };
        return reply.code(201).send(answer);
      },
    );
  }

  const serve = (request: FastifyRequest, reply: FastifyReply, file: StaticFile): FastifyReply => {
    reply.header('etag', file.etag).header('x-content-type-options', 'nosniff');
    reply.header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
    return reply.type(file.type).send(file.body);
  };

  app.get('/ui-config.json', { schema: { hide: true }, config: { access: { kind: 'public' } } }, (_request, reply) =>
    reply.header('cache-control', 'no-store').send(config),
  );

  app.get('/*', { schema: { hide: true }, config: { access: { kind: 'public' } } }, (request, reply) => {
    const path = decodeURIComponentSafely(request.url.split('?')[0] ?? '/');
    // /v1 stays the API: an unknown endpoint there is the API's JSON 404, never the app.
    if (path === '/v1' || path.startsWith('/v1/')) {
      reply.callNotFound();
      return reply;
    }
    const file = files.get(path);
    if (file) return serve(request, reply, file);
    // A missing asset is a 404; any other path is a route of the app.
    if (extname(path) !== '') return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    const index = files.get('/index.html');
    if (!index) return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT_PAGE);
    return serve(request, reply, index);
  });
}

function decodeURIComponentSafely(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

// The UI's types (api/types.ts) must describe exactly what the API answers.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const assertTrue = <T extends true>(): T | undefined => undefined;
assertTrue<Same<z.infer<typeof eventResponse>, ProgramEventRecord>>();
assertTrue<Same<z.infer<typeof noticeResponse>, NoticeRecord>>();
assertTrue<Same<z.infer<typeof importResponse>, ImportResult>>();
assertTrue<Same<z.infer<typeof developmentTokenResponse>, DevelopmentToken>>();
