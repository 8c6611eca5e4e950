/**
 * Command line for HR, supervisors and DAS staff. Exit codes scripts can rely on:
 * 0 done, 1 unexpected failure, 2 bad usage or input, 3 a program rule was broken, 4 no such program.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import type { Actor, Role } from '../domain/program.js';
import type { ProgramView } from '../domain/view.js';
import { loadConfig } from '../worker/config.js';
import {
  InvalidInputError,
  ProgramConflictError,
  ProgramNotFoundError,
  RuleViolationError,
  createProgramClient,
  type ProgramClient,
} from './programs.js';

export const EXIT = { ok: 0, failure: 1, invalid: 2, rule: 3, notFound: 4 } as const;

const USAGE = `usage: npm run cli -- <command> [options]

  enroll <enrollment.json> --as <hr-id> [--idempotency-key <key>]
  show <programId>
  events <programId>
  sign-off <programId> <milestoneId> --on <date> --as <supervisor-id> [--comments <text>]
  rate <programId> --rating satisfactory|unsatisfactory --on <date> --as <supervisor-id> [--comments <text>]
  amend <programId> <amendment.json> --as <das-id>
  leave <programId> --from <date> --to <date> --kind unpaid|sick|workers-comp|other --as <hr-id>
  withdraw <programId> --on <date> --reason <text> --as <hr-id>

Every command takes --json for machine-readable output. Dates are YYYY-MM-DD (America/New_York).`;

class UsageError extends Error {}

interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

const options = {
  as: { type: 'string' },
  on: { type: 'string' },
  rating: { type: 'string' },
  comments: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  kind: { type: 'string' },
  reason: { type: 'string' },
  'idempotency-key': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

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

function formatProgram(p: ProgramView): string {
  const rows = [
    `program            ${p.programId}`,
    `status             ${p.status}`,
    `agency / role      ${p.agency} / ${p.functionalRole}`,
    `target class       ${p.targetClassCode}`,
    `appointed          ${p.appointmentDate}`,
    `earliest reclass.  ${p.earliestReclassificationDate}`,
    `latest completion  ${p.latestCompletionDate}`,
    `schedule           ${p.schedule.dasApprovalRef} (approved ${p.schedule.approvedOn}), planned end ${p.schedule.plannedEndDate}`,
    `service rating     ${p.serviceRating ? `${p.serviceRating.rating} on ${p.serviceRating.ratedOn}` : 'none yet'}`,
    `qualification      ${p.qualification.meetsTargetClass === null ? 'not assessed' : p.qualification.meetsTargetClass ? 'meets the target class' : `${p.qualification.shortfallYears} years short`} (as of ${p.qualification.asOf})`,
  ];
  if (p.reclassification) rows.push(`reclassified       effective ${p.reclassification.effectiveOn} (notice ${p.reclassification.noticeId})`);
  if (p.ended) rows.push(`ended              ${p.ended.on} (${p.ended.reason})`);
  rows.push('milestones');
  for (const m of p.milestones) {
    const signed = m.status === 'signed-off' ? ` by ${m.signedOffBy} on ${m.signedOffOn}` : '';
    rows.push(`  ${m.id.padEnd(12)} ${m.dueDate}  ${m.status.padEnd(10)} ${m.title}${signed}`);
  }
  return rows.join('\n');
}

function actor(values: { as?: string | undefined }, role: Role): Actor {
  if (!values.as) throw new UsageError(`--as <${role}-id> is required: who is doing this`);
  return { id: values.as, role };
}

function need(value: string | undefined, flag: string): string {
  if (value === undefined) throw new UsageError(`--${flag} is required`);
  return value;
}

export async function runCli(argv: string[], programs: ProgramClient, db: pg.Pool | null, io: Output): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT.invalid;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || !command) {
    io.out(USAGE);
    return values.help ? EXIT.ok : EXIT.invalid;
  }
  const print = (result: unknown, human: string): void => io.out(values.json ? JSON.stringify(result, null, 2) : human);
  const showProgram = (p: ProgramView): void => print(p, formatProgram(p));
  const programId = (): string => {
    const id = args[0];
    if (!id) throw new UsageError('a programId is required');
    return id;
  };

  try {
    switch (command) {
      case 'enroll': {
        const file = args[0];
        if (!file) throw new UsageError('enroll needs the path of an enrollment JSON file');
        const key = values['idempotency-key'];
        const result = await programs.enroll(await readJson(file), actor(values, 'hr'), key ? { idempotencyKey: key } : {});
        print(result, `enrolled: program ${result.programId}`);
        return EXIT.ok;
      }
      case 'show':
        showProgram(await programs.show(programId()));
        return EXIT.ok;
      case 'events': {
        if (!db) throw new Error('events need the database');
        const id = programId();
        const { rows } = await db.query<{ version: number; type: string; occurred_at: Date; actor_id: string; data: unknown }>(
          'SELECT version, type, occurred_at, actor_id, data FROM program_events WHERE program_id = $1 ORDER BY version',
          [id],
        );
        if (rows.length === 0) throw new ProgramNotFoundError(id);
        print(rows, rows.map((r) => `${String(r.version).padStart(4)}  ${r.occurred_at.toISOString()}  ${r.actor_id.padEnd(10)} ${r.type}`).join('\n'));
        return EXIT.ok;
      }
      case 'sign-off': {
        const milestoneId = args[1];
        if (!milestoneId) throw new UsageError('sign-off needs a programId and a milestoneId');
        const body = { signedOn: need(values.on, 'on'), ...(values.comments ? { comments: values.comments } : {}) };
        showProgram(await programs.signOff(programId(), milestoneId, body, actor(values, 'supervisor')));
        return EXIT.ok;
      }
      case 'rate': {
        const body = { rating: need(values.rating, 'rating'), ratedOn: need(values.on, 'on'), ...(values.comments ? { comments: values.comments } : {}) };
        showProgram(await programs.rate(programId(), body, actor(values, 'supervisor')));
        return EXIT.ok;
      }
      case 'amend': {
        const file = args[1];
        if (!file) throw new UsageError('amend needs a programId and the path of an amendment JSON file');
        showProgram(await programs.amend(programId(), await readJson(file), actor(values, 'das')));
        return EXIT.ok;
      }
      case 'leave': {
        const body = { from: need(values.from, 'from'), to: need(values.to, 'to'), kind: need(values.kind, 'kind') };
        showProgram(await programs.recordLeave(programId(), body, actor(values, 'hr')));
        return EXIT.ok;
      }
      case 'withdraw': {
        const body = { effectiveOn: need(values.on, 'on'), reason: need(values.reason, 'reason') };
        showProgram(await programs.withdraw(programId(), body, actor(values, 'hr')));
        return EXIT.ok;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    return report(error, io, values.json);
  }
}

function report(error: unknown, io: Output, json: boolean): number {
  const emit = (code: number, body: object, human: string): number => {
    io.err(json ? JSON.stringify({ error: body }, null, 2) : human);
    return code;
  };
  if (error instanceof UsageError) return emit(EXIT.invalid, { code: 'usage', message: error.message }, `${error.message}\n\n${USAGE}`);
  if (error instanceof InvalidInputError) {
    return emit(EXIT.invalid, { code: 'invalid-input', message: error.message, issues: error.issues }, ['invalid input:', ...error.issues.map((i) => `  ${i.path || '(body)'}: ${i.message}`)].join('\n'));
  }
  if (error instanceof RuleViolationError) {
    return emit(EXIT.rule, { code: error.code, message: error.message, issues: error.violations }, ['rejected:', ...error.violations.map((v) => `  ${v.field}: ${v.message} [${v.code}]`)].join('\n'));
  }
  if (error instanceof ProgramNotFoundError) return emit(EXIT.notFound, { code: 'not-found', message: error.message }, error.message);
  if (error instanceof ProgramConflictError) return emit(EXIT.rule, { code: 'conflict', message: error.message }, error.message);
  return emit(EXIT.failure, { code: 'failure', message: (error as Error).message }, `failed: ${(error as Error).message}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const config = loadConfig();
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
  const programs = createProgramClient({ client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), taskQueue: config.TEMPORAL_TASK_QUEUE });
  const code = await runCli(process.argv.slice(2), programs, db, { out: (l) => console.log(l), err: (l) => console.error(l) });
  await Promise.all([connection.close(), db.end()]);
  process.exitCode = code;
}
