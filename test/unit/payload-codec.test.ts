/**
 * The payload codec that seals what the programs put into Temporal: what goes in comes back out,
 * nothing of it is readable on the way, a tampered payload is refused, and keys rotate.
 */
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { EncryptionCodec, ENCRYPTED_ENCODING, parseEncryptionKeys } from '../../temporal/payload-codec.js';
import { loadConfig, loadServerConfig } from '../../config/index.js';

const keySpec = (id: string): string => `${id}:${randomBytes(32).toString('base64')}`;
const enrollment = { trainee: { employeeId: 'E1001', name: 'Dana Rivera', email: 'dana.rivera@example.ct.gov' }, agency: 'OPM' };
const payloadOf = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const decoded = (payload: Payload | undefined): unknown => defaultPayloadConverter.fromPayload(payload as Payload);

describe('the payload codec', () => {
  it('gives back what it sealed, and shows none of it on the way', async () => {
    const codec = new EncryptionCodec(parseEncryptionKeys(keySpec('k1')));
    const [sealed] = await codec.encode([payloadOf(enrollment)]);
    expect(new TextDecoder().decode(sealed?.metadata?.encoding ?? undefined)).toBe(ENCRYPTED_ENCODING);
    const bytes = Buffer.from(sealed?.data ?? new Uint8Array());
    for (const secret of ['Dana Rivera', 'dana.rivera', 'json/plain']) expect(bytes.includes(secret), secret).toBe(false);
    expect(decoded((await codec.decode([sealed as Payload]))[0])).toEqual(enrollment);
    // A fresh IV each time: the same value never seals to the same bytes.
    const [again] = await codec.encode([payloadOf(enrollment)]);
    expect(Buffer.from(again?.data ?? new Uint8Array()).equals(bytes)).toBe(false);
  });

  it('refuses a payload whose bytes or key id were changed', async () => {
    const keys = parseEncryptionKeys(`${keySpec('k1')},${keySpec('k2')}`);
    const codec = new EncryptionCodec(keys);
    const [sealed] = await codec.encode([payloadOf(enrollment)]);
    const data = Buffer.from(sealed?.data ?? new Uint8Array());
    data[data.length - 1] = (data[data.length - 1] ?? 0) ^ 1;
    await expect(codec.decode([{ ...sealed, data: new Uint8Array(data) }])).rejects.toThrow();
    const relabelled = { ...sealed, metadata: { ...sealed?.metadata, 'encryption-key-id': new TextEncoder().encode('k2') } };
    await expect(codec.decode([relabelled])).rejects.toThrow();
  });

  it('rotates keys: the first key seals, the others still open what they sealed, an unknown key is named', async () => {
    const [oldKey, newKey] = [keySpec('2025'), keySpec('2026')];
    const [sealedBefore] = await new EncryptionCodec(parseEncryptionKeys(oldKey)).encode([payloadOf(enrollment)]);
    const rotated = new EncryptionCodec(parseEncryptionKeys(`${newKey},${oldKey}`));
    expect(decoded((await rotated.decode([sealedBefore as Payload]))[0])).toEqual(enrollment);
    const [sealedAfter] = await rotated.encode([payloadOf(enrollment)]);
    expect(new TextDecoder().decode(sealedAfter?.metadata?.['encryption-key-id'] ?? undefined)).toBe('2026');
    await expect(new EncryptionCodec(parseEncryptionKeys(oldKey)).decode([sealedAfter as Payload])).rejects.toThrow('no key "2026"');
  });

  it('passes through payloads written before encryption, so recorded histories replay', async () => {
    const plain = payloadOf(enrollment);
    const codec = new EncryptionCodec(parseEncryptionKeys(keySpec('k1')));
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('names a malformed key by its position and never prints it', () => {
    const short = `k1:${randomBytes(16).toString('base64')}`;
    expect(() => parseEncryptionKeys(short)).toThrow('key 1 ("k1"): must be 32 bytes (AES-256), base64-encoded; it has 16');
    expect(() => parseEncryptionKeys(`${keySpec('a')},no-colon`)).toThrow(/^key 2: must be written id:base64/);
    expect(() => parseEncryptionKeys(`${keySpec('a')},${keySpec('a')}`)).toThrow('key ids must be unique');
    let message = '';
    try {
      loadConfig({ PAYLOAD_ENCRYPTION_KEYS: short });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('PAYLOAD_ENCRYPTION_KEYS: key 1 ("k1"): must be 32 bytes');
    expect(message).not.toContain(short.slice(3));
  });

  it('is required by a server in production, and falls back to the development key elsewhere', () => {
    const secrets = { AUTH_JWT_SECRET: 'x'.repeat(32), IMPORT_ID_SECRET: 'y'.repeat(32) };
    expect(() => loadServerConfig(secrets)).toThrow('PAYLOAD_ENCRYPTION_KEYS: is required in production');
    expect(loadServerConfig({ ...secrets, PAYLOAD_ENCRYPTION_KEYS: keySpec('prod-1') }).development).toBe(false);
    expect(loadServerConfig({ APP_ENV: 'development' }).usingDevelopmentPayloadKey).toBe(true);
    expect(loadConfig({}).usingDevelopmentPayloadKey).toBe(true);
    expect(loadConfig({ PAYLOAD_ENCRYPTION_KEYS: keySpec('prod-1') }).payloadKeys.map((k) => k.id)).toEqual(['prod-1']);
  });
});
