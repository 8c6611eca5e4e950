/**
 * The payload codec endpoint for the Temporal Web UI and CLI: they send the sealed payloads of a
 * history to `POST /codec/decode` (Temporal's remote codec protocol: JSON with every byte field in
 * base64) and show what comes back.
 *
 * Whoever may call it reads trainees' personal data, so it needs a bearer token of `hr` or `auditor`
 * (shared/API.md 1.1), browsers may call it only from the configured Temporal Web UI origin, and
 * every decode is recorded (who, when, which namespace and workflow) in `codec_decodes`, which
 * auditors read through `GET /v1/codec-decodes`. The Web UI sends the token when its codec setting
 * "pass access token" is on; the CLI with `--codec-auth "Bearer <token>"`.
 */
import fastifyCors from '@fastify/cors';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { actorFor } from './auth.js';
import { ApiError, forbidden } from './errors.js';
import { errorResponse } from './schemas.js';

export interface CodecRoutesOptions {
  codec: PayloadCodec;
  /** Browser origins allowed to call it: the Temporal Web UI's. */
  origins: readonly string[];
}

/** Roles that may read trainees' personal data, and so decode payloads. */
export const CODEC_ROLES = ['hr', 'auditor'] as const;

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const wirePayloads = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() })).max(1000),
});
type WirePayloads = z.infer<typeof wirePayloads>;

const fromWire = ({ payloads }: WirePayloads): Payload[] =>
  payloads.map((p) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([name, value]) => [name, new Uint8Array(Buffer.from(value, 'base64'))]),
    ),
    data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
  }));

const toWire = (payloads: readonly Payload[]): WirePayloads => ({
  payloads: payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([name, value]) => [name, Buffer.from(value).toString('base64')])),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  })),
});

const decodeRecord = z
  .object({
    decodeId: z.string(),
    decodedAt: z.iso.datetime({ offset: true }),
    actor: z.object({ id: z.string(), role: z.string() }),
    namespace: z.string().nullable(),
    workflowId: z.string().nullable().describe('As the caller named it (X-Workflow-Id); the Web UI names only the namespace'),
    payloads: z.number().int(),
    origin: z.string().nullable(),
  })
  .meta({ id: 'CodecDecode' });

const decodeQuery = z.strictObject({
  workflowId: z.string().min(1).max(300).optional(),
  before: z
    .string()
    .regex(/^[1-9]\d{0,18}$/, 'must be a decodeId from a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** A header as text, cut to a length a column should hold; absent when not sent. */
const headerText = (request: FastifyRequest, name: string): string | null => {
  const value = request.headers[name];
  return typeof value === 'string' && value.length > 0 ? value.slice(0, 300) : null;
};

export const codecRoutes: FastifyPluginAsync<CodecRoutesOptions & { db: Pool }> = async (app, { codec, origins, db }) => {
  // CORS for this plugin's routes only; the rest of the API serves its own origin alone.
  await app.register(fastifyCors, {
    origin: [...origins],
    methods: ['POST'],
    allowedHeaders: ['authorization', 'content-type', 'x-namespace', 'x-workflow-id'],
    maxAge: 600,
  });
  const api = app.withTypeProvider<ZodTypeProvider>();
  const access = { access: { kind: 'roles', roles: CODEC_ROLES } } as const;
  for (const direction of ['decode', 'encode'] as const) {
    api.post(`/codec/${direction}`, { schema: { hide: true, body: wirePayloads }, config: access }, async (request) => {
      const payloads = fromWire(request.body);
      let answer: Payload[];
      try {
        answer = direction === 'decode' ? await codec.decode(payloads) : await codec.encode(payloads);
      } catch {
        // The codec's own message names a key id at most; nothing of the payload is echoed.
        throw new ApiError(400, 'payload-not-decodable', 'A payload could not be decoded with the keys this server holds.');
      }
      if (direction === 'decode') {
        const actor = request.principal ? actorFor(request.principal, CODEC_ROLES) : null;
        if (!actor) throw forbidden();
        await db.query(
          `INSERT INTO codec_decodes (actor_id, actor_role, namespace, workflow_id, payloads, origin) VALUES ($1, $2, $3, $4, $5, $6)`,
          [
            actor.id,
            actor.role,
            headerText(request, 'x-namespace'),
            headerText(request, 'x-workflow-id'),
            payloads.length,
            headerText(request, 'origin'),
          ],
        );
      }
      return toWire(answer);
    });
  }

  api.get(
    '/v1/codec-decodes',
    {
      schema: {
        tags: ['reference'],
        summary: 'Who decoded Temporal payloads through /codec, when, and of which workflow (auditor), newest first',
        description: 'Follow `nextBefore` for older entries.',
        querystring: decodeQuery,
        response: {
          200: z.object({ items: z.array(decodeRecord), nextBefore: z.string().nullable() }),
          400: errorResponse,
          401: errorResponse,
          403: errorResponse,
        },
      },
      config: { access: { kind: 'roles', roles: ['auditor'] } },
    },
    async (request) => {
      const { workflowId, before, limit } = request.query;
      const { rows } = await db.query<{
        decode_id: string;
        decoded_at: Date;
        actor_id: string;
        actor_role: string;
        namespace: string | null;
        workflow_id: string | null;
        payloads: number;
        origin: string | null;
      }>(
        `SELECT decode_id::text, decoded_at, actor_id, actor_role, namespace, workflow_id, payloads, origin FROM codec_decodes
          WHERE ($1::text IS NULL OR workflow_id = $1) AND ($2::bigint IS NULL OR decode_id < $2::bigint)
          ORDER BY decode_id DESC LIMIT $3`,
        [workflowId ?? null, before ?? null, limit + 1],
      );
      const items = rows.slice(0, limit).map((r) => ({
        decodeId: r.decode_id,
        decodedAt: r.decoded_at.toISOString(),
        actor: { id: r.actor_id, role: r.actor_role },
        namespace: r.namespace,
        workflowId: r.workflow_id,
        payloads: r.payloads,
        origin: r.origin,
      }));
      return { items, nextBefore: rows.length > limit ? (items.at(-1)?.decodeId ?? null) : null };
    },
  );
};
