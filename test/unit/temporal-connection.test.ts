/** How the worker, the API and the CLI find Temporal: envconfig profiles and TEMPORAL_* variables. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemporalTarget } from '../../temporal/connection.js';
import { loadConfig } from '../../config/index.js';

async function tomlFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'envconfig-'));
  const path = join(dir, 'temporal.toml');
  await writeFile(path, text);
  return path;
}

// No HOME: the per-user default file of the machine running the tests must not leak in.
const bare = { HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent' };

describe('the Temporal connection', () => {
  it('defaults to the local dev server and namespace "default", in plaintext', () => {
    const target = loadTemporalTarget(bare);
    expect(target).toMatchObject({ address: '127.0.0.1:7233', namespace: 'default', connectionOptions: { address: '127.0.0.1:7233' } });
    expect(target.connectionOptions.tls).toBeUndefined();
    expect(target.describe()).toContain('plaintext');
  });

  it('takes TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE from the environment, as before', () => {
    const target = loadTemporalTarget({ ...bare, TEMPORAL_ADDRESS: '127.0.0.1:17233', TEMPORAL_NAMESPACE: 'lap' });
    expect(target).toMatchObject({ address: '127.0.0.1:17233', namespace: 'lap' });
    expect(loadConfig({ ...bare, TEMPORAL_ADDRESS: '10.0.0.5:7233' }).temporal.address).toBe('10.0.0.5:7233');
  });

  it('reads a named profile of a TOML file with mTLS client certificates, and the environment still overrides it', async () => {
    const file = await tomlFile(`
[profile.cluster]
address = "temporal.agency.example:7233"
namespace = "lap-production"
[profile.cluster.tls]
client_cert_data = "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----"
client_key_data = "-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----"
server_name = "temporal.agency.example"
`);
    const target = loadTemporalTarget({ ...bare, TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cluster' });
    expect(target).toMatchObject({ address: 'temporal.agency.example:7233', namespace: 'lap-production' });
    expect(target.connectionOptions.tls).toMatchObject({
      serverNameOverride: 'temporal.agency.example',
      clientCertPair: { crt: expect.any(Uint8Array), key: expect.any(Uint8Array) },
    });
    expect(target.describe()).toContain('mTLS');
    expect(target.describe()).not.toContain('BEGIN');

    const overridden = loadTemporalTarget({
      ...bare,
      TEMPORAL_CONFIG_FILE: file,
      TEMPORAL_PROFILE: 'cluster',
      TEMPORAL_NAMESPACE: 'lap-staging',
    });
    expect(overridden).toMatchObject({ address: 'temporal.agency.example:7233', namespace: 'lap-staging' });
  });

  it('turns TLS on for an API key (Temporal Cloud) and never prints the key', () => {
    const target = loadTemporalTarget({
      ...bare,
      TEMPORAL_ADDRESS: 'lap.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'lap.a1b2c',
      TEMPORAL_API_KEY: 'secret-key-value',
    });
    expect(target.connectionOptions).toMatchObject({ apiKey: 'secret-key-value', tls: true });
    expect(target.describe()).toContain('API key');
    expect(target.describe()).not.toContain('secret-key-value');
  });

  it('refuses a profile that the file does not have, naming the file', async () => {
    const file = await tomlFile('[profile.default]\naddress = "127.0.0.1:7233"\n');
    expect(() => loadTemporalTarget({ ...bare, TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'nope' })).toThrow(
      /TEMPORAL_CONFIG_FILE=.*nope|nope.*TEMPORAL_CONFIG_FILE/s,
    );
  });
});
