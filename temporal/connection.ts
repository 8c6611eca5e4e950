/**
 * Where Temporal is and how to reach it, the Temporal way (@temporalio/envconfig): a profile from
 * the TOML file (TEMPORAL_CONFIG_FILE, or the per-user default temporal.toml) chosen by
 * TEMPORAL_PROFILE, overridden by TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY and
 * TEMPORAL_TLS_* in the environment. The worker, the API and the CLI all connect through this one
 * function, so the same build talks to the dev server, a self-hosted cluster with mTLS, or
 * Temporal Cloud. With nothing configured: the dev server at 127.0.0.1:7233, namespace "default".
 */
import type { ConnectionOptions } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';

export interface TemporalTarget {
  address: string;
  namespace: string;
  /** For NativeConnection.connect (the worker) and Connection.connect/lazy (clients) alike. */
  connectionOptions: NativeConnectionOptions & ConnectionOptions & { address: string };
  /** How the target is reached, for logs: never the key or the certificates themselves. */
  describe(): string;
}

export function loadTemporalTarget(env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  const overrideEnvVars = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars });
  } catch (error) {
    const where = env.TEMPORAL_CONFIG_FILE ? ` (TEMPORAL_CONFIG_FILE=${env.TEMPORAL_CONFIG_FILE})` : '';
    throw new Error(`invalid Temporal connection configuration${where}: ${(error as Error).message}`, { cause: error });
  }
  const { address, apiKey, tls, metadata } = loaded.connectionOptions;
  const target = {
    address: address ?? DEFAULT_TEMPORAL_ADDRESS,
    namespace: loaded.namespace ?? DEFAULT_TEMPORAL_NAMESPACE,
  };
  const connectionOptions = {
    address: target.address,
    ...(tls !== undefined ? { tls } : {}),
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
  } as TemporalTarget['connectionOptions'];
  const security =
    apiKey !== undefined ? 'TLS with an API key' : tls ? (typeof tls === 'object' && tls.clientCertPair ? 'mTLS' : 'TLS') : 'plaintext';
  return {
    ...target,
    connectionOptions,
    describe: () =>
      `${target.address} (namespace "${target.namespace}", ${security}${env.TEMPORAL_PROFILE ? `, profile "${env.TEMPORAL_PROFILE}"` : ''})`,
  };
}
