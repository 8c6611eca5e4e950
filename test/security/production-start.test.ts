/**
 * The API started the way production starts it: `api/main.ts` in a process of its own, with no
 * APP_ENV. It refuses a published secret or key by name before it serves anything; with secrets of
 * its own it serves no development route, and /codec answers 401 without a token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_PAYLOAD_KEYS } from '../../temporal/payload-codec.js';
import { DEVELOPMENT_IMPORT_ID_SECRET, DEVELOPMENT_JWT_SECRET } from '../../config/index.js';
import { createScratchDatabase, type ScratchDatabase } from '../integration/harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

let scratch: ScratchDatabase;
const started: ChildProcess[] = [];

/** What production sets: secrets of its own, and nothing that says development. */
const productionEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DATABASE_URL: scratch.url,
  TEMPORAL_ADDRESS: '127.0.0.1:1',
  API_HOST: '127.0.0.1',
  API_PORT: '0',
  AUTH_JWT_SECRET: randomBytes(32).toString('base64url'),
  IMPORT_ID_SECRET: randomBytes(32).toString('base64url'),
  PAYLOAD_ENCRYPTION_KEYS: `prod-1:${randomBytes(32).toString('base64')}`,
});

function startApi(env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(TSX, ['api/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

beforeAll(async () => {
  scratch = await createScratchDatabase('production_start');
});

afterAll(async () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(started.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
  await scratch?.drop();
});

describe('an API started as production starts it (no APP_ENV)', () => {
  it('refuses to start with a published secret or key, naming the variable', async () => {
    const cases: [string, NodeJS.ProcessEnv][] = [
      ['AUTH_JWT_SECRET', { AUTH_JWT_SECRET: DEVELOPMENT_JWT_SECRET }],
      ['PAYLOAD_ENCRYPTION_KEYS', { PAYLOAD_ENCRYPTION_KEYS: DEVELOPMENT_PAYLOAD_KEYS }],
      ['IMPORT_ID_SECRET', { IMPORT_ID_SECRET: DEVELOPMENT_IMPORT_ID_SECRET }],
    ];
    const unset = productionEnv();
    delete unset.AUTH_JWT_SECRET;
    const runs = [
      ...cases.map(([variable, published]) => ({
        expected: `${variable}: is a published development value`,
        api: startApi({ ...productionEnv(), ...published }),
      })),
      { expected: 'AUTH_JWT_SECRET: is required in production', api: startApi(unset) },
    ];
    for (const { expected, api } of runs) {
      expect(await api.exited).not.toBe(0);
      expect(api.output()).toContain(expected);
    }
  });

  it('serves no development route, and /codec answers 401 without a token', async () => {
    const api = startApi(productionEnv());
    const listening = await new Promise<string>((resolve, reject) => {
      const look = (): void => {
        const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(api.output());
        if (match?.[1]) resolve(match[1]);
      };
      api.child.stdout?.on('data', look);
      void api.exited.then((code) => reject(new Error(`the API exited (${code}):\n${api.output()}`)));
    });
    const minted = await fetch(`${listening}/v1/dev/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'hr-0001', roles: ['hr'] }),
    });
    expect(minted.status).toBe(404);
    expect(await fetch(`${listening}/ui-config.json`).then((r) => r.json())).toEqual({ developmentSignIn: false });
    const decode = await fetch(`${listening}/codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: [] }),
    });
    expect(decode.status).toBe(401);
    expect(await decode.json()).toMatchObject({ error: { code: 'missing-token' } });
    expect(api.output()).not.toContain('development sign-in is on');
  });
});
