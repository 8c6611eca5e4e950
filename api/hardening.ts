/**
 * What keeps the HTTP edge safe to put in front of an agency: the field's libraries (helmet for headers,
 * rate limits on writes and on failed sign-ins, CORS where a browser calls across origins is left to
 * api/codec.ts), input that no handler should see (NUL bytes, over-long URLs), errors of Node's HTTP
 * parser in the contract's shape (431 and the like), and request logs that carry no credential.
 */
import type { Socket } from 'node:net';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify';
import helmet from 'helmet';
import { ApiError } from './errors.js';

/** Longer request targets are a 414; Node's own limit (the header size) gives 431 beyond. */
export const MAX_URL_LENGTH = 8 * 1024;

export interface RateLimits {
  /** POSTs, PUTs and DELETEs per client address and minute. */
  writesPerMinute: number;
  /** Requests with a missing or refused token per client address and minute; beyond, every request needing a token is a 429. */
  authFailuresPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { writesPerMinute: 600, authFailuresPerMinute: 60 };

// --- Loopback hosts: development routes answer only these (DNS rebinding) ---------------------------

/** Whether a Host header names this machine's loopback: `localhost`, `127.x.x.x` or `[::1]`, any port. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
  const lower = name.toLowerCase();
  return lower === 'localhost' || lower === '[::1]' || /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(lower);
}

// --- NUL bytes ------------------------------------------------------------------------------------

const NUL = '\u0000';

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

/** The first place a NUL byte hides in a parsed value, as an issue path; null when there is none. */
function nulPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nulPath(item, `${path}[${index}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (key.includes(NUL)) return at;
      const found = nulPath(item, at);
      if (found !== null) return found;
    }
  }
  return null;
}

const nulRefused = (path: string): ApiError =>
  new ApiError(400, 'invalid-input', 'The request contains a NUL character, which no field accepts.', [
    { path, message: 'must not contain a NUL character' },
  ]);

/**
 * Refuses NUL bytes wherever they come (path, query, headers, body): PostgreSQL text cannot hold
 * them, so they would otherwise reach the database as a 500.
 */
export function refuseNulBytes(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (request.url.length > MAX_URL_LENGTH) {
      throw new ApiError(414, 'uri-too-long', `The request URL is longer than ${MAX_URL_LENGTH} characters.`);
    }
    const [path = '', query = ''] = request.url.split('?', 2);
    if (percentDecoded(path).includes(NUL)) throw nulRefused('path');
    for (const pair of query.split('&')) {
      const [name = '', value = ''] = pair.split('=', 2);
      if (percentDecoded(name).includes(NUL) || percentDecoded(value).includes(NUL))
        // Named as the parameter alone, the way every other query issue names it ('q', not 'query.q').
        throw nulRefused(percentDecoded(name).replaceAll(NUL, '') || 'query');
    }
    for (const [name, value] of Object.entries(request.headers)) {
      if ([value].flat().some((v) => v?.includes(NUL))) throw nulRefused(`headers.${name}`);
    }
  });
  app.addHook('preValidation', async (request) => {
    const found = nulPath(request.body, '');
    if (found !== null) throw nulRefused(found || 'body');
  });
}

// --- Node's HTTP parser errors in the contract's shape ---------------------------------------------

const CLIENT_ERRORS: Record<string, { status: number; reason: string; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    code: 'headers-too-large',
    message: 'The request headers are larger than the server accepts (a token or a cookie too long?).',
  },
  HPE_URI_TOO_LONG: {
    status: 414,
    reason: 'URI Too Long',
    code: 'uri-too-long',
    message: 'The request URL is longer than the server accepts.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: 'Request Timeout',
    code: 'request-timeout',
    message: 'The request took too long to arrive.',
  },
};

/**
 * Answers a request Node could not parse (headers over its limit, a malformed request line) with
 * the contract's error body instead of Fastify's own shape, then closes the connection.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return;
  const known = CLIENT_ERRORS[error.code ?? ''];
  const { status, reason, code, message } = known ?? {
    status: 400,
    reason: 'Bad Request',
    code: 'bad-request',
    message: 'The request could not be read.',
  };
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

// --- Logs without credentials ---------------------------------------------------------------------

/**
 * A URL as it may be logged: the calendar feed token (a credential in the path) and any query
 * parameter that looks like a credential are replaced, and so is a search (`q`: part of a trainee's
 * name or employee id, personal data that logs must not carry).
 */
export function redactedUrl(url: string): string {
  const [path = '', query] = url.split('?', 2);
  const safePath = path.replace(/^(\/v1\/calendar\/)[^/?]+/, '$1[redacted]');
  if (query === undefined) return safePath;
  const safeQuery = query
    .split('&')
    .map((pair) =>
      /^(token|access_token|id_token|code|key|secret|password|signature|sig|q)=/i.test(pair)
        ? `${pair.split('=')[0] ?? ''}=[redacted]`
        : pair,
    )
    .join('&');
  return `${safePath}?${safeQuery}`;
}

/** Request serializers that drop credentials (and the Host header). */
export const credentialFreeSerializers = {
  req: (request: FastifyRequest) => ({ method: request.method, url: redactedUrl(request.url), remoteAddress: request.ip }),
};

/** Fastify's logger options with request serializers that drop credentials (and the Host header). */
export function loggerWithoutCredentials(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return logger;
  const serializers = credentialFreeSerializers;
  return typeof logger === 'object'
    ? { ...logger, serializers: { ...(logger as { serializers?: object }).serializers, ...serializers } }
    : { serializers };
}

// --- The field's plugins --------------------------------------------------------------------------

/**
 * One content security policy for every answer (the web UI's pages included): scripts and styles
 * from this origin only. A notice's PDF opened as a blob needs the viewer (object-src, frame-src blob:).
 */
export const CONTENT_SECURITY_POLICY_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  connectSrc: ["'self'"],
  objectSrc: ["'self'", 'blob:'],
  frameSrc: ["'self'", 'blob:'],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Security headers on every answer, a limit on writes per client address, and a limit on failed
 * authentications: past it, a client gets 429 on anything that needs a token until the window ends.
 * Returns the hook the authentication step calls when a token is refused.
 */
export async function installHardening(
  app: FastifyInstance,
  limits: RateLimits,
  /** Origins the web UI may call besides its own: the OpenID provider it signs in with (discovery, the code exchange). */
  connectTo: readonly string[] = [],
): Promise<{
  authenticationFailed(request: FastifyRequest): Promise<void>;
  checkAuthenticationLimit(request: FastifyRequest): Promise<void>;
}> {
  // Helmet's headers, its middleware built once: @fastify/helmet built it again for every request
  // (its options parsed and checked each time), the largest cost of a small read after the token.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...CONTENT_SECURITY_POLICY_DIRECTIVES, connectSrc: [...CONTENT_SECURITY_POLICY_DIRECTIVES.connectSrc, ...connectTo] },
    },
    referrerPolicy: { policy: 'no-referrer' },
    // The Temporal Web UI calls /codec from its own origin (CORS decides who may).
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  app.addHook('onRequest', (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error instanceof Error ? error : undefined));
  });
  const tooMany = (max: number, what: string) => (_request: FastifyRequest, context: { after: string }) =>
    new ApiError(429, 'too-many-requests', `More than ${max} ${what} a minute from this address; try again in ${context.after}.`);
  await app.register(fastifyRateLimit, {
    global: true,
    max: limits.writesPerMinute,
    timeWindow: '1 minute',
    allowList: (request) => !WRITE_METHODS.has(request.method),
    errorResponseBuilder: tooMany(limits.writesPerMinute, 'writes'),
  });
  const failures = app.createRateLimit({
    max: limits.authFailuresPerMinute,
    timeWindow: '1 minute',
    keyGenerator: (request) => `auth-failure:${request.ip}`,
    // Every method counts here (the writes' allow list would otherwise be inherited).
    allowList: () => false,
  });
  const refuse = (): never => {
    throw new ApiError(
      429,
      'too-many-requests',
      `More than ${limits.authFailuresPerMinute} refused tokens a minute from this address; try again in a minute.`,
    );
  };
  return {
    async checkAuthenticationLimit(request) {
      const state = await failures(request, { increment: false });
      if (!state.isAllowed && state.remaining <= 0) refuse();
    },
    async authenticationFailed(request) {
      await failures(request);
    },
  };
}
