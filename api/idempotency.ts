/**
 * Retries that never apply twice (shared/API.md 1.1): every POST takes an `Idempotency-Key`. The
 * first answer under a key is kept in PostgreSQL per caller; the same key and body again get that
 * answer and change nothing, the same key with another body is a 409 `idempotency-key-reused`.
 * For commands the key also names the Temporal Update (its update id), so that even an answer lost
 * between Temporal and this table is given by Temporal itself rather than applied again.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod';
import { ApiError } from './errors.js';

/** Keys are kept at least this long (the contract says 24 hours). */
export const IDEMPOTENCY_RETENTION_HOURS = 48;
const SWEEP_EVERY_MS = 3_600_000;

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

declare module 'fastify' {
  interface FastifyRequest {
    /** The key this request runs under, when it carries one and is the first to use it. */
    idempotency: { caller: string; key: string } | null;
  }
}

/** The Temporal Update id of a command sent under this key: the same caller and key, the same id. */
export const updateIdFor = ({ caller, key }: { caller: string; key: string }): string =>
  `idem-${createHash('sha256').update(`${caller}\n${key}`).digest('hex').slice(0, 40)}`;

const requestHash = (request: FastifyRequest): string =>
  createHash('sha256')
    .update(`${request.method} ${request.url.split('?')[0] ?? ''}\n`)
    .update(typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? null))
    .digest('hex');

interface StoredAnswer {
  request_hash: string;
  status: number | null;
  content_type: string | null;
  location: string | null;
  etag: string | null;
  body: string | null;
}

const reused = (): ApiError =>
  new ApiError(409, 'idempotency-key-reused', 'That Idempotency-Key was already used for a different request.', [
    { path: 'Idempotency-Key', message: 'already used with another body or on another resource; use a new key for a new request' },
  ]);

/**
 * Installs the keys on every POST of an authenticated caller. Runs after authentication and
 * validation (a refused request is not remembered: it changed nothing and may be sent again).
 */
export function installIdempotency(app: FastifyInstance, db: Pool): void {
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined || !request.principal) return;
    // Decoding changes nothing, and its answer (plaintext payloads) is not to be kept anywhere.
    if (request.routeOptions.url?.startsWith('/codec/')) return;
    const parsed = idempotencyKeySchema.safeParse(header);
    if (!parsed.success) {
      throw new ApiError(400, 'invalid-input', 'The Idempotency-Key header is not valid.', [
        { path: 'Idempotency-Key', message: parsed.error.issues[0]?.message ?? 'is not valid' },
      ]);
    }
    const caller = request.principal.id;
    const key = parsed.data;
    const hash = requestHash(request);
    const claimed = await db.query(
      `INSERT INTO idempotency_keys (caller, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT (caller, key) DO NOTHING`,
      [caller, key, hash],
    );
    if (claimed.rowCount === 1) {
      request.idempotency = { caller, key };
      return;
    }
    const { rows } = await db.query<StoredAnswer>(
      `SELECT request_hash, status, content_type, location, etag, body FROM idempotency_keys WHERE caller = $1 AND key = $2`,
      [caller, key],
    );
    const stored = rows[0];
    if (!stored) throw new ApiError(409, 'conflict', 'The Idempotency-Key is being swept; send the request again.');
    if (stored.request_hash !== hash) throw reused();
    if (stored.status === null) {
      // The first request is under way, or its server stopped before answering: go on. The command's
      // Update id (or the enrollment's program id) comes from the key, so Temporal applies it once.
      request.idempotency = { caller, key };
      return;
    }
    if (stored.location) reply.header('location', stored.location);
    if (stored.etag) reply.header('etag', stored.etag);
    reply.header('idempotent-replayed', 'true');
    return reply
      .code(stored.status)
      .type(stored.content_type ?? 'application/json; charset=utf-8')
      .send(stored.body ?? '');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim || reply.statusCode >= 500 || typeof payload !== 'string') return payload;
    const header = (name: string): string | null => {
      const value = reply.getHeader(name);
      return value === undefined ? null : String(value);
    };
    await db.query(
      `UPDATE idempotency_keys SET status = $3, content_type = $4, location = $5, etag = $6, body = $7
        WHERE caller = $1 AND key = $2 AND status IS NULL`,
      [claim.caller, claim.key, reply.statusCode, header('content-type'), header('location'), header('etag'), payload],
    );
    return payload;
  });

  const sweep = (): void => {
    db.query(`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`, [IDEMPOTENCY_RETENTION_HOURS]).catch(
      (error: unknown) => app.log.warn({ errorName: error instanceof Error ? error.name : typeof error }, 'idempotency key sweep failed'),
    );
  };
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    sweep();
    timer = setInterval(sweep, SWEEP_EVERY_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
}
