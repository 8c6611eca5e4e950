/**
 * A codec endpoint for the Temporal Web UI and CLI on a developer's machine: they send the sealed
 * payloads of a history to `POST /codec/decode` (Temporal's remote codec protocol: JSON with every
 * byte field in base64) and show what comes back. `npm start` points the dev server's Web UI here.
 *
 * Whoever reaches it can read any payload, and the Web UI cannot send the API's token, so it serves
 * only the origins it is given (the local Web UI) and is never registered with NODE_ENV=production.
 * A deployment would put a codec server behind the organisation's sign-in instead.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from './errors.js';

export interface CodecRoutesOptions {
  codec: PayloadCodec;
  /** Browser origins allowed to call it: the local Temporal Web UI. */
  origins: readonly string[];
}

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const wirePayloads = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() })).max(1000),
});
type WirePayloads = z.infer<typeof wirePayloads>;

const fromWire = ({ payloads }: WirePayloads): Payload[] =>
  payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([name, value]) => [name, new Uint8Array(Buffer.from(value, 'base64'))])),
    data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
  }));

const toWire = (payloads: readonly Payload[]): WirePayloads => ({
  payloads: payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([name, value]) => [name, Buffer.from(value).toString('base64')])),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  })),
});

export const codecRoutes: FastifyPluginAsync<CodecRoutesOptions> = async (app, { codec, origins }) => {
  const allowed = new Set(origins);
  const cors = (request: FastifyRequest, reply: FastifyReply): void => {
    const origin = request.headers.origin;
    if (origin && allowed.has(origin)) {
      reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
      reply.header('access-control-allow-methods', 'POST').header('access-control-allow-headers', 'content-type, x-namespace');
    }
  };
  const api = app.withTypeProvider<ZodTypeProvider>();
  for (const direction of ['decode', 'encode'] as const) {
    api.options(`/codec/${direction}`, { schema: { hide: true } }, (request, reply) => {
      cors(request, reply);
      return reply.code(204).send();
    });
    api.post(`/codec/${direction}`, { schema: { hide: true, body: wirePayloads } }, async (request, reply) => {
      cors(request, reply);
      const payloads = fromWire(request.body);
      try {
        return toWire(direction === 'decode' ? await codec.decode(payloads) : await codec.encode(payloads));
      } catch {
        // The codec's own message names a key id at most; nothing of the payload is echoed.
        throw new ApiError(400, 'payload-not-decodable', 'A payload could not be decoded with the keys this server holds.');
      }
    });
  }
};
