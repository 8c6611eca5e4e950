/**
 * Bulk enrollment: CSV or a JSON array in, one result per row out. Each row is enrolled under a
 * program id derived from the trainee, the appointment date and the target class, so running the
 * same file again after a partial failure finds the rows already enrolled instead of enrolling them
 * twice. A bad row is reported and the others go on.
 */
import { createHmac } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { InvalidInputError, ProgramConflictError, RuleViolationError, type ProgramClient } from '../client/programs.js';
import type { Actor } from '../domain/program.js';
import { enrollmentSchema } from '../domain/schemas.js';
import { ApiError, errorBodyFor, issuesOf } from './errors.js';
import { summaryOf } from './messages.js';
import { MAX_IMPORT_ROWS, type ImportRowResult } from './schemas.js';

// --- The CSV format ---------------------------------------------------------------------------

type ColumnKind = 'text' | 'number' | 'degrees' | 'milestones' | 'entries';

/** The CSV columns: the enrollment's named fields, flattened with dots. Order does not matter. */
export const CSV_COLUMNS: readonly { name: string; kind: ColumnKind; description: string; optional?: true; fields?: readonly string[] }[] =
  [
    { name: 'trainee.employeeId', kind: 'text', description: 'employee id' },
    { name: 'trainee.name', kind: 'text', description: 'full name' },
    { name: 'trainee.email', kind: 'text', description: 'e-mail address' },
    { name: 'agency', kind: 'text', description: 'agency code, e.g. OPM' },
    { name: 'functionalRole', kind: 'text', description: 'functional role title' },
    { name: 'targetClassCode', kind: 'text', description: 'approved target class, e.g. 5257MP' },
    { name: 'supervisorId', kind: 'text', description: 'staff id of the supervisor' },
    { name: 'programManagerId', kind: 'text', description: 'staff id of the program manager' },
    { name: 'appointmentDate', kind: 'text', description: 'YYYY-MM-DD' },
    { name: 'hoursPerWeek', kind: 'number', description: '40' },
    { name: 'schedule.dasApprovalRef', kind: 'text', description: 'DAS approval reference' },
    { name: 'schedule.approvedOn', kind: 'text', description: 'YYYY-MM-DD' },
    { name: 'schedule.plannedEndDate', kind: 'text', description: 'YYYY-MM-DD' },
    { name: 'schedule.milestones', kind: 'milestones', description: '`id|title|dueDate` entries separated by `;`' },
    { name: 'priorExperience.generalYears', kind: 'number', description: 'years' },
    { name: 'priorExperience.specialYears', kind: 'number', description: 'years' },
    { name: 'education.semesterHours', kind: 'number', description: 'semester hours of college' },
    { name: 'education.degrees', kind: 'degrees', description: '`bachelor`, `master`, `law`, separated by `;`; empty for none' },
    // A migrated program's past (decision 10): optional columns, empty for none.
    {
      name: 'priorRecords.signOffs',
      kind: 'entries',
      fields: ['milestoneId', 'signedOn', 'signedOffBy'],
      optional: true,
      description: 'optional: sign-offs already recorded, `milestoneId|signedOn|signedOffBy` entries separated by `;`',
    },
    {
      name: 'priorRecords.serviceRatings',
      kind: 'entries',
      fields: ['rating', 'ratedOn', 'ratedBy'],
      optional: true,
      description: 'optional: service ratings already recorded, `rating|ratedOn|ratedBy` entries separated by `;`',
    },
    {
      name: 'priorRecords.leaves',
      kind: 'entries',
      fields: ['from', 'to', 'kind'],
      optional: true,
      description: 'optional: leave already recorded, `from|to|kind` entries separated by `;`',
    },
  ];

const columnByName = new Map(CSV_COLUMNS.map((c) => [c.name, c]));

/** The CSV format as the OpenAPI document and docs/api.md describe it. */
export const CSV_FORMAT_DESCRIPTION = [
  'CSV (RFC 4180, UTF-8, comma-separated, a header row naming the columns in any order). Columns:',
  '',
  ...CSV_COLUMNS.map((c) => `- \`${c.name}\`: ${c.description}`),
  '',
  'A milestone is `id|title|dueDate`; several are separated by `;` (a title may contain `|` but not `;`).',
  'Quote a field that contains a comma or a line break. Empty lines are skipped.',
].join('\n');

/**
 * A row of the input: its 1-based number and either the value to enroll or why it could not be read.
 * A CSV row keeps its cells as sent (in the file's column order) and an unreadable one its text, so
 * a file of the rejected rows gives HR back what they wrote.
 */
export type ImportRow = { row: number; value: unknown; cells?: string[] } | { row: number; unreadable: string; raw?: string };

/**
 * The column a file of rejected rows adds with each row's reason; an import ignores it, so the
 * fixed file goes back as it is.
 */
export const REASON_COLUMN = 'reason';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

function cellValue(kind: ColumnKind, cell: string, fields: readonly string[] = []): unknown {
  if (kind === 'degrees') return cell === '' ? [] : cell.split(';').map((d) => d.trim());
  if (cell === '') return undefined; // reported by the schema as a missing field
  if (kind === 'entries') {
    // `a|b|c` per entry: each part in the order of `fields`; the schema names what is missing or extra.
    return cell
      .split(';')
      .map((entry) => Object.fromEntries(entry.split('|').map((part, i) => [fields[i] ?? `field${i + 1}`, part.trim()])));
  }
  if (kind === 'number') return NUMBER.test(cell) ? Number(cell) : cell;
  if (kind === 'milestones') {
    return cell.split(';').map((entry) => {
      // The id is before the first `|` and the due date after the last: a title keeps its own `|`s
      // and the spaces around them (only its ends are trimmed).
      const first = entry.indexOf('|');
      const last = entry.lastIndexOf('|');
      if (first === -1) return { id: entry.trim() };
      if (first === last) return { id: entry.slice(0, first).trim(), title: entry.slice(first + 1).trim() };
      return { id: entry.slice(0, first).trim(), title: entry.slice(first + 1, last).trim(), dueDate: entry.slice(last + 1).trim() };
    });
  }
  return cell;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const child = node[key];
    if (typeof child === 'object' && child !== null) node = child as Record<string, unknown>;
    else node = node[key] = {};
  }
  const last = keys.at(-1);
  if (last !== undefined && value !== undefined) node[last] = value;
}

const parsedRecords = z.array(z.object({ record: z.array(z.string()), raw: z.string(), info: z.object({ records: z.number() }) }));

interface CsvRecord {
  /** 1-based index among the records, the header included. */
  index: number;
  fields: string[] | null;
  raw: string;
  problem?: string;
}

/** Reads every record, keeping a record the parser cannot read (a stray quote) as a problem. */
function readCsvRecords(text: string): CsvRecord[] {
  const unreadable = new Map<number, CsvRecord>();
  let parsed;
  try {
    parsed = parseCsv(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      raw: true,
      info: true,
      skip_records_with_error: true,
      on_skip: (error, raw) => {
        if (!error) return undefined;
        const index = (typeof error.records === 'number' ? error.records : unreadable.size) + 1;
        // A broken quote can make the parser report the same record more than once, each time with
        // more of the text after it: keep the first reason and the longest text.
        const known = unreadable.get(index);
        unreadable.set(index, { index, fields: null, raw: raw ?? known?.raw ?? '', problem: known?.problem ?? csvProblem(error.code) });
        return undefined;
      },
    });
  } catch {
    throw new ApiError(400, 'invalid-csv', 'The body is not CSV this server can read.');
  }
  // csv-parse's sync typings do not follow the `raw` and `info` options; check the shape instead.
  const records: CsvRecord[] = parsedRecords.parse(parsed).map((r) => ({ index: r.info.records, fields: r.record, raw: r.raw }));
  return [...records, ...unreadable.values()].sort((a, b) => a.index - b.index);
}

function csvProblem(code: string): string {
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is not closed; the rest of the file after it cannot be read';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quote inside a field must be doubled, or the field quoted';
    default:
      return 'the row is not well-formed CSV';
  }
}

function headerProblem(header: string[]): ApiError | null {
  const issues: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  header.forEach((name, index) => {
    if (name === REASON_COLUMN) return;
    if (!columnByName.has(name)) issues.push({ path: `header[${index}]`, message: `"${name}" is not a column of the import format` });
    if (seen.has(name)) issues.push({ path: `header[${index}]`, message: `"${name}" appears more than once` });
    seen.add(name);
  });
  for (const column of CSV_COLUMNS) {
    if (!seen.has(column.name) && !column.optional) issues.push({ path: 'header', message: `the column "${column.name}" is missing` });
  }
  return issues.length > 0 ? new ApiError(400, 'invalid-csv-header', 'The CSV header does not name the import columns.', issues) : null;
}

/** The rows of a CSV import. A bad header rejects the whole file (400): no row could be right. */
export function rowsFromCsv(text: string): ImportRow[] {
  const [header, ...records] = readCsvRecords(text);
  if (!header?.fields)
    throw new ApiError(400, 'invalid-csv-header', 'The CSV has no header row.', [
      { path: 'header', message: 'a header row naming the columns is required' },
    ]);
  const problem = headerProblem(header.fields);
  if (problem) throw problem;
  const columns = header.fields;
  return records.map((record, position): ImportRow => {
    const row = position + 1;
    if (!record.fields) return { row, unreadable: record.problem ?? 'the row is not well-formed CSV', raw: record.raw };
    if (record.fields.length !== columns.length) {
      return { row, unreadable: `the row has ${record.fields.length} fields; the header has ${columns.length}`, raw: record.raw };
    }
    const value: Record<string, unknown> = {};
    record.fields.forEach((cell, index) => {
      const column = columnByName.get(columns[index] ?? '');
      if (column) setPath(value, column.name, cellValue(column.kind, cell, column.fields));
    });
    return { row, value, cells: record.fields };
  });
}

/** The header of a CSV import as sent (its column order), the reason column left out. */
export function csvHeaderOf(text: string): string[] {
  const [header] = readCsvRecords(text);
  return (header?.fields ?? []).filter((name) => name !== REASON_COLUMN);
}

/** The import format's columns: the required ones and any optional one a row of `values` uses. */
export function csvColumnsFor(values: readonly unknown[]): string[] {
  return CSV_COLUMNS.filter((c) => !c.optional || values.some((v) => valueAt(v, c.name) !== undefined)).map((c) => c.name);
}

function valueAt(value: unknown, path: string): unknown {
  let node = value;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * A JSON row written as the CSV format's cells for `columns` (the inverse of reading a CSV row), so
 * the rejected rows of a JSON import can be fixed in a spreadsheet too. A value of the wrong shape is
 * written as JSON: the import then names the field again.
 */
export function csvCellsOf(value: unknown, columns: readonly string[]): string[] {
  const text = (v: unknown): string =>
    v === undefined || v === null ? '' : typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v);
  return columns.map((name) => {
    const column = columnByName.get(name);
    const cell = valueAt(value, name);
    if (!column || !Array.isArray(cell)) return text(cell);
    if (column.kind === 'degrees') return cell.map(text).join(';');
    const parts = column.kind === 'milestones' ? ['id', 'title', 'dueDate'] : (column.fields ?? []);
    if (column.kind === 'milestones' || column.kind === 'entries') {
      return cell.map((entry) => parts.map((part) => text(valueAt(entry, part))).join('|')).join(';');
    }
    return text(cell);
  });
}

/** The trainee a row names, when it names one (for results people can read). */
export function traineeOf(value: unknown): { employeeId: string; name: string } | undefined {
  const employeeId = valueAt(value, 'trainee.employeeId');
  const name = valueAt(value, 'trainee.name');
  return typeof employeeId === 'string' && typeof name === 'string' ? { employeeId, name } : undefined;
}

/** The rows of a JSON import: an array of enrollments. */
export function rowsFromJson(body: unknown): ImportRow[] {
  if (!Array.isArray(body)) {
    throw new ApiError(400, 'invalid-input', 'A JSON import is an array of enrollments.', [{ path: '', message: 'expected an array' }]);
  }
  return body.map((value: unknown, index) => ({ row: index + 1, value }));
}

export function checkRowCount(rows: readonly ImportRow[]): void {
  if (rows.length === 0)
    throw new ApiError(400, 'invalid-input', 'The import has no rows.', [{ path: '', message: 'at least one row is required' }]);
  if (rows.length > MAX_IMPORT_ROWS) {
    throw new ApiError(400, 'too-many-rows', `One import takes at most ${MAX_IMPORT_ROWS} rows; send the rest in another request.`, [
      { path: '', message: `${rows.length} rows given` },
    ]);
  }
}

// --- Enrolling the rows -----------------------------------------------------------------------------

/**
 * The program a row enrolls: the same trainee, appointment and target class give the same id. An
 * HMAC under the server's secret (IMPORT_ID_SECRET), so that an id does not give back the employee
 * to someone who tries employee ids against the dates and class the search attributes show.
 */
export function importProgramId(
  secret: string,
  enrollment: { trainee: { employeeId: string }; appointmentDate: string; targetClassCode: string },
): string {
  const identity = `import:${enrollment.trainee.employeeId}:${enrollment.appointmentDate}:${enrollment.targetClassCode}`;
  return `p-${createHmac('sha256', secret).update(identity).digest('hex').slice(0, 32)}`;
}

export interface EnrollRowsOptions {
  idSecret: string;
  /** Whether the caller may enroll in this agency (HR of some agencies only). */
  mayEnroll?: (agency: string) => boolean;
  /** The row's staff ids the directory does not know, as the API's error; null when all are known. */
  staffProblem?: (row: { supervisorId: string; programManagerId: string }) => Promise<Error | null>;
}

/** Rows enrolled side by side: enough to hide Temporal's round trips, few enough for two cores. */
const CONCURRENT_ROWS = 4;

export async function enrollRows(
  rows: readonly ImportRow[],
  programs: ProgramClient,
  actor: Actor,
  options: EnrollRowsOptions,
): Promise<ImportRowResult[]> {
  const results: ImportRowResult[] = new Array<ImportRowResult>(rows.length);
  let next = 0;
  const work = async (): Promise<void> => {
    while (next < rows.length) {
      const index = next++;
      const row = rows[index];
      if (row) results[index] = await enrollRow(row, programs, actor, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_ROWS, rows.length) }, work));
  return results;
}

async function enrollRow(row: ImportRow, programs: ProgramClient, actor: Actor, options: EnrollRowsOptions): Promise<ImportRowResult> {
  if ('unreadable' in row) {
    return {
      row: row.row,
      status: 'invalid',
      error: { code: 'invalid-csv-row', message: 'The row could not be read.', issues: [{ path: '', message: row.unreadable }] },
    };
  }
  const trainee = traineeOf(row.value);
  return { row: row.row, ...(trainee && { trainee }), ...(await enrollReadableRow(row.value, programs, actor, options)) };
}

async function enrollReadableRow(
  value: unknown,
  programs: ProgramClient,
  actor: Actor,
  { idSecret, mayEnroll, staffProblem }: EnrollRowsOptions,
): Promise<Omit<ImportRowResult, 'row' | 'trainee'>> {
  const parsed = enrollmentSchema.safeParse(value);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error, value);
    return { status: 'invalid', error: { code: 'invalid-input', message: summaryOf(issues), issues } };
  }
  if (mayEnroll && !mayEnroll(parsed.data.agency)) {
    const message = 'Your token does not cover this agency.';
    return { status: 'rejected', error: { code: 'forbidden', message, issues: [{ path: 'agency', message }] } };
  }
  const unknownStaff = staffProblem ? await staffProblem(parsed.data) : null;
  if (unknownStaff) return { status: 'rejected', error: errorBodyFor(unknownStaff).body };
  const programId = importProgramId(idSecret, parsed.data);
  try {
    await programs.enroll(parsed.data, actor, { programId });
    return { status: 'created', programId };
  } catch (error) {
    if (error instanceof ProgramConflictError) return { status: 'already-enrolled', programId };
    const { body } = errorBodyFor(error);
    if (error instanceof RuleViolationError) return { status: 'rejected', error: body };
    if (error instanceof InvalidInputError) return { status: 'invalid', error: body };
    return { status: 'failed', error: body };
  }
}

export function summarize(results: readonly ImportRowResult[]) {
  const count = (status: ImportRowResult['status']): number => results.filter((r) => r.status === status).length;
  return {
    rows: results.length,
    created: count('created'),
    alreadyEnrolled: count('already-enrolled'),
    invalid: count('invalid'),
    rejected: count('rejected'),
    failed: count('failed'),
  };
}
