/**
 * Drops a database a test or a benchmark made for itself.
 *
 * `DROP DATABASE … WITH (FORCE)` is not enough on its own: it refuses to run while an autovacuum
 * worker is in the database (a process of the server's own, which the test role may not signal),
 * and autovacuum visits exactly the databases a test has just filled. A plain `DROP` ends
 * autovacuum workers by itself, so this closes the door to new sessions, ends the role's own
 * sessions and waits for them to exit, then drops.
 */
import pg from 'pg';

/** How long the role's own sessions get to exit once told to (pg_terminate_backend's wait). */
const SESSION_EXIT_MS = 30_000;

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`dropDatabase: "${name}" is not a plain lower-case identifier`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) return;
    await client.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await client.query(
      `SELECT pg_terminate_backend(pid, ${SESSION_EXIT_MS})
         FROM pg_stat_activity
        WHERE datname = $1 AND usename = current_user AND pid <> pg_backend_pid()`,
      [name],
    );
    await client.query(`DROP DATABASE IF EXISTS ${name}`);
  } finally {
    await client.end();
  }
}
