/** Applies the versioned SQL migrations in db/migrations (node-pg-migrate). */
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

export const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));

/** Applies every pending migration, or only the next `count` of them. */
export async function migrate(databaseUrl: string, options: { count?: number } = {}): Promise<void> {
  // Several processes may start at once (two workers, parallel test files): the one that holds the
  // migration lock applies what is missing, the others wait for it and then find nothing to do.
  for (let attempt = 1; ; attempt++) {
    try {
      await runner({
        databaseUrl,
        dir: migrationsDir,
        direction: 'up',
        ...(options.count === undefined ? {} : { count: options.count }),
        migrationsTable: 'schema_migrations',
        checkOrder: true,
        log: () => {},
      });
      return;
    } catch (error) {
      if (!(error instanceof Error && /Another migration is already running/i.test(error.message)) || attempt >= 300) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
