/**
 * The API remembers the bearer tokens it has verified (api/auth.ts, createAuthenticator), so a
 * client's next request with the same token skips the signature check. Remembering changes no
 * answer: a remembered token stops working at its `exp` as a fresh one would, an issuer's token is
 * checked again after a minute, a refused token is refused every time, and no request can change
 * the principal another request of the same token gets.
 */
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OIDC_VERIFIED_FOR_MS, createAuthenticator, mintToken } from '../../api/auth.js';
import type { OidcIdentity, OidcVerifier } from '../../api/oidc.js';

const SECRET = 'a'.repeat(40);
const bearer = (token: string): string => `Bearer ${token}`;

afterEach(() => {
  vi.useRealTimers();
});

describe('a remembered token', () => {
  it('answers as verifying it again would, until its exp, then 401 token-expired', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 30, 12), toFake: ['Date'] });
    const authenticate = createAuthenticator(SECRET);
    const token = await mintToken(SECRET, { sub: 'sup-0001', roles: ['supervisor'], ttl: '60s' });
    expect(await authenticate(bearer(token))).toEqual({ id: 'sup-0001', roles: ['supervisor'] });
    vi.setSystemTime(Date.UTC(2026, 10, 30, 12) + 59_999);
    expect(await authenticate(bearer(token))).toEqual({ id: 'sup-0001', roles: ['supervisor'] });
    vi.setSystemTime(Date.UTC(2026, 10, 30, 12) + 60_000);
    await expect(authenticate(bearer(token))).rejects.toMatchObject({ statusCode: 401, code: 'token-expired' });
  });

  it('is refused every time when it was refused once: a bad signature is never remembered', async () => {
    const authenticate = createAuthenticator(SECRET);
    const forged = await mintToken('b'.repeat(40), { sub: 'hr-0001', roles: ['hr'], ttl: '1h' });
    for (let i = 0; i < 3; i++) await expect(authenticate(bearer(forged))).rejects.toMatchObject({ code: 'invalid-token' });
    // Before nbf: refused, and still refused while nbf is ahead.
    const early = await new SignJWT({ roles: ['hr'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('hr-0001')
      .setIssuedAt()
      .setNotBefore('10m')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    for (let i = 0; i < 2; i++) await expect(authenticate(bearer(early))).rejects.toMatchObject({ statusCode: 401 });
  });

  it('gives every request the same principal, which none of them can change', async () => {
    const authenticate = createAuthenticator(SECRET);
    const token = await mintToken(SECRET, { sub: 'hr-0001', roles: ['hr'], ttl: '1h', agencies: ['OPM'] });
    const first = await authenticate(bearer(token));
    expect(() => (first.roles as string[]).push('das')).toThrow();
    expect(() => (first.agencies as string[]).push('DOL')).toThrow();
    expect(() => Object.assign(first, { id: 'das-0001' })).toThrow();
    expect(await authenticate(bearer(token))).toEqual({ id: 'hr-0001', roles: ['hr'], agencies: ['OPM'] });
  });

  it("of an issuer is checked with the issuer's keys again after a minute, and not past its exp", async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 30, 12), toFake: ['Date'] });
    const verified: string[] = [];
    const oidc: OidcVerifier = {
      issuer: 'https://idp.test',
      verify: (token) => {
        verified.push(token);
        return Promise.resolve<OidcIdentity>({ sub: 'sup-0002', roles: ['supervisor'] });
      },
    };
    const issued = async (lifetimeSeconds: number): Promise<string> => {
      const { privateKey } = await import('jose').then((jose) => jose.generateKeyPair('ES256'));
      return new SignJWT({})
        .setProtectedHeader({ alg: 'ES256' })
        .setSubject('sup-0002')
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds)
        .sign(privateKey);
    };
    const authenticate = createAuthenticator(SECRET, oidc);
    const hourLong = await issued(3600);
    await authenticate(bearer(hourLong));
    await authenticate(bearer(hourLong));
    expect(verified).toHaveLength(1);
    vi.setSystemTime(Date.UTC(2026, 10, 30, 12) + OIDC_VERIFIED_FOR_MS);
    await authenticate(bearer(hourLong));
    expect(verified).toHaveLength(2);

    // A token with 20 s left is remembered for those 20 s only, whatever skew the issuer's check allows.
    const shortLived = await issued(20);
    await authenticate(bearer(shortLived));
    vi.setSystemTime(Date.now() + 20_000);
    await authenticate(bearer(shortLived));
    expect(verified.filter((token) => token === shortLived)).toHaveLength(2);
  });
});
