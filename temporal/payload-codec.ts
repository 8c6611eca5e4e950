/**
 * Encryption of everything the programs put into Temporal: workflow inputs, Update arguments and
 * results, query results, activity inputs and outputs. The enrollment carries the trainee's name
 * and e-mail address, and Temporal keeps every payload in its history (and shows it in its Web
 * UI), so each payload is sealed with AES-256-GCM before it leaves the process and opened when it
 * comes back. Search attributes are not payloads and hold no personal data.
 *
 * Keys have ids: the first key encrypts, every key listed decrypts, so a key is rotated by putting
 * the new one first and keeping the old ones until no history needs them. A payload written before
 * encryption (no `binary/encrypted` encoding) passes through unchanged, so recorded histories
 * still replay.
 *
 * The codec runs in the client and the worker process, never in the workflow sandbox.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface EncryptionKey {
  id: string;
  /** 32 bytes: AES-256. */
  key: Buffer;
}

/**
 * Opens the payloads of a developer's machine only: with NODE_ENV=production an unset
 * PAYLOAD_ENCRYPTION_KEYS is refused rather than falling back to this published key.
 */
export const DEVELOPMENT_PAYLOAD_KEYS = 'dev-2026:ZGV2LW9ubHktcGF5bG9hZC1rZXktbm90LXNlY3JldCE=';

const KEY_SPEC = /^([A-Za-z0-9._-]{1,64}):([A-Za-z0-9+/_-]+={0,2})$/;

/**
 * `id:base64key[,id:base64key…]`, the encrypting key first. Errors name the entry by position,
 * never its value.
 */
export function parseEncryptionKeys(spec: string): EncryptionKey[] {
  const entries = spec.split(',').map((entry) => entry.trim());
  const keys = entries.map((entry, index) => {
    const match = KEY_SPEC.exec(entry);
    if (!match) throw new Error(`key ${index + 1}: must be written id:base64 (id of letters, digits, ".", "_" or "-")`);
    const key = Buffer.from(match[2] ?? '', 'base64');
    if (key.length !== 32)
      throw new Error(`key ${index + 1} ("${match[1] ?? ''}"): must be 32 bytes (AES-256), base64-encoded; it has ${key.length}`);
    return { id: match[1] ?? '', key };
  });
  const ids = new Set(keys.map((k) => k.id));
  if (ids.size !== keys.length) throw new Error('key ids must be unique');
  return keys;
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const textOf = (bytes: Uint8Array | null | undefined): string => new TextDecoder().decode(bytes ?? new Uint8Array());

/** A payload as bytes: its metadata and data, so that both are sealed. */
function serialize(payload: Payload): Buffer {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([name, value]) => [name, Buffer.from(value).toString('base64')]),
  );
  return Buffer.from(JSON.stringify({ metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') }));
}

function deserialize(bytes: Buffer): Payload {
  const { metadata, data } = JSON.parse(bytes.toString('utf8')) as { metadata: Record<string, string>; data: string };
  return {
    metadata: Object.fromEntries(Object.entries(metadata).map(([name, value]) => [name, new Uint8Array(Buffer.from(value, 'base64'))])),
    data: new Uint8Array(Buffer.from(data, 'base64')),
  };
}

export class EncryptionCodec implements PayloadCodec {
  private readonly current: EncryptionKey;
  private readonly byId: Map<string, EncryptionKey>;

  constructor(keys: readonly EncryptionKey[]) {
    const [current] = keys;
    if (!current) throw new Error('at least one encryption key is needed');
    this.current = current;
    this.byId = new Map(keys.map((k) => [k.id, k]));
  }

  // Async, so that a failure rejects rather than throws.
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      // The key id is authenticated with the data: a payload cannot be passed off under another key.
      cipher.setAAD(text(this.current.id));
      const sealed = Buffer.concat([cipher.update(serialize(payload)), cipher.final()]);
      return {
        metadata: { encoding: text(ENCRYPTED_ENCODING), [KEY_ID]: text(this.current.id) },
        data: new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), sealed])),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (textOf(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload; // written before encryption
      const keyId = textOf(payload.metadata?.[KEY_ID]);
      const key = this.byId.get(keyId);
      if (!key) throw new Error(`no key "${keyId}" among PAYLOAD_ENCRYPTION_KEYS: the payload cannot be decrypted`);
      const bytes = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', key.key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(text(keyId));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return deserialize(Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]));
    });
  }
}

/** The data converter of every client and worker of the programs. */
export function encryptingDataConverter(keys: readonly EncryptionKey[]): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys)] };
}

/** The development key's converter, for tests and a developer's machine. */
export const developmentDataConverter = (): DataConverter => encryptingDataConverter(parseEncryptionKeys(DEVELOPMENT_PAYLOAD_KEYS));
