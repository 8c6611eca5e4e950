/**
 * The codec endpoint the Temporal Web UI and CLI decode payloads through (api/codec.ts): Temporal's
 * remote codec protocol, an hr or auditor token, CORS for the configured Web UI only, every decode
 * recorded for auditors, and nothing at all unless the server is built with it.
 */
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken, type ApiRole } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import { DEVELOPMENT_PAYLOAD_KEYS, EncryptionCodec, parseEncryptionKeys } from '../../temporal/payload-codec.js';
import { createProgramClient } from '../../client/programs.js';
import { createScratchDatabase, type ScratchDatabase } from '../integration/harness.js';

const WEB_UI = 'http://127.0.0.1:8233';
const SECRET = 'x'.repeat(32);
const codec = new EncryptionCodec(parseEncryptionKeys(DEVELOPMENT_PAYLOAD_KEYS));
let scratch: ScratchDatabase;
let withCodec: FastifyInstance;
let withoutCodec: FastifyInstance;
const bearer = async (sub: string, role: ApiRole) => `Bearer ${await mintToken(SECRET, { sub, roles: [role], ttl: '1h' })}`;

beforeAll(async () => {
  scratch = await createScratchDatabase('codec');
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' }) });
  const base = { programs: createProgramClient({ client: temporal }), db: scratch.pool, temporal, authSecret: SECRET };
  [withCodec, withoutCodec] = await Promise.all([buildApiServer({ ...base, codec: { codec, origins: [WEB_UI] } }), buildApiServer(base)]);
});

afterAll(async () => {
  await Promise.all([withCodec?.close(), withoutCodec?.close()]);
  await scratch?.drop();
});

const wire = (payload: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
});

describe('the codec endpoint', () => {
  it('decodes sealed payloads for the Web UI, in the remote codec protocol, and records who decoded what', async () => {
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload({ trainee: { name: 'Dana Rivera' } })]);
    const response = await withCodec.inject({
      method: 'POST',
      url: '/codec/decode',
      headers: {
        origin: WEB_UI,
        'x-namespace': 'default',
        'x-workflow-id': 'development-program-p-codec-test',
        authorization: await bearer('aud-0042', 'auditor'),
      },
      payload: { payloads: [wire(sealed!)] },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(WEB_UI);
    const [opened] = (response.json() as { payloads: { metadata: Record<string, string>; data: string }[] }).payloads;
    expect(Buffer.from(opened?.metadata.encoding ?? '', 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(opened?.data ?? '', 'base64').toString())).toEqual({ trainee: { name: 'Dana Rivera' } });

    const log = await withCodec.inject({
      url: '/v1/codec-decodes?workflowId=development-program-p-codec-test',
      headers: { authorization: await bearer('aud-0001', 'auditor') },
    });
    expect(log.statusCode).toBe(200);
    expect(log.json()).toMatchObject({
      items: [
        {
          actor: { id: 'aud-0042', role: 'auditor' },
          namespace: 'default',
          workflowId: 'development-program-p-codec-test',
          payloads: 1,
          origin: WEB_UI,
        },
      ],
    });
    expect(
      (await withCodec.inject({ url: '/v1/codec-decodes', headers: { authorization: await bearer('sup-0001', 'supervisor') } })).statusCode,
    ).toBe(403);
  });

  it('answers 401 without a token and 403 to a role that may not read personal data', async () => {
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload('Dana Rivera')]);
    const ask = (authorization?: string) =>
      withCodec.inject({
        method: 'POST',
        url: '/codec/decode',
        headers: authorization ? { authorization } : {},
        payload: { payloads: [wire(sealed!)] },
      });
    const without = await ask();
    expect(without.statusCode).toBe(401);
    expect(without.body).not.toContain('Dana');
    expect((await ask(await bearer('sup-0001', 'supervisor'))).statusCode).toBe(403);
    expect((await ask(await bearer('hr-0001', 'hr'))).statusCode).toBe(200);
  });

  it('answers the Web UI’s preflight, and no other origin', async () => {
    const preflight = (origin: string) =>
      withCodec.inject({
        method: 'OPTIONS',
        url: '/codec/decode',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
      });
    const ui = await preflight(WEB_UI);
    expect(ui.statusCode).toBe(204);
    expect(ui.headers['access-control-allow-origin']).toBe(WEB_UI);
    expect(ui.headers['access-control-allow-headers']).toContain('x-namespace');
    expect(ui.headers['access-control-allow-headers']).toContain('authorization');
    expect((await preflight('https://elsewhere.example')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a tampered payload without echoing it, and does not exist unless the server is built with it', async () => {
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload('secret')]);
    const tampered = wire(sealed!);
    tampered.data = Buffer.from(Buffer.from(tampered.data, 'base64').map((b, i) => (i === 20 ? b ^ 1 : b))).toString('base64');
    const refused = await withCodec.inject({
      method: 'POST',
      url: '/codec/decode',
      headers: { authorization: await bearer('hr-0001', 'hr') },
      payload: { payloads: [tampered] },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: { code: 'payload-not-decodable' } });
    expect(refused.body).not.toContain(tampered.data);
    expect((await withoutCodec.inject({ method: 'POST', url: '/codec/decode', payload: { payloads: [wire(sealed!)] } })).statusCode).toBe(
      404,
    );
  });

  it('is left out of the OpenAPI document; the decode log is in it', async () => {
    const document = (await withCodec.inject({ method: 'GET', url: '/v1/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths).some((path) => path.startsWith('/codec'))).toBe(false);
    expect(Object.keys(document.paths)).toContain('/v1/codec-decodes');
  });
});
