/**
 * OpenID Connect access tokens at the API (shared/API.md, "Sign-in and tokens"): the configured
 * issuer's RS256 and ES256 tokens are accepted with roles from the mapped group claim; a token from
 * another issuer, for another audience, outside its validity or valid for more than 12 hours gets 401.
 * The issuers here are real HTTP servers publishing a discovery document and a JWKS of keys generated
 * for the test; the tokens are minted with jose.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, mintToken } from '../../api/auth.js';
import { createOidcVerifier } from '../../api/oidc.js';
import { loadOidcConfig, type OidcConfig } from '../../api/oidc-config.js';
import { buildApiServer } from '../../api/server.js';
import { createProgramClient } from '../../client/programs.js';
import { testDatabaseUrl } from '../integration/harness.js';

const AUDIENCE = 'urn:lap:api';
const SECRET = 's'.repeat(40);

interface Issuer {
  url: string;
  rsa: CryptoKey;
  ec: CryptoKey;
  server: Server;
  /** How many times its JWKS was fetched. */
  jwksFetches: number;
}

/** A real issuer: discovery document and JWKS over HTTP, keys of its own. */
async function startIssuer(): Promise<Issuer> {
  const rsa = await generateKeyPair('RS256', { extractable: true });
  const ec = await generateKeyPair('ES256', { extractable: true });
  const keys = [
    { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
  ];
  const issuer: Issuer = { url: '', rsa: rsa.privateKey, ec: ec.privateKey, server: createServer(), jwksFetches: 0 };
  issuer.server.on('request', (request, response) => {
    response.setHeader('content-type', 'application/json');
    if (request.url === '/.well-known/openid-configuration')
      response.end(JSON.stringify({ issuer: issuer.url, jwks_uri: `${issuer.url}/jwks` }));
    else if (request.url === '/jwks') {
      issuer.jwksFetches += 1;
      response.end(JSON.stringify({ keys }));
    } else response.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => issuer.server.listen(0, '127.0.0.1', resolve));
  issuer.url = `http://127.0.0.1:${(issuer.server.address() as AddressInfo).port}`;
  return issuer;
}

interface TokenOptions {
  alg?: 'RS256' | 'ES256';
  sub?: string;
  iss?: string;
  aud?: string;
  claims?: JWTPayload;
  iat?: number | null;
  exp?: number;
  nbf?: number;
}

const now = (): number => Math.floor(Date.now() / 1000);

function tokenFrom(
  issuer: Issuer,
  {
    alg = 'RS256',
    sub = 'hr-0001',
    iss = issuer.url,
    aud = AUDIENCE,
    claims = {},
    iat = now(),
    exp = now() + 3600,
    nbf,
  }: TokenOptions = {},
): Promise<string> {
  const jwt = new SignJWT({ groups: ['lap-hr'], ...claims })
    .setProtectedHeader({ alg, kid: alg === 'RS256' ? 'rsa-1' : 'ec-1', typ: 'at+jwt' })
    .setSubject(sub)
    .setIssuer(iss)
    .setAudience(aud)
    .setExpirationTime(exp);
  if (iat !== null) jwt.setIssuedAt(iat);
  if (nbf !== undefined) jwt.setNotBefore(nbf);
  return jwt.sign(alg === 'RS256' ? issuer.rsa : issuer.ec);
}

let trusted: Issuer;
let stranger: Issuer;
let db: pg.Pool;
let app: FastifyInstance;
let config: OidcConfig;

beforeAll(async () => {
  [trusted, stranger] = await Promise.all([startIssuer(), startIssuer()]);
  config = loadOidcConfig({
    OIDC_ISSUER: trusted.url,
    OIDC_AUDIENCE: AUDIENCE,
    OIDC_ROLE_MAP: JSON.stringify({ 'lap-hr': 'hr', 'lap-supervisors': ['supervisor'], 'lap-managers': ['supervisor', 'program-manager'] }),
  })!;
  db = new pg.Pool({ connectionString: testDatabaseUrl, max: 2 });
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' }) });
  app = await buildApiServer({
    programs: createProgramClient({ client: temporal }),
    db,
    temporal,
    authSecret: SECRET,
    oidc: createOidcVerifier(config),
  });
});

afterAll(async () => {
  await app?.close();
  await db?.end();
  for (const issuer of [trusted, stranger]) issuer?.server.close();
});

const me = (token: string) => app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } });

describe('tokens of the configured OpenID Connect issuer', () => {
  it('accepts RS256 and ES256 access tokens, with roles from the mapped group claim', async () => {
    const rs = await me(await tokenFrom(trusted));
    expect(rs.statusCode).toBe(200);
    expect(rs.json()).toEqual({ sub: 'hr-0001', roles: ['hr'] });
    const es = await me(
      await tokenFrom(trusted, { alg: 'ES256', sub: 'pm-0001', claims: { groups: ['lap-managers', 'someone-elses-group'] } }),
    );
    expect(es.statusCode).toBe(200);
    expect(es.json()).toEqual({ sub: 'pm-0001', roles: ['supervisor', 'program-manager'] });
  });

  it('fetches the JWKS once for many tokens', async () => {
    expect((await me(await tokenFrom(trusted))).statusCode).toBe(200);
    const before = trusted.jwksFetches;
    for (let i = 0; i < 5; i += 1) expect((await me(await tokenFrom(trusted))).statusCode).toBe(200);
    expect(trusted.jwksFetches).toBe(before);
  });

  it('carries the agencies claim to the principal, and refuses one that is not a list of agency codes', async () => {
    const principal = await authenticate(
      `Bearer ${await tokenFrom(trusted, { claims: { agencies: ['DOL', 'OPM'] } })}`,
      SECRET,
      createOidcVerifier(config),
    );
    expect(principal).toEqual({ id: 'hr-0001', roles: ['hr'], agencies: ['DOL', 'OPM'] });
    const bad = await me(await tokenFrom(trusted, { claims: { agencies: 'DOL; DROP TABLE' } }));
    expect(bad.statusCode).toBe(401);
  });

  it('takes the person from another claim when configured (a provider whose sub is opaque)', async () => {
    const byEmployeeId = createOidcVerifier({ ...config, subjectClaim: 'employee_id' });
    const token = await tokenFrom(trusted, { sub: 'opaque-3f9a', claims: { employee_id: 'sup-0042', groups: ['lap-supervisors'] } });
    expect(await authenticate(`Bearer ${token}`, SECRET, byEmployeeId)).toEqual({ id: 'sup-0042', roles: ['supervisor'] });
    const without = await tokenFrom(trusted, { sub: 'opaque-3f9a' });
    await expect(authenticate(`Bearer ${without}`, SECRET, byEmployeeId)).rejects.toMatchObject({ statusCode: 401 });
  });

  it('gives a token whose groups the mapping does not name no rights (403), not a 401', async () => {
    const response = await me(await tokenFrom(trusted, { claims: { groups: ['everyone'] } }));
    expect(response.statusCode).toBe(403);
  });

  it('answers 401 to a token from another issuer, even one that names the trusted issuer', async () => {
    const foreign = await me(await tokenFrom(stranger));
    expect(foreign.statusCode).toBe(401);
    expect(foreign.json()).toMatchObject({ error: { code: 'invalid-token' } });
    // Signed by the stranger's key under the same key id, claiming to be the trusted issuer.
    expect((await me(await tokenFrom(stranger, { iss: trusted.url }))).statusCode).toBe(401);
    // The trusted issuer's key, but another issuer's name.
    expect((await me(await tokenFrom(trusted, { iss: stranger.url }))).statusCode).toBe(401);
  });

  it('answers 401 to a token for another audience', async () => {
    const response = await me(await tokenFrom(trusted, { aud: 'urn:some-other:api' }));
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers 401 outside the validity period, and to a lifetime over 12 hours', async () => {
    const expired = await me(await tokenFrom(trusted, { iat: now() - 7200, exp: now() - 3600 }));
    expect(expired.json()).toMatchObject({ error: { code: 'token-expired' } });
    expect((await me(await tokenFrom(trusted, { nbf: now() + 3600 }))).statusCode).toBe(401);
    expect((await me(await tokenFrom(trusted, { exp: now() + 13 * 3600 }))).statusCode).toBe(401);
    // Without iat the lifetime counts from now: the year 5000 is refused.
    expect((await me(await tokenFrom(trusted, { iat: null, exp: Date.UTC(5000, 0, 1) / 1000 }))).statusCode).toBe(401);
    expect((await me(await tokenFrom(trusted, { iat: now(), exp: now() + 12 * 3600 }))).statusCode).toBe(200);
  });

  it('keeps HS256 service-account tokens working, and never checks an HS256 token against the issuer’s keys', async () => {
    const service = await mintToken(SECRET, { sub: 'hris-import', roles: ['hr'], ttl: '1h' });
    expect((await me(service)).json()).toEqual({ sub: 'hris-import', roles: ['hr'] });
    // HS256 "signed" with the issuer's public key as the secret: the shared-secret path refuses it.
    const jwks = (await (await fetch(`${trusted.url}/jwks`)).json()) as { keys: { n: string }[] };
    const confused = await new SignJWT({ roles: ['hr'], groups: ['lap-hr'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('hr-0001')
      .setIssuer(trusted.url)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(jwks.keys[0]!.n));
    expect((await me(confused)).statusCode).toBe(401);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'hr-0001', groups: ['lap-hr'], iss: trusted.url, aud: AUDIENCE, exp: now() + 60 })).toString('base64url')}.`;
    expect((await me(unsigned)).statusCode).toBe(401);
  });
});

describe('the web UI with an OpenID Connect client', () => {
  it('tells the sign-in page about the provider, and lets the page talk to the issuer’s origin only', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lap-ui-'));
    await writeFile(join(root, 'index.html'), '<!doctype html><title>UI</title>');
    const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' }) });
    const withUi = await buildApiServer({
      programs: createProgramClient({ client: temporal }),
      db,
      temporal,
      authSecret: SECRET,
      oidc: createOidcVerifier(config),
      ui: { root, developmentSignIn: false, oidc: { ...config, clientId: 'lap-web-ui', providerName: 'State account' } },
    });
    try {
      expect((await withUi.inject({ url: '/ui-config.json' })).json()).toEqual({
        developmentSignIn: false,
        oidc: { issuer: trusted.url, clientId: 'lap-web-ui', providerName: 'State account', scope: 'openid profile' },
      });
      const policy = String((await withUi.inject({ url: '/sign-in' })).headers['content-security-policy']);
      expect(policy).toContain(`connect-src 'self' ${trusted.url};`);
      // Without a client id the UI offers no provider sign-in.
      expect((await app.inject({ url: '/ui-config.json' })).json()).not.toHaveProperty('oidc');
    } finally {
      await withUi.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('the OpenID Connect configuration', () => {
  it('is off without an issuer, and names each bad variable', () => {
    expect(loadOidcConfig({})).toBeUndefined();
    expect(() => loadOidcConfig({ OIDC_ISSUER: 'https://idp.example' })).toThrow(
      /OIDC_AUDIENCE: is required when OIDC_ISSUER is set[\s\S]*OIDC_ROLE_MAP: is required/,
    );
    expect(() => loadOidcConfig({ OIDC_ISSUER: 'https://idp.example', OIDC_AUDIENCE: 'api', OIDC_ROLE_MAP: '{lap-hr: hr}' })).toThrow(
      /OIDC_ROLE_MAP: must be a JSON object/,
    );
    expect(() =>
      loadOidcConfig({ OIDC_ISSUER: 'https://idp.example', OIDC_AUDIENCE: 'api', OIDC_ROLE_MAP: '{"lap-hr": "admin"}' }),
    ).toThrow(/OIDC_ROLE_MAP/);
    expect(() => loadOidcConfig({ OIDC_ISSUER: 'not a url', OIDC_AUDIENCE: 'api', OIDC_ROLE_MAP: '{}' })).toThrow(/OIDC_ISSUER/);
    // Keys fetched over plain http could be anyone's: only a provider on this machine may use it.
    expect(() => loadOidcConfig({ OIDC_ISSUER: 'http://idp.agency.example', OIDC_AUDIENCE: 'api', OIDC_ROLE_MAP: '{}' })).toThrow(
      /OIDC_ISSUER: must use https/,
    );
    expect(loadOidcConfig({ OIDC_ISSUER: 'https://idp.agency.example', OIDC_AUDIENCE: 'api', OIDC_ROLE_MAP: '{}' })?.issuer).toBe(
      'https://idp.agency.example',
    );
  });
});
