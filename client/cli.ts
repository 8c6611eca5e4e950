/**
 * The command line: a client of the HTTP API, like `gh` or `kubectl`. It sends each request with
 * the caller's bearer token (from `sign-in`, `sign-in --with-token` or LAP_TOKEN), so the API's
 * access rules apply to it as to everyone else. Exit codes come from the one table of error codes
 * (client/error-codes.ts; docs/api.md). What only an operator may do is in the admin tool
 * (`npm run admin`, worker/admin.ts).
 */
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import { Command, CommanderError, Option } from 'commander';
import type { ProgramView } from '../domain/view.js';
import { commandEdges } from './commands/index.js';
import { formatProgram, formatProgramTable, table } from './cli-format.js';
import { SignInError, signInWithBrowser } from './cli-sign-in.js';
import type { CliCommandSpec } from './commands/spec.js';
import { EXIT, exitCodeOf, type ExitCode } from './error-codes.js';

export { EXIT } from './error-codes.js';

/** Where the API listens when started by `npm start` (docs/getting-started.md). */
export const DEFAULT_API_URL = 'http://127.0.0.1:8080';
/** The largest import request the API takes (rows). */
const MAX_IMPORT_ROWS = 500;

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** What the CLI reads from its surroundings; main passes the process's, tests their own. */
export interface CliContext {
  /** API_URL, LAP_TOKEN, XDG_CONFIG_HOME, HOME, LAP_OIDC_ISSUER, LAP_CLI_CLIENT_ID. */
  env: Readonly<Record<string, string | undefined>>;
  /** All of standard input (`sign-in --with-token`). */
  readStdin?: () => Promise<string>;
  /** Where the import's progress bar goes; none when absent (tests) or when it is not a terminal. */
  progress?: NodeJS.WritableStream;
  /** Where sign-in sends the address to open (stderr by default). */
  openUrl?: (url: string) => void;
}

class UsageError extends Error {}

class NotSignedInError extends Error {}

/** An error answer of the HTTP API. */
class ApiAnswerError extends Error {
  constructor(
    readonly status: number,
    readonly body: { code: string; message: string; issues?: { path: string; message: string; code?: string }[] | undefined },
  ) {
    super(body.message);
    this.name = 'ApiAnswerError';
  }
}

class UnreachableError extends Error {}

const SIGN_IN_HINT = 'npm run cli -- sign-in (or: sign-in --with-token < token-file, or LAP_TOKEN=<token>)';

/** The verbs that need no token. */
const WITHOUT_TOKEN = new Set(['sign-in', 'sign-out', 'help']);

export const tokenFileOf = (env: CliContext['env']): string =>
  join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'lap', 'token');

/** The token to send: LAP_TOKEN, else the one sign-in stored; null when there is none. */
async function storedToken(env: CliContext['env']): Promise<string | null> {
  if (env.LAP_TOKEN) return env.LAP_TOKEN.trim();
  try {
    return (await readFile(tokenFileOf(env), 'utf8')).trim() || null;
  } catch {
    return null;
  }
}

/** The expiry a JWT states (unchecked: the API checks); null when it is not a JWT. */
function expiryOf(token: string): number | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp : null;
  } catch {
    return null;
  }
}

async function storeToken(env: CliContext['env'], token: string): Promise<string> {
  const file = tokenFileOf(env);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // a file left by an earlier sign-in keeps its mode otherwise
  return file;
}

/** Requests to the API with one bearer token. */
interface Api {
  send<T>(method: string, path: string, options?: { body?: unknown; contentType?: string; headers?: Record<string, string> }): Promise<T>;
}

/**
 * One HTTP exchange with node:http(s) rather than fetch: loading fetch's implementation costs a
 * command line a third of a second on every run.
 */
function exchange(url: URL, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      { method, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function apiClient(apiUrl: string, token: string): Api {
  return {
    async send<T>(
      method: string,
      path: string,
      options: { body?: unknown; contentType?: string; headers?: Record<string, string> } = {},
    ): Promise<T> {
      const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}`, ...options.headers };
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['content-type'] = options.contentType ?? 'application/json';
      }
      let response: { status: number; text: string };
      try {
        response = await exchange(new URL(path, apiUrl), method, headers, body);
      } catch (error) {
        throw new UnreachableError(`cannot reach the API at ${apiUrl} (${(error as Error).message}); is it running? API_URL names it`);
      }
      const { status, text } = response;
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: reported below by status
      }
      if (status < 200 || status >= 300) {
        const error = (parsed as { error?: { code?: unknown; message?: unknown; issues?: unknown } } | null)?.error;
        throw new ApiAnswerError(status, {
          code: typeof error?.code === 'string' ? error.code : `http-${status}`,
          message: typeof error?.message === 'string' ? error.message : `The API answered ${status}.`,
          ...(Array.isArray(error?.issues) ? { issues: error.issues as { path: string; message: string }[] } : {}),
        });
      }
      return parsed as T;
    },
  };
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${path}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not valid JSON`);
  }
}

/** Sets `a.b.c` in a body object. */
function setField(body: Record<string, unknown>, field: string, value: unknown): void {
  const parts = field.split('.');
  let target = body;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    if (!next || typeof next !== 'object') target[part] = {};
    target = target[part] as Record<string, unknown>;
  }
  target[parts.at(-1) ?? field] = value;
}

/** The `:params` of a route, in order: the command's positional arguments. */
export const paramsOf = (path: string): string[] => [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] ?? '');

interface ProgramPreview {
  program: ProgramView | null;
  violations: { code: string; field: string; message: string }[];
}

interface ImportRowResult {
  row: number;
  status: 'created' | 'already-enrolled' | 'invalid' | 'rejected' | 'failed';
  programId?: string;
  error?: { code: string; message: string; issues?: { path: string; message: string }[] };
}

/**
 * Runs one command line; resolves with its exit code. Nothing here exits the process, so tests run
 * it in-process.
 */
export async function runCli(argv: string[], io: Output, context: CliContext): Promise<number> {
  const { env } = context;
  const apiUrl = env.API_URL || DEFAULT_API_URL;
  let exitCode: ExitCode = EXIT.ok;
  let json = argv.includes('--json');

  const print = (result: unknown, human: string): void => io.out(json ? JSON.stringify(result, null, 2) : human);
  const showProgram = (p: ProgramView): void => print(p, formatProgram(p));

  /** The API with the caller's token; refuses before any request when there is none. */
  const api = async (): Promise<Api> => {
    const token = await storedToken(env);
    if (!token) throw new NotSignedInError(`sign in first: ${SIGN_IN_HINT}`);
    const exp = expiryOf(token);
    if (exp !== null && exp <= Date.now() / 1000) throw new NotSignedInError(`your sign-in has expired; sign in again: ${SIGN_IN_HINT}`);
    return apiClient(apiUrl, token);
  };

  const program = new Command()
    .name('npm run cli --')
    .description(
      'The Leadership Associate programs, from the command line: a client of the HTTP API (API_URL, default ' +
        DEFAULT_API_URL +
        '), acting as whoever signed in.',
    )
    .option('--json', "print the API's answer as JSON")
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `
Sign in first (sign-in), or give a token in LAP_TOKEN. Dates are YYYY-MM-DD (America/New_York).
Exit codes: 0 done, 1 failure, 2 bad usage or input, 3 a program rule broken or a conflicting state,
4 not found, 5 not signed in or token refused, 6 not allowed for your roles, 7 try again later (docs/api.md).`,
    );

  // --- Signing in ---------------------------------------------------------------------------------

  program
    .command('sign-in')
    .description(
      "sign in with the organisation's OpenID provider in a browser (the token is kept in $XDG_CONFIG_HOME/lap/token, mode 0600)",
    )
    .option('--with-token', 'read a token from standard input instead (a service token, or one signed in elsewhere)')
    .action(async (options: { withToken?: boolean }) => {
      let token: string;
      if (options.withToken) {
        token = (await (context.readStdin ?? readAllStdin)()).trim();
        if (!token) throw new UsageError('sign-in --with-token reads the token from standard input; it was empty');
      } else {
        token = await signInWithBrowser({
          apiUrl,
          clientId: env.LAP_CLI_CLIENT_ID || 'lap-cli',
          issuer: env.LAP_OIDC_ISSUER,
          openUrl:
            context.openUrl ?? ((url) => io.err(`Open this address in a browser to sign in:\n\n  ${url}\n\nWaiting for the browser…`)),
        });
      }
      // Kept only once the API accepts it.
      const me = await apiClient(apiUrl, token).send<{ sub: string; roles: string[] }>('GET', '/v1/me');
      const file = await storeToken(env, token);
      print({ ...me, tokenFile: file }, `signed in as ${me.sub} (${me.roles.join(', ') || 'no roles'}); the token is in ${file}`);
    });

  program
    .command('sign-out')
    .description('forget the token sign-in stored')
    .action(async () => {
      const file = tokenFileOf(env);
      await rm(file, { force: true });
      print(
        { signedOut: true, tokenFile: file },
        `signed out (${file} removed)${env.LAP_TOKEN ? '; LAP_TOKEN is still set in this environment' : ''}`,
      );
    });

  program
    .command('whoami')
    .description('who the API takes you for, and your roles')
    .action(async () => {
      const me = await (await api()).send<{ sub: string; roles: string[] }>('GET', '/v1/me');
      print(me, `${me.sub} (${me.roles.join(', ') || 'no roles'}) at ${apiUrl}`);
    });

  // --- Programs -----------------------------------------------------------------------------------

  program
    .command('enroll')
    .description('enroll one trainee from an enrollment JSON file (hr)')
    .argument('<file>', 'the enrollment, as POST /v1/programs takes it')
    .option('--idempotency-key <key>', 'the same key again gives the same program, not two')
    .action(async (file: string, options: { idempotencyKey?: string }) => {
      const body = await readJson(file);
      const headers: Record<string, string> = options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {};
      const enrolled = await (await api()).send<ProgramView>('POST', '/v1/programs', { body, headers });
      print(enrolled, `enrolled: program ${enrolled.programId}`);
    });

  program
    .command('preview')
    .description('the enrollment decision with nothing started: dates, checklist and every rule broken (hr, das)')
    .argument('<file>', 'the enrollment JSON file')
    .action(async (file: string) => {
      const preview = await (await api()).send<ProgramPreview>('POST', '/v1/programs/preview', { body: await readJson(file) });
      const human = [
        preview.violations.length === 0
          ? 'can be enrolled; nothing was started'
          : `breaks ${preview.violations.length} rule(s); nothing was started`,
        ...preview.violations.map((v) => `  ${v.code} (${v.field}): ${v.message}`),
        ...(preview.program ? ['', formatProgram(preview.program)] : []),
      ].join('\n');
      print(preview, human);
      if (preview.violations.length > 0) exitCode = EXIT.rule;
    });

  program
    .command('show')
    .description('one program, with its reclassification checklist')
    .argument('<programId>')
    .action(async (programId: string) => {
      showProgram(await (await api()).send<ProgramView>('GET', `/v1/programs/${encodeURIComponent(programId)}`));
    });

  program
    .command('events')
    .description("the program's events, oldest first")
    .argument('<programId>')
    .action(async (programId: string) => {
      const { items } = await (
        await api()
      ).send<{ items: { version: number; at: string; actor: { id: string }; type: string }[] }>(
        'GET',
        `/v1/programs/${encodeURIComponent(programId)}/events`,
      );
      print(items, items.map((e) => `${String(e.version).padStart(4)}  ${e.at}  ${e.actor.id.padEnd(10)} ${e.type}`).join('\n'));
    });

  program
    .command('list')
    .description('programs you may see, as a table')
    .option('--status <status>', 'active, awaiting-minimum, reclassified, expired or ended')
    .option('--agency <code>')
    .option('--target-class <code>')
    .option('--cap-before <date>', 'latest completion date before this day')
    .option('--search <text>', "part of a trainee's name or employee id")
    .option(
      '--sort <field>',
      'earliestReclassificationDate, latestCompletionDate, appointmentDate or trainee.name; a leading - for descending',
    )
    .option('--limit <n>', 'rows per page')
    .option('--cursor <cursor>', 'the next page, as the last one said')
    .action(async (options: Record<string, string | undefined>) => {
      const query = new URLSearchParams();
      const names: Record<string, string> = {
        status: 'status',
        agency: 'agency',
        targetClass: 'targetClass',
        capBefore: 'capBefore',
        search: 'q',
        sort: 'sort',
        limit: 'limit',
        cursor: 'cursor',
      };
      for (const [option, parameter] of Object.entries(names)) {
        const value = options[option];
        if (value !== undefined) query.set(parameter, value);
      }
      const page = await (
        await api()
      ).send<{ items: ProgramView[]; nextCursor: string | null }>('GET', `/v1/programs${query.size ? `?${query}` : ''}`);
      print(page, formatProgramTable(page.items, page.nextCursor));
    });

  program
    .command('import')
    .description(
      'enroll many trainees from a CSV file or a JSON array, in chunks, with a progress bar; safe to run again after a failure (hr)',
    )
    .argument('<file>', 'a .csv or .json file')
    .option('--chunk-size <rows>', 'rows per request', '25')
    .action(async (file: string, options: { chunkSize: string }) => {
      exitCode = await importFile(await api(), file, Number(options.chunkSize), context.progress, print);
    });

  // --- The program commands, from their specs -----------------------------------------------------

  for (const spec of commandEdges)
    addProgramCommand(program, spec, async (path, body) => showProgram(await (await api()).send<ProgramView>('POST', path, { body })));

  // Refused before parsing: without a token, nothing but sign-in runs, whatever the arguments.
  const verb = argv.find((arg) => !arg.startsWith('-'));
  const asksHelp = argv.includes('--help') || argv.includes('-h');
  if (verb && !asksHelp && !WITHOUT_TOKEN.has(verb) && program.commands.some((c) => c.name() === verb) && !(await storedToken(env))) {
    return report(new NotSignedInError(`sign in first: ${SIGN_IN_HINT}`), io, json);
  }
  if (argv.length === 0) {
    io.err(program.helpInformation().trimEnd());
    return EXIT.invalid;
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
    json = program.opts<{ json?: boolean }>().json === true;
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version'
        ? EXIT.ok
        : EXIT.invalid;
    }
    return report(error, io, json);
  }
}

/** One program command: its route's params as arguments, its flags as body fields. */
function addProgramCommand(program: Command, spec: CliCommandSpec, send: (path: string, body: unknown) => Promise<void>): void {
  const params = paramsOf(spec.path);
  const command = program.command(spec.name).description(spec.summary);
  for (const param of params) command.argument(`<${param}>`);
  if (spec.cli.file) command.argument('<file>', 'a JSON file with the body');
  const flags = Object.entries(spec.cli.options).map(([flag, option]) => {
    const made = new Option(`--${flag} <value>`, option.description);
    if (option.required) made.makeOptionMandatory();
    command.addOption(made);
    return { attribute: made.attributeName(), field: option.field };
  });
  command.action(async (...args: unknown[]) => {
    const self = args.at(-1) as Command;
    const values = self.args;
    const options = self.opts<Record<string, string | undefined>>();
    let path: string = spec.path;
    params.forEach((param, i) => (path = path.replace(`:${param}`, encodeURIComponent(values[i] ?? ''))));
    let body: Record<string, unknown> = {};
    if (spec.cli.file) {
      const file = values[params.length] ?? '';
      const read = await readJson(file);
      if (!read || typeof read !== 'object' || Array.isArray(read)) throw new UsageError(`${file} must hold a JSON object`);
      body = read as Record<string, unknown>;
    }
    for (const { attribute, field } of flags) {
      const value = options[attribute];
      if (value !== undefined) setField(body, field, value);
    }
    await send(path, body);
  });
}

/** Complete records of a CSV text (a quoted line break stays inside its record), header first. */
export function csvRecords(text: string): string[] {
  const records: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if ((c === '\n' && !quoted) || i === text.length) {
      const record = text.slice(start, i).replace(/\r$/, '');
      if (record.trim() !== '') records.push(record);
      start = i + 1;
    }
  }
  return records;
}

async function importFile(
  api: Api,
  file: string,
  chunkSize: number,
  progress: NodeJS.WritableStream | undefined,
  print: (result: unknown, human: string) => void,
): Promise<ExitCode> {
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_IMPORT_ROWS) {
    throw new UsageError(`--chunk-size must be a whole number from 1 to ${MAX_IMPORT_ROWS}`);
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
  const chunks: { body: string; contentType: string; rows: number }[] = [];
  if (file.toLowerCase().endsWith('.json')) {
    let rows: unknown;
    try {
      rows = JSON.parse(text);
    } catch {
      throw new UsageError(`${file} is not valid JSON`);
    }
    if (!Array.isArray(rows)) throw new UsageError(`${file} must hold a JSON array of enrollments`);
    for (let start = 0; start < rows.length; start += chunkSize) {
      const slice = rows.slice(start, start + chunkSize);
      chunks.push({ body: JSON.stringify(slice), contentType: 'application/json', rows: slice.length });
    }
  } else {
    const [header, ...records] = csvRecords(text.replace(/^\uFEFF/, ''));
    for (let start = 0; start < records.length; start += chunkSize) {
      const slice = records.slice(start, start + chunkSize);
      chunks.push({ body: [header, ...slice].join('\n') + '\n', contentType: 'text/csv', rows: slice.length });
    }
  }
  const total = chunks.reduce((sum, c) => sum + c.rows, 0);
  if (total === 0) throw new UsageError(`${file} has no rows to import`);

  const bar = progress
    ? new cliProgress.SingleBar(
        {
          stream: progress,
          format: 'importing [{bar}] {value}/{total} rows | {created} created, {problems} with problems',
          hideCursor: true,
          // main passes a stream only when it is a terminal; tests pass a plain one and read it.
          noTTYOutput: true,
          notTTYSchedule: 250,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(total, 0, { created: 0, problems: 0 });
  const results: ImportRowResult[] = [];
  try {
    for (const chunk of chunks) {
      const answer = await api.send<{ results?: ImportRowResult[] }>('POST', '/v1/programs/import', {
        body: chunk.body,
        contentType: chunk.contentType,
      });
      if (!Array.isArray(answer?.results)) throw new Error('the API answered with a body that is not an import result');
      // Row numbers in the answer count from the chunk's first row.
      const offset = results.length;
      results.push(...answer.results.map((r) => ({ ...r, row: r.row + offset })));
      bar?.update(results.length, {
        created: results.filter((r) => r.status === 'created').length,
        problems: results.filter((r) => r.status !== 'created' && r.status !== 'already-enrolled').length,
      });
    }
  } finally {
    bar?.stop();
  }
  const count = (status: ImportRowResult['status']): number => results.filter((r) => r.status === status).length;
  const summary = {
    rows: results.length,
    created: count('created'),
    alreadyEnrolled: count('already-enrolled'),
    invalid: count('invalid'),
    rejected: count('rejected'),
    failed: count('failed'),
  };
  const rows = results.map((r) => [
    String(r.row),
    r.status,
    r.programId ?? '',
    r.error ? [r.error.code, ...(r.error.issues ?? []).map((i) => `${i.path || '(row)'}: ${i.message}`)].join('; ') : '',
  ]);
  const human = `${table(['row', 'status', 'program', 'problem'], rows)}\n\n${summary.created} created, ${summary.alreadyEnrolled} already enrolled, ${summary.invalid} invalid, ${summary.rejected} rejected, ${summary.failed} failed`;
  print({ results, summary }, human);
  if (summary.failed > 0) return EXIT.failure;
  if (summary.invalid > 0) return EXIT.invalid;
  if (summary.rejected > 0) return EXIT.rule;
  return EXIT.ok;
}

function report(error: unknown, io: Output, json: boolean): ExitCode {
  const emit = (code: ExitCode, body: object, human: string): ExitCode => {
    io.err(json ? JSON.stringify({ error: body }, null, 2) : human);
    return code;
  };
  if (error instanceof UsageError)
    return emit(EXIT.invalid, { code: 'usage', message: error.message }, `${error.message} (add --help for usage)`);
  if (error instanceof NotSignedInError)
    return emit(EXIT.unauthenticated, { code: 'not-signed-in', message: error.message }, error.message);
  if (error instanceof SignInError)
    return emit(EXIT.unauthenticated, { code: 'sign-in-failed', message: error.message }, `sign-in failed: ${error.message}`);
  if (error instanceof UnreachableError) return emit(EXIT.retry, { code: 'api-unreachable', message: error.message }, error.message);
  if (error instanceof ApiAnswerError) {
    const issues = (error.body.issues ?? []).map((i) => `  ${i.path || '(body)'}: ${i.message}${i.code ? ` [${i.code}]` : ''}`);
    const hint = error.status === 401 ? `\n${SIGN_IN_HINT}` : '';
    return emit(
      exitCodeOf({ status: error.status, code: error.body.code }),
      error.body,
      [`the API refused (${error.status} ${error.body.code}): ${error.body.message}`, ...issues].join('\n') + hint,
    );
  }
  return emit(EXIT.failure, { code: 'failure', message: (error as Error).message }, `failed: ${(error as Error).message}`);
}

async function readAllStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const code = await runCli(
    process.argv.slice(2),
    { out: (l) => console.log(l), err: (l) => console.error(l) },
    { env: process.env, ...(process.stderr.isTTY ? { progress: process.stderr } : {}) },
  );
  // Now, not when fetch's idle keep-alive connection times out seconds later (stdout and stderr
  // are written synchronously to files, pipes and terminals on Linux and macOS).
  process.exit(code);
}
