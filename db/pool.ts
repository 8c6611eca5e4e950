/**
 * Every process's way to PostgreSQL. A pg Pool emits 'error' when an idle connection dies (a server
 * restart sends 57P01 to each of them); with no listener Node turns that into an exit. Here it is
 * logged and the connection dropped: the pool opens a fresh one on the next query. Each connection
 * also gets deadlines, so a query against a server that does not answer fails instead of hanging.
 */
import pg from 'pg';

/** What the pool needs of a logger (pino's `warn`): the process hands its own in. */
export interface WarningLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface PoolOptions {
  connectionString: string;
  max?: number;
  /** Names the pool in log lines: "api", "worker", "cli"… */
  name: string;
  log: WarningLog;
  /** How long to wait for a connection from the server (or the pool); default 5 s. */
  connectTimeoutMs?: number;
  /** The server cancels a statement that runs longer; default 15 s. */
  statementTimeoutMs?: number;
}

export function createPool({
  connectionString,
  max = 10,
  name,
  log,
  connectTimeoutMs = 5_000,
  statementTimeoutMs = 15_000,
}: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: statementTimeoutMs,
    // The client gives up on a query a little after the server would have cancelled it: a server
    // that has gone silent (a network cut) answers nothing at all.
    query_timeout: statementTimeoutMs + 2_000,
    keepAlive: true,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (error) =>
    log.warn({ pool: name, code: codeOf(error) }, 'idle PostgreSQL connection lost; the pool will open a new one'),
  );
  // A client checked out of the pool reports on its own emitter; the query running on it rejects anyway.
  pool.on('connect', (client) =>
    client.on('error', (error) => log.warn({ pool: name, code: codeOf(error) }, 'PostgreSQL connection lost')),
  );
  return pool;
}

/** The SQLSTATE or system error code of a failure; never its message, which may quote data. */
export function codeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

/**
 * Whether a failure means the database is out of reach (or went away mid-query), not that the query
 * was wrong: refused or broken connections, an administrator's shutdown, a timeout.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = codeOf(error);
  if (code !== undefined) {
    // 08: connection exceptions; 57P01-57P03: admin/crash shutdown, cannot connect now; 57014: statement timeout.
    if (/^08/.test(code) || /^57P0[123]$/.test(code) || code === '57014') return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code)) return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|connection is closed/i.test(
    error.message,
  );
}

/**
 * Runs `attempt` until it succeeds, waiting longer after each failure (up to `maxDelayMs`): for
 * start-up steps (migrations, the first Temporal connection) while a dependency is still coming up.
 */
export async function withBackoff<T>(
  what: string,
  attempt: () => Promise<T>,
  log: WarningLog,
  { initialDelayMs = 250, maxDelayMs = 5_000, signal }: { initialDelayMs?: number; maxDelayMs?: number; signal?: AbortSignal } = {},
): Promise<T> {
  let delay = initialDelayMs;
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (signal?.aborted) throw error;
      log.warn(
        { what, tries, code: codeOf(error), errorName: error instanceof Error ? error.name : typeof error, retryInMs: delay },
        `${what} failed; retrying`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, maxDelayMs);
    }
  }
}
