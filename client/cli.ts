/**
 * Command line for HR, supervisors and DAS staff. Exit codes scripts can rely on:
 * 0 done, 1 unexpected failure, 2 bad usage or input, 3 a program rule was broken, 4 no such program.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import cliProgress from 'cli-progress';
import type pg from 'pg';
import { z } from 'zod';
import { API_ROLES, MAX_TOKEN_LIFETIME_SECONDS, mintToken, type ApiRole } from '../api/auth.js';
import { decodeJwt } from 'jose';
import { MAX_IMPORT_ROWS, errorResponse, importResponse, type ImportRowResult } from '../api/schemas.js';
import { splitCsv } from '../api/import.js';
import { createPool } from '../db/pool.js';
import { createQueries, InvalidCursorError, MAX_PAGE_SIZE, type ProgramListFilter } from '../db/queries.js';
import type { Actor, ProgramStatus, Role } from '../domain/program.js';
import { actorSchema } from '../domain/schemas.js';
import type { ProgramView } from '../domain/view.js';
import { createEnrollmentReservations } from '../db/enrollment-reservations.js';
import { loadConfig } from '../worker/config.js';
import { encryptingDataConverter } from './payload-codec.js';
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
  preview <enrollment.json> --as <hr-id>
      the enrollment decision with nothing started: dates, checklist and every rule broken
  show <programId>
  events <programId>
  sign-off <programId> <milestoneId> --on <date> --as <supervisor-id> [--comments <text>]
  rate <programId> --rating satisfactory|unsatisfactory --on <date> --as <supervisor-id> [--comments <text>]
  amend <programId> <amendment.json> --as <das-id>
  leave <programId> --from <date> --to <date> --kind unpaid|sick|workers-comp|other --as <hr-id>
  withdraw <programId> --on <date> --reason <text> --as <hr-id>
      dated ahead, the withdrawal is scheduled: the program runs until the start of that day
  cancel-withdrawal <programId> --reason <text> --as <hr-id>
      a correction: the withdrawal scheduled ahead is called off before its date
  confirm-qualification <programId> --reason <text> --as <hr-id>
      for a target class whose minimum qualifications the catalogue does not state
  confirm-removal <programId> --on <date> --reason <text> --as <hr-id>
      HR's decision after an unsatisfactory rating: the program ends at the start of that day
  remediate <programId> <remediation.json> --as <hr-id>
      HR's decision after an unsatisfactory rating: {"plan", "dasApprovalRef", "approvedOn", "plannedEndDate"?,
      "milestones"?}; the program goes on under the amended schedule and needs a new satisfactory rating
  transfer <programId> --on <date> [--agency <code>] [--supervisor <id>] [--program-manager <id>] [--reason <text>] --as <hr-id>
      at least one of --agency, --supervisor, --program-manager; the three-year clock runs on
  report <programId> --period-ending <date> --summary <text> --as <trainee-employee-id>
      the trainee's progress report for the period ending on that date
  review <programId> <periodEnding> --on <date> [--comments <text>] --as <program-manager-id> [--role supervisor]
  retract <programId> <milestoneId> --reason <text> --as <id> [--role supervisor|program-manager|hr]
      a correction: the sign-off was recorded in error (it stays in the log; a new event points at it)
  cancel-leave <programId> --from <date> --to <date> --reason <text> --as <hr-id>
      a correction: the leave was recorded in error
  list [--status <status>] [--agency <code>] [--target-class <code>] [--cap-before <date>] [--limit <n>] [--cursor <c>]
  import <file.csv|file.json> (--as <hr-id> | --token <jwt>) [--chunk-size <rows>]
      through the HTTP API (API_URL); a progress bar on stderr; safe to run again after a failure
  token --sub <id> --role <role> [--role <role> …] [--ttl 8h]
      a signed API token for local use (AUTH_JWT_SECRET), at most 12h; roles: ${API_ROLES.join(', ')}

Every command takes --json for machine-readable output. Dates are YYYY-MM-DD (America/New_York).`;

class UsageError extends Error {}

interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** What the commands over the HTTP API need (import) and what signs tokens (token, import --as). */
export interface ApiContext {
  apiUrl?: string;
  authSecret?: string;
  /** Where the import's progress bar goes; none when absent (tests) or when it is not a terminal. */
  progress?: NodeJS.WritableStream;
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
  supervisor: { type: 'string' },
  'period-ending': { type: 'string' },
  summary: { type: 'string' },
  'program-manager': { type: 'string' },
  status: { type: 'string' },
  agency: { type: 'string' },
  'target-class': { type: 'string' },
  'cap-before': { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  token: { type: 'string' },
  'chunk-size': { type: 'string' },
  sub: { type: 'string' },
  role: { type: 'string', multiple: true },
  ttl: { type: 'string', default: '8h' },
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
    `supervisor / PM    ${p.supervisorId} / ${p.programManagerId}`,
    `target class       ${p.targetClassCode}`,
    `appointed          ${p.appointmentDate}`,
    `earliest reclass.  ${p.earliestReclassificationDate}`,
    `latest completion  ${p.latestCompletionDate}`,
    `schedule           ${p.schedule.dasApprovalRef} (approved ${p.schedule.approvedOn}), planned end ${p.schedule.plannedEndDate}`,
    `service rating     ${p.serviceRating ? `${p.serviceRating.rating} on ${p.serviceRating.ratedOn}` : 'none yet'}`,
    `qualification      ${p.qualification.meetsTargetClass === null ? 'not assessed' : p.qualification.meetsTargetClass ? 'meets the target class' : `${p.qualification.shortfallYears} years short`} (as of ${p.qualification.asOf})`,
  ];
  // Why not yet (DOMAIN.md decision 13): what reclassification still needs, and when it would come.
  rows.push(`reclassifies on    ${p.reclassifiesOn ?? 'not possible as things stand'}${p.reclassification ? '' : ' (if the rest is done in time)'}`);
  rows.push('checklist');
  for (const item of p.checklist) rows.push(`  [${item.met ? 'x' : ' '}] ${item.requirement.padEnd(34)} ${item.detail}`);
  if (p.hrDecision) {
    rows.push(`HR decision        pending since ${p.hrDecision.requestedOn} on the unsatisfactory rating of ${p.hrDecision.ratedOn}${p.hrDecision.escalated ? ', escalated to DAS' : `; escalated on ${p.hrDecision.escalatesOn}`}`);
  }
  if (p.scheduledRemoval) rows.push(`removal            confirmed, effective ${p.scheduledRemoval.effectiveOn}`);
  if (p.reclassification) rows.push(`reclassified       effective ${p.reclassification.effectiveOn} (notice ${p.reclassification.noticeId})`);
  if (p.ended) rows.push(`ended              ${p.ended.on} (${p.ended.reason})`);
  for (const r of p.progressReports) {
    rows.push(`report             period ending ${r.periodEnding}, submitted ${r.submittedOn}${r.reviewedOn ? `, reviewed ${r.reviewedOn} by ${r.reviewedBy ?? 'unknown'}` : ', awaiting review'}`);
  }
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

function configured(value: string | undefined, variable: string): string {
  if (value === undefined) throw new UsageError(`${variable} is not configured`);
  return value;
}

function need(value: string | undefined, flag: string): string {
  if (value === undefined) throw new UsageError(`--${flag} is required`);
  return value;
}

export async function runCli(argv: string[], programs: ProgramClient, db: pg.Pool | null, io: Output, api: ApiContext = {}): Promise<number> {
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
      case 'preview': {
        const file = args[0];
        if (!file) throw new UsageError('preview needs the path of an enrollment JSON file');
        const preview = await programs.preview(await readJson(file), actor(values, 'hr'));
        const violations = preview.violations.map((v) => `  ${v.code} (${v.field}): ${v.message}`);
        const human = [
          preview.violations.length === 0 ? 'can be enrolled; nothing was started' : `breaks ${preview.violations.length} rule(s); nothing was started`,
          ...violations,
          ...(preview.program ? ['', formatProgram(preview.program)] : []),
        ].join('\n');
        print(preview, human);
        return preview.violations.length === 0 ? EXIT.ok : EXIT.rule;
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
      case 'confirm-qualification': {
        showProgram(await programs.confirmQualification(programId(), { reason: need(values.reason, 'reason') }, actor(values, 'hr')));
        return EXIT.ok;
      }
      case 'confirm-removal': {
        const body = { effectiveOn: need(values.on, 'on'), reason: need(values.reason, 'reason') };
        showProgram(await programs.confirmRemoval(programId(), body, actor(values, 'hr')));
        return EXIT.ok;
      }
      case 'remediate': {
        const file = args[1];
        if (!file) throw new UsageError('remediate needs a programId and the path of a remediation JSON file');
        showProgram(await programs.recordRemediation(programId(), await readJson(file), actor(values, 'hr')));
        return EXIT.ok;
      }
      case 'cancel-withdrawal': {
        showProgram(await programs.cancelWithdrawal(programId(), { reason: need(values.reason, 'reason') }, actor(values, 'hr')));
        return EXIT.ok;
      }
      case 'transfer': {
        const body = {
          effectiveOn: need(values.on, 'on'),
          ...(values.agency !== undefined ? { agency: values.agency } : {}),
          ...(values.supervisor !== undefined ? { supervisorId: values.supervisor } : {}),
          ...(values['program-manager'] !== undefined ? { programManagerId: values['program-manager'] } : {}),
          ...(values.reason !== undefined ? { reason: values.reason } : {}),
        };
        showProgram(await programs.transfer(programId(), body, actor(values, 'hr')));
        return EXIT.ok;
      }
      case 'report': {
        const body = { periodEnding: need(values['period-ending'], 'period-ending'), summary: need(values.summary, 'summary') };
        showProgram(await programs.submitProgressReport(programId(), body, actor(values, 'trainee')));
        return EXIT.ok;
      }
      case 'review': {
        const periodEnding = args[1];
        if (!periodEnding) throw new UsageError('review needs a programId and the periodEnding of the report');
        const role = values.role?.[0] ?? 'program-manager';
        if (role !== 'supervisor' && role !== 'program-manager') throw new UsageError('--role must be program-manager or supervisor');
        const body = { reviewedOn: need(values.on, 'on'), ...(values.comments ? { comments: values.comments } : {}) };
        showProgram(await programs.reviewProgressReport(programId(), periodEnding, body, actor(values, role)));
        return EXIT.ok;
      }
      case 'retract': {
        const milestoneId = args[1];
        if (!milestoneId) throw new UsageError('retract needs a programId and a milestoneId');
        const role = values.role?.[0] ?? 'supervisor';
        if (role !== 'supervisor' && role !== 'program-manager' && role !== 'hr') throw new UsageError('--role must be supervisor, program-manager or hr');
        showProgram(await programs.retractSignOff(programId(), milestoneId, { reason: need(values.reason, 'reason') }, actor(values, role)));
        return EXIT.ok;
      }
      case 'cancel-leave': {
        const body = { from: need(values.from, 'from'), to: need(values.to, 'to'), reason: need(values.reason, 'reason') };
        showProgram(await programs.cancelLeave(programId(), body, actor(values, 'hr')));
        return EXIT.ok;
      }
      case 'list': {
        if (!db) throw new Error('list needs the database');
        const page = await createQueries(db).listPrograms(listFilter(values));
        print(page, formatProgramTable(page.items, page.nextCursor));
        return EXIT.ok;
      }
      case 'token': {
        const sub = need(values.sub, 'sub');
        // The API records `sub` as the actor of what the token does, so it has an actor id's shape.
        if (!actorSchema.shape.id.safeParse(sub).success) throw new UsageError('--sub must be a staff or employee id: letters, digits, ".", "_", ":" or "-"');
        const roles = (values.role ?? []).map(apiRole);
        if (roles.length === 0) throw new UsageError('--role is required (once per role)');
        const secret = configured(api.authSecret, 'AUTH_JWT_SECRET');
        let token: string;
        try {
          token = await mintToken(secret, { sub, roles, ttl: values.ttl });
        } catch {
          throw new UsageError('--ttl must be a time span such as 30m, 8h or 2d');
        }
        const { exp = 0, iat = 0 } = decodeJwt(token);
        if (exp - iat > MAX_TOKEN_LIFETIME_SECONDS) throw new UsageError('--ttl must be 12h or less: the API refuses tokens that live longer');
        print({ token, sub, roles }, token);
        return EXIT.ok;
      }
      case 'import': {
        const file = args[0];
        if (!file) throw new UsageError('import needs the path of a .csv or .json file');
        return await importFile(file, values, api, io, print);
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    return report(error, io, values.json);
  }
}

const STATUSES: readonly ProgramStatus[] = ['active', 'awaiting-minimum', 'reclassified', 'expired', 'ended'];

function apiRole(value: string): ApiRole {
  const role = API_ROLES.find((r) => r === value);
  if (!role) throw new UsageError(`"${value}" is not a role; one of ${API_ROLES.join(', ')}`);
  return role;
}

function listFilter(values: { status?: string; agency?: string; 'target-class'?: string; 'cap-before'?: string; limit?: string; cursor?: string }): ProgramListFilter {
  const filter: ProgramListFilter = {};
  if (values.status !== undefined) {
    const status = STATUSES.find((s) => s === values.status);
    if (!status) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
    filter.status = status;
  }
  if (values.agency !== undefined) filter.agency = values.agency;
  if (values['target-class'] !== undefined) filter.targetClass = values['target-class'];
  if (values['cap-before'] !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values['cap-before'])) throw new UsageError('--cap-before must be a date written YYYY-MM-DD');
    filter.capBefore = values['cap-before'];
  }
  if (values.limit !== undefined) {
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw new UsageError(`--limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
    filter.limit = limit;
  }
  if (values.cursor !== undefined) filter.cursor = values.cursor;
  return filter;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function formatProgramTable(programs: ProgramView[], nextCursor: string | null): string {
  if (programs.length === 0) return 'no programs';
  const rows = programs.map((p) => [
    p.programId,
    p.status,
    p.agency,
    p.targetClassCode,
    p.appointmentDate,
    p.earliestReclassificationDate,
    p.latestCompletionDate,
    `${p.milestones.filter((m) => m.status === 'signed-off').length}/${p.milestones.length}`,
  ]);
  const shown = table(['program', 'status', 'agency', 'class', 'appointed', 'earliest', 'latest', 'signed'], rows);
  return nextCursor ? `${shown}\n\nmore: --cursor ${nextCursor}` : shown;
}

/** The API's answer to an import request, or its error, checked before use. */
const importAnswer = z.union([importResponse, errorResponse]);

async function importFile(
  file: string,
  values: { as?: string; token?: string; 'chunk-size'?: string; json: boolean },
  api: ApiContext,
  io: Output,
  print: (result: unknown, human: string) => void,
): Promise<number> {
  const chunkSize = values['chunk-size'] === undefined ? 25 : Number(values['chunk-size']);
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_IMPORT_ROWS) {
    throw new UsageError(`--chunk-size must be a whole number from 1 to ${MAX_IMPORT_ROWS}`);
  }
  const apiUrl = configured(api.apiUrl, 'API_URL');
  const token = values.token ?? (values.as ? await mintToken(configured(api.authSecret, 'AUTH_JWT_SECRET'), { sub: values.as, roles: ['hr'], ttl: '1h' }) : undefined);
  if (!token) throw new UsageError('import needs --as <hr-id> (a local token is signed with AUTH_JWT_SECRET) or --token <jwt>');

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
    for (const chunk of splitCsv(text, chunkSize)) chunks.push({ body: chunk.text, contentType: 'text/csv', rows: chunk.rows });
  }
  const total = chunks.reduce((sum, c) => sum + c.rows, 0);
  if (total === 0) throw new UsageError(`${file} has no rows to import`);

  const bar = api.progress
    ? new cliProgress.SingleBar(
        {
          stream: api.progress,
          format: 'importing [{bar}] {value}/{total} rows | {created} created, {problems} with problems',
          hideCursor: true,
          // main.ts passes a stream only when it is a terminal; tests pass a plain one and read it.
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
      const response = await fetch(new URL('/v1/programs/import', apiUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': chunk.contentType },
        body: chunk.body,
      });
      const answer = importAnswer.safeParse(await response.json().catch(() => null));
      if (!answer.success) throw new Error(`the API answered ${response.status} with a body that is not an import result`);
      if ('error' in answer.data) throw new ApiAnswerError(response.status, answer.data.error);
      // Row numbers in the answer count from the chunk's first row.
      const offset = results.length;
      results.push(...answer.data.results.map((r) => ({ ...r, row: r.row + offset })));
      bar?.update(results.length, {
        created: results.filter((r) => r.status === 'created').length,
        problems: results.filter((r) => r.status !== 'created' && r.status !== 'already-enrolled').length,
      });
    }
  } finally {
    bar?.stop();
  }
  const summary = {
    rows: results.length,
    created: results.filter((r) => r.status === 'created').length,
    alreadyEnrolled: results.filter((r) => r.status === 'already-enrolled').length,
    invalid: results.filter((r) => r.status === 'invalid').length,
    rejected: results.filter((r) => r.status === 'rejected').length,
    failed: results.filter((r) => r.status === 'failed').length,
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

/** An error answer of the HTTP API. */
class ApiAnswerError extends Error {
  constructor(
    readonly status: number,
    readonly body: { code: string; message: string; issues?: { path: string; message: string }[] | undefined },
  ) {
    super(body.message);
    this.name = 'ApiAnswerError';
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
  if (error instanceof InvalidCursorError) return emit(EXIT.invalid, { code: 'invalid-cursor', message: error.message }, error.message);
  if (error instanceof ApiAnswerError) {
    const code = error.status === 400 || error.status === 413 || error.status === 415 ? EXIT.invalid : error.status === 404 ? EXIT.notFound : error.status === 422 ? EXIT.rule : EXIT.failure;
    const issues = (error.body.issues ?? []).map((i) => `  ${i.path || '(body)'}: ${i.message}`);
    return emit(code, error.body, [`the API refused (${error.status} ${error.body.code}): ${error.body.message}`, ...issues].join('\n'));
  }
  return emit(EXIT.failure, { code: 'failure', message: (error as Error).message }, `failed: ${(error as Error).message}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const config = loadConfig();
  // Lazy: `token`, `list` and `import` do not talk to Temporal, and need not wait for it.
  const connection = Connection.lazy(config.temporal.connectionOptions);
  // Warnings only on stderr: the CLI's stdout is its answer.
  const db = createPool({ connectionString: config.DATABASE_URL, max: 2, name: 'cli', log: { warn: (fields: object, message?: string) => console.error(message ?? '', fields) } });
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: encryptingDataConverter(config.payloadKeys) });
  const programs = createProgramClient({ client, taskQueue: config.TEMPORAL_TASK_QUEUE, reservations: createEnrollmentReservations(db) });
  const code = await runCli(
    process.argv.slice(2),
    programs,
    db,
    { out: (l) => console.log(l), err: (l) => console.error(l) },
    { apiUrl: config.API_URL, authSecret: config.AUTH_JWT_SECRET, ...(process.stderr.isTTY ? { progress: process.stderr } : {}) },
  );
  await Promise.all([connection.close(), db.end()]);
  process.exitCode = code;
}
