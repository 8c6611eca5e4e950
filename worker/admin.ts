/**
 * The admin tool (`npm run admin -- <verb>`): what only an operator may do. Unlike the CLI
 * (client/cli.ts, an API client acting as whoever signed in), it talks to PostgreSQL directly with
 * the server's configuration and secrets (DATABASE_URL, AUTH_JWT_SECRET, …), so access to it is
 * access to the server itself.
 */
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { decodeJwt } from 'jose';
import { API_ROLES, MAX_TOKEN_LIFETIME_SECONDS, mintToken, type ApiRole } from '../api/auth.js';
import { migrate } from '../db/migrate.js';
import { createPool } from '../db/pool.js';
import { PROGRAMS_PROJECTION, createProjector, type RebuildProgress } from '../db/projections.js';
import { loadDirectory, readDirectoryFile } from '../db/staff-directory.js';
import { actorSchema } from '../domain/schemas.js';
import { loadConfig } from '../config/index.js';

export interface AdminOutput {
  out: (line: string) => void;
  err: (line: string) => void;
  /** The rebuild's progress line, redrawn in place. */
  progress?: (text: string) => void;
}

const PROJECTIONS = [PROGRAMS_PROJECTION];

const warnOnStderr = (io: AdminOutput) => ({
  warn: (fields: object, message?: string) => io.err(`${message ?? ''} ${JSON.stringify(fields)}`),
});

function progressBar({ applied, total }: RebuildProgress): string {
  const width = 30;
  const share = total === 0 ? 1 : Math.min(applied / total, 1);
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${applied}/${total} events`;
}

function apiRole(value: string, previous: ApiRole[] = []): ApiRole[] {
  const role = API_ROLES.find((r) => r === value);
  if (!role) throw new InvalidArgumentError(`"${value}" is not a role; one of ${API_ROLES.join(', ')}`);
  return [...previous, role];
}

function staffId(value: string): string {
  // The API records `sub` as the actor of what the token does, so it has an actor id's shape.
  if (!actorSchema.shape.id.safeParse(value).success)
    throw new InvalidArgumentError('must be a staff or employee id: letters, digits, ".", "_", ":" or "-"');
  return value;
}

/** Runs one admin command; resolves with its exit code (0 done, 1 failure, 2 bad usage). */
export async function runAdmin(argv: string[], io: AdminOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = new Command()
    .name('npm run admin --')
    .description(
      "For operators only. Talks to PostgreSQL directly with the server's configuration and secrets " +
        "(DATABASE_URL, AUTH_JWT_SECRET, …): whoever runs it has the server's rights. " +
        'People use the command line (npm run cli), which goes through the API as whoever signed in.',
    )
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) })
    .showHelpAfterError('(add --help for usage)');

  program
    .command('migrate')
    .description('apply the database migrations (the worker also applies them at start)')
    .action(async () => {
      await migrate(loadConfig(env).DATABASE_URL);
      io.out('migrations applied');
    });

  program
    .command('rebuild')
    .description('rebuild a read model from the event log, with a progress bar')
    .addArgument(new Command().createArgument('<projection>', 'the read model').choices(PROJECTIONS))
    .action(async (name: string) => {
      const { DATABASE_URL } = loadConfig(env);
      await migrate(DATABASE_URL);
      // A rebuild reads the whole log: no statement deadline short enough to cut it off.
      const pool = createPool({
        connectionString: DATABASE_URL,
        max: 2,
        name: 'rebuild',
        log: warnOnStderr(io),
        statementTimeoutMs: 3_600_000,
      });
      const started = Date.now();
      try {
        const { applied } = await createProjector(pool).rebuild((progress) => io.progress?.(progressBar(progress)));
        io.progress?.('\n');
        io.out(`rebuilt ${name} from ${applied} events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      } finally {
        await pool.end();
      }
    });

  program
    .command('load-staff')
    .description('load the staff directory (who notices are addressed to, whom HR may name) from a JSON file')
    .argument('<file>', 'entries: {"kind", "ref", "displayName", "email"}')
    .action(async (file: string) => {
      const db = createPool({ connectionString: loadConfig(env).DATABASE_URL, max: 1, name: 'staff-directory', log: warnOnStderr(io) });
      try {
        const { loaded } = await loadDirectory(db, await readDirectoryFile(file));
        io.out(`staff directory: ${loaded} entries loaded from ${file}`);
      } finally {
        await db.end();
      }
    });

  program
    .command('token')
    .description(
      `mint a bearer token signed with AUTH_JWT_SECRET (development, service accounts), at most 12h; roles: ${API_ROLES.join(', ')}`,
    )
    .requiredOption('--sub <id>', 'the staff or employee id the token acts as', staffId)
    .addOption(new Option('--role <role>', 'a role (once per role)').argParser(apiRole).makeOptionMandatory())
    .option('--ttl <span>', 'how long it lives: 30m, 8h, 12h', '8h')
    .option('--agency <code...>', 'for an HR token: the agencies it acts for (all when absent)')
    .option('--json', 'print {token, sub, roles} as JSON')
    .action(async (options: { sub: string; role: ApiRole[]; ttl: string; agency?: string[]; json?: boolean }) => {
      // Unset on a developer's machine: the published development secret, which only a development API accepts.
      const { AUTH_JWT_SECRET } = loadConfig(env);
      let token: string;
      try {
        token = await mintToken(AUTH_JWT_SECRET, {
          sub: options.sub,
          roles: options.role,
          ttl: options.ttl,
          ...(options.agency ? { agencies: options.agency } : {}),
        });
      } catch {
        throw new UsageError('--ttl must be a time span such as 30m, 8h or 2d');
      }
      const { exp = 0, iat = 0 } = decodeJwt(token);
      if (exp - iat > MAX_TOKEN_LIFETIME_SECONDS)
        throw new UsageError('--ttl must be 12h or less: the API refuses tokens that live longer');
      io.out(options.json ? JSON.stringify({ token, sub: options.sub, roles: options.role }, null, 2) : token);
    });

  if (argv.length === 0) {
    io.err(program.helpInformation().trimEnd());
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.code === 'commander.helpDisplayed' || error.code === 'commander.help' ? 0 : 2;
    if (error instanceof UsageError) {
      io.err(error.message);
      return 2;
    }
    io.err(`failed: ${(error as Error).message}`);
    return 1;
  }
}

class UsageError extends Error {}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await runAdmin(process.argv.slice(2), {
    out: (l) => console.log(l),
    err: (l) => console.error(l),
    progress: (text) => process.stderr.write(text === '\n' ? text : `\r${text}`),
  });
}
