/**
 * The cluster profile for tests and the benchmark: scripts/cluster-up.sh brings up a real Temporal
 * server on PostgreSQL (four services as separate processes), program workers and API processes, in a
 * directory and port range of the caller's own; this module drives it (stop or crash a process, start
 * it again) and talks to it (a Temporal client with the cluster's payload key, the event log, tokens).
 */
import { execFile } from 'node:child_process';
import { access, constants, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { mintToken, type ApiRole } from '../../api/auth.js';
import { encryptingDataConverter, parseEncryptionKeys } from '../../temporal/payload-codec.js';
import { testDatabaseUrl } from '../integration/harness.js';
import { dropDatabase } from '../drop-database.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

export interface ClusterOptions {
  /** A name of the caller's own: the directory, the databases and the namespace carry it. */
  name: string;
  /** Ports base+0 to base+99 (scripts/cluster-lib.sh); within 17000-17999. */
  portBase: number;
  workers?: number;
  apis?: number;
  buildId?: string;
}

export interface Cluster {
  dir: string;
  namespace: string;
  buildId: string;
  deploymentName: string;
  apiUrls: string[];
  frontendAddress: string;
  /** What the program processes are started with (cluster.env): the Temporal profile, keys, the database. */
  settings: Record<string, string>;
  client: Client;
  connection: Connection;
  /** The application's database: event log and read models. */
  db: pg.Pool;
  token(sub: string, ...roles: ApiRole[]): Promise<string>;
  /** Stops one process (frontend history matching worker-service worker-N api-N): KILL is a crash. */
  stopProcess(name: string, signal?: 'TERM' | 'KILL'): Promise<void>;
  /** Starts one process again; a program worker optionally on another build. */
  startProcess(name: string, options?: { buildId?: string }): Promise<void>;
  /** Stops everything and drops the cluster's databases. */
  destroy(): Promise<void>;
}

export async function startCluster({ name, portBase, workers = 2, apis = 2, buildId = 'build-1' }: ClusterOptions): Promise<Cluster> {
  const dir = `${root}test/artifacts/cluster-${name}`;
  const databases = [`lap_${name}_temporal`, `lap_${name}_temporal_visibility`, `lap_${name}_app`];
  const namespace = `lap-${name}`;
  const env = {
    ...process.env,
    CLUSTER_DIR: dir,
    CLUSTER_PORT_BASE: String(portBase),
    CLUSTER_DB_PREFIX: `lap_${name}_temporal`,
    CLUSTER_APP_DB: `lap_${name}_app`,
    CLUSTER_WORKERS: String(workers),
    CLUSTER_APIS: String(apis),
    TEMPORAL_NAMESPACE: namespace,
    WORKER_BUILD_ID: buildId,
  };
  const script = async (file: string, ...args: string[]): Promise<void> => {
    try {
      await run('bash', [`${root}scripts/${file}`, ...args], { env, cwd: root, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`scripts/${file} ${args.join(' ')} failed:\n${stderr ?? ''}\n${stdout ?? ''}\n(logs in ${dir}/logs)`, {
        cause: error,
      });
    }
  };

  // A fresh cluster every time: whatever an interrupted run left is stopped and dropped first.
  await script('cluster-down.sh');
  for (const db of databases) await dropDatabase(testDatabaseUrl, db);
  await rm(dir, { recursive: true, force: true });
  try {
    await script('cluster-up.sh');
  } catch (error) {
    await script('cluster-down.sh');
    throw error;
  }

  const settings = Object.fromEntries(
    (await readFile(`${dir}/cluster.env`, 'utf8'))
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  ) as Record<string, string>;
  const secret = settings.AUTH_JWT_SECRET;
  const keys = settings.PAYLOAD_ENCRYPTION_KEYS;
  const databaseUrl = settings.DATABASE_URL;
  if (!secret || !keys || !databaseUrl) throw new Error(`${dir}/cluster.env lacks the secrets or the database`);

  const frontendAddress = `127.0.0.1:${portBase + 33}`;
  const connection = await Connection.connect({ address: frontendAddress });
  const client = new Client({ connection, namespace, dataConverter: encryptingDataConverter(parseEncryptionKeys(keys)) });
  const db = new pg.Pool({ connectionString: databaseUrl, max: 5 });
  db.on('error', () => undefined);

  return {
    dir,
    namespace,
    buildId,
    deploymentName: 'development-programs',
    apiUrls: Array.from({ length: apis }, (_, i) => `http://127.0.0.1:${portBase + 80 + i}`),
    frontendAddress,
    settings,
    client,
    connection,
    db,
    token: (sub, ...roles) => mintToken(secret, { sub, roles, ttl: '2h' }),
    async stopProcess(process, signal = 'TERM') {
      await run('bash', [`${root}scripts/cluster-down.sh`, process], { env: { ...env, CLUSTER_KILL: signal }, cwd: root });
    },
    async startProcess(process, options = {}) {
      await script('cluster-up.sh', '--only', process, ...(options.buildId ? ['--build', options.buildId] : []));
    },
    async destroy() {
      await connection.close();
      await db.end();
      await script('cluster-down.sh');
      for (const database of databases) await dropDatabase(testDatabaseUrl, database);
    },
  };
}

/** Whether the server binaries are built (scripts/cluster-build.sh); the tier needs them. */
export async function clusterBinariesBuilt(): Promise<boolean> {
  const { stdout } = await run('bash', ['-c', `source ${root}scripts/cluster-lib.sh; echo "$CLUSTER_BIN"`]);
  try {
    await access(`${stdout.trim()}/temporal-server`, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
