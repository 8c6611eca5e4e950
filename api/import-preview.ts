/**
 * The dry run of a bulk import (hr): the same file as POST /v1/programs/import, read by the same
 * code, and for every row what the import would do (enroll the trainee, with the program's dates,
 * or the rules it breaks, by field) before anything is created. Each readable row is worked out by
 * the enrollment preview (POST /v1/programs/preview), so the dry run and the import judge alike.
 * The answer also carries each row as the import's CSV cells, so a client can write the rows to fix
 * as a file in the import's own format.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { ProgramClient } from '../client/programs.js';
import { addDays, addMonths, civilDateInNewYork, type CivilDate } from '../domain/dates.js';
import { enrollmentSchema } from '../domain/schemas.js';
import { API_ROLES, actorFor, hrCovers, type Principal } from './auth.js';
import { forbidden, issuesOf } from './errors.js';
import {
  CSV_COLUMNS,
  CSV_FORMAT_DESCRIPTION,
  REASON_COLUMN,
  checkRowCount,
  csvCellsOf,
  csvColumnsFor,
  csvHeaderOf,
  rowsFromCsv,
  rowsFromJson,
  traineeOf,
  type ImportRow,
} from './import.js';
import { errorResponse, MAX_IMPORT_ROWS } from './schemas.js';
import { unknownStaffError } from './staff.js';

const problem = z.object({
  field: z.string().describe('The field as the import names it; empty for the whole row'),
  code: z.string(),
  message: z.string(),
});

export const importPreviewRow = z
  .object({
    row: z.number().int().describe('1-based, as in the import'),
    action: z.enum(['enroll', 'fix']).describe('`enroll`: the import would enroll this row; `fix`: it breaks the rules in `problems`'),
    trainee: z.object({ employeeId: z.string(), name: z.string() }).optional(),
    appointmentDate: z.iso.date().optional(),
    earliestReclassificationDate: z.iso.date().optional(),
    latestCompletionDate: z.iso.date().optional(),
    milestones: z.number().int().optional().describe('How many milestones the schedule has'),
    problems: z.array(problem),
    enrollment: z.unknown().optional().describe('The row read as an enrollment (the JSON import of it), when it could be read'),
    cells: z
      .array(z.string())
      .nullable()
      .describe('The row as CSV cells in the order of `columns`; null for a CSV row that could not be read'),
    raw: z.string().optional().describe('The text of a CSV row that could not be read'),
  })
  .meta({ id: 'ImportPreviewRow' });

export const importPreviewResponse = z
  .object({
    columns: z
      .array(z.string())
      .describe(`The CSV header for \`cells\` (a file of rows to fix adds a \`${REASON_COLUMN}\` column, which the import ignores)`),
    rows: z.array(importPreviewRow),
    summary: z.object({ rows: z.number().int(), toEnroll: z.number().int(), toFix: z.number().int() }),
  })
  .meta({ id: 'ImportPreview' });

type ImportPreview = z.infer<typeof importPreviewResponse>;
type PreviewRow = z.infer<typeof importPreviewRow>;

export interface ImportPreviewRoutesOptions {
  programs: ProgramClient;
  db: Pool;
  bodyLimit: number;
  /** Today in New York, for the template's example dates. */
  today?: () => CivilDate;
}

/** An enrollment to show the format: appointed today, with the development directory's staff. */
function exampleEnrollment(appointmentDate: CivilDate): unknown {
  return {
    trainee: { employeeId: 'E1234567', name: 'Jordan Example', email: 'jordan.example@ct.gov' },
    agency: 'OPM',
    functionalRole: 'Agency Labor Relations Specialist Trainee',
    targetClassCode: '5257MP',
    supervisorId: 'sup-0001',
    programManagerId: 'pm-0001',
    appointmentDate,
    hoursPerWeek: 40,
    schedule: {
      dasApprovalRef: 'DAS-2026-0142',
      approvedOn: addDays(appointmentDate, -14),
      plannedEndDate: addMonths(appointmentDate, 18),
      milestones: [
        { id: 'm1', title: 'Contract administration rotation', dueDate: addMonths(appointmentDate, 6) },
        { id: 'm2', title: 'Independent agency assignment', dueDate: addMonths(appointmentDate, 12) },
      ],
    },
    priorExperience: { generalYears: 5, specialYears: 2 },
    education: { semesterHours: 120, degrees: ['bachelor'] },
  };
}

/** One CSV line (RFC 4180): a cell with a comma, quote or line break is quoted. */
export const csvLine = (cells: readonly string[]): string =>
  cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',');

export async function importPreviewRoutes(
  app: FastifyInstance,
  { programs, db, bodyLimit, today = () => civilDateInNewYork(Date.now()) }: ImportPreviewRoutesOptions,
): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/programs/import/template',
    {
      schema: {
        tags: ['programs'],
        summary: 'A CSV template for the import: the header and one example row (hr)',
        description:
          'Every column the import reads, the optional ones of a migrated program included, and an example enrollment appointed today to replace.',
        response: {
          200: { description: 'The template', content: { 'text/csv': { schema: z.string() } } },
          401: errorResponse,
          403: errorResponse,
        },
      },
      config: { access: { kind: 'roles', roles: ['hr'] } },
    },
    async (_request, reply) => {
      const columns = CSV_COLUMNS.map((c) => c.name);
      const text = [columns, csvCellsOf(exampleEnrollment(today()), columns)].map(csvLine).join('\r\n');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="import-template.csv"')
        .send(`${text}\r\n`);
    },
  );

  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit }, (_request, body, done) => done(null, body));
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/programs/import/preview',
    {
      bodyLimit,
      schema: {
        tags: ['programs'],
        summary: 'What an import would do, row by row, with nothing created (hr)',
        description: [
          `The body of \`POST /v1/programs/import\` (CSV or a JSON array, at most ${MAX_IMPORT_ROWS} rows). For each row: \`enroll\` with the trainee and the program's dates,`,
          'or `fix` with every rule it breaks, by field (the schema, the program rules of `POST /v1/programs/preview`, the staff directory, the agencies of the token).',
          'Nothing is started or stored. A row the preview passes may still be refused by the import when the trainee already has an open program.',
          '',
          CSV_FORMAT_DESCRIPTION,
        ].join('\n'),
        response: {
          200: importPreviewResponse,
          400: errorResponse,
          401: errorResponse,
          403: errorResponse,
          413: errorResponse,
          415: errorResponse,
        },
      },
      config: { access: { kind: 'roles', roles: ['hr'] } },
    },
    async (request): Promise<ImportPreview> => {
      const csv = typeof request.body === 'string' ? request.body : null;
      const rows = csv !== null ? rowsFromCsv(csv) : rowsFromJson(request.body);
      checkRowCount(rows);
      const principal = principalOf(request);
      const actor = actorFor(principal, API_ROLES);
      if (!actor) throw forbidden();
      const columns = csv !== null ? csvHeaderOf(csv) : csvColumnsFor(rows.map((r) => ('value' in r ? r.value : undefined)));
      const judged: PreviewRow[] = [];
      for (const row of rows) judged.push(await previewRow(row, columns, { programs, db, principal, actor }));
      const toEnroll = judged.filter((r) => r.action === 'enroll').length;
      return { columns, rows: judged, summary: { rows: judged.length, toEnroll, toFix: judged.length - toEnroll } };
    },
  );
}

interface RowContext {
  programs: ProgramClient;
  db: Pool;
  principal: Principal;
  actor: NonNullable<ReturnType<typeof actorFor>>;
}

async function previewRow(row: ImportRow, columns: readonly string[], { programs, db, principal, actor }: RowContext): Promise<PreviewRow> {
  if ('unreadable' in row) {
    return {
      row: row.row,
      action: 'fix',
      problems: [{ field: '', code: 'invalid-csv-row', message: row.unreadable }],
      cells: null,
      ...(row.raw !== undefined && { raw: row.raw }),
    };
  }
  const trainee = traineeOf(row.value);
  const base = { row: row.row, ...(trainee && { trainee }), enrollment: row.value, cells: row.cells ?? csvCellsOf(row.value, columns) };
  // Read as the import reads it, so a row's messages are the import's own (plain, naming the field).
  const parsed = enrollmentSchema.safeParse(row.value);
  if (!parsed.success) {
    const problems = issuesOf(parsed.error, row.value).map((issue) => ({
      field: issue.path,
      code: 'invalid-input',
      message: issue.message,
    }));
    return { ...base, action: 'fix', problems };
  }
  const enrollment = parsed.data;
  const preview = await programs.preview(enrollment, actor);
  const problems: PreviewRow['problems'] = preview.violations.map((v) => ({ field: v.field, code: v.code, message: v.message }));
  if (!hrCovers(principal, enrollment.agency))
    problems.push({ field: 'agency', code: 'forbidden', message: 'Your token does not cover this agency.' });
  const unknownStaff = await unknownStaffError(db, enrollment);
  for (const issue of unknownStaff?.issues ?? [])
    problems.push({ field: issue.path, code: unknownStaff?.code ?? 'unknown-staff-member', message: issue.message });
  const program = preview.program;
  return {
    ...base,
    action: problems.length === 0 ? 'enroll' : 'fix',
    problems,
    ...(program && {
      appointmentDate: program.appointmentDate,
      earliestReclassificationDate: program.earliestReclassificationDate,
      latestCompletionDate: program.latestCompletionDate,
      milestones: program.milestones.length,
    }),
  };
}

function principalOf(request: FastifyRequest): Principal {
  // Set by the server's onRequest hook on every route that is not public.
  if (!request.principal) throw new Error('route reached without authentication');
  return request.principal;
}
