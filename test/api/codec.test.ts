/**
 * The development codec endpoint the Temporal Web UI decodes payloads through (api/codec.ts):
 * Temporal's remote codec protocol, CORS for the local Web UI only, and nothing at all unless the
 * server is built with it.
 */
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiServer } from '../../api/server.js';
import { DEVELOPMENT_PAYLOAD_KEYS, EncryptionCodec, parseEncryptionKeys } from '../../client/payload-codec.js';
import { createProgramClient } from '../../client/programs.js';
import { testDatabaseUrl } from '../integration/harness.js';

const WEB_UI = 'http://127.0.0.1:8233';
const codec = new EncryptionCodec(parseEncryptionKeys(DEVELOPMENT_PAYLOAD_KEYS));
let db: pg.Pool;
let withCodec: FastifyInstance;
let withoutCodec: FastifyInstance;

beforeAll(async () => {
  db = new pg.Pool({ connectionString: testDatabaseUrl, max: 2 });
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' }) });
  const base = { programs: createProgramClient({ client: temporal }), db, temporal, authSecret: 'x'.repeat(32) };
  [withCodec, withoutCodec] = await Promise.all([buildApiServer({ ...base, codec: { codec, origins: [WEB_UI] } }), buildApiServer(base)]);
});

afterAll(async () => {
  await Promise.all([withCodec?.close(), withoutCodec?.close()]);
  await db?.end();
});

const wire = (payload: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
});

describe('the development codec endpoint', () => {
  it('decodes sealed payloads for the Web UI, in the remote codec protocol', async () => {
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload({ trainee: { name: 'Dana Rivera' } })]);
    const response = await withCodec.inject({
      method: 'POST',
      url: '/codec/decode',
      headers: { origin: WEB_UI, 'x-namespace': 'default' },
      payload: { payloads: [wire(sealed!)] },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(WEB_UI);
    const [opened] = (response.json() as { payloads: { metadata: Record<string, string>; data: string }[] }).payloads;
    expect(Buffer.from(opened?.metadata.encoding ?? '', 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(opened?.data ?? '', 'base64').toString())).toEqual({ trainee: { name: 'Dana Rivera' } });
  });

  it('answers the Web UI’s preflight, and no other origin', async () => {
    const preflight = (origin: string) =>
      withCodec.inject({ method: 'OPTIONS', url: '/codec/decode', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
    const ui = await preflight(WEB_UI);
    expect(ui.statusCode).toBe(204);
    expect(ui.headers['access-control-allow-headers']).toContain('x-namespace');
    expect((await preflight('https://elsewhere.example')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a tampered payload without echoing it, and does not exist unless the server is built with it', async () => {
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload('secret')]);
    const tampered = wire(sealed!);
    tampered.data = Buffer.from(Buffer.from(tampered.data, 'base64').map((b, i) => (i === 20 ? b ^ 1 : b))).toString('base64');
    const refused = await withCodec.inject({ method: 'POST', url: '/codec/decode', payload: { payloads: [tampered] } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: { code: 'payload-not-decodable' } });
    expect(refused.body).not.toContain(tampered.data);
    expect((await withoutCodec.inject({ method: 'POST', url: '/codec/decode', payload: { payloads: [wire(sealed!)] } })).statusCode).toBe(404);
  });

  it('is left out of the OpenAPI document', async () => {
    const document = (await withCodec.inject({ method: 'GET', url: '/v1/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths).some((path) => path.startsWith('/codec'))).toBe(false);
  });
});
