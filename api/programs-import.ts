/** The import of many enrollments at once, from CSV or a JSON array (the rows' rules: api/import.ts). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import type { ProgramClient } from '../client/programs.js';
import { actorOf, principalOf } from './access.js';
import { hrCovers } from './auth.js';
import { CSV_FORMAT_DESCRIPTION, checkRowCount, enrollRows, rowsFromCsv, rowsFromJson, summarize } from './import.js';
import { errorStatuses } from './openapi.js';
import { MAX_IMPORT_ROWS, importResponse } from './schemas.js';
import { unknownStaffError } from './staff.js';

export const IMPORT_BODY_LIMIT = 2 * 1024 * 1024;

export async function importRoutes(
  app: FastifyInstance,
  { programs, db, idSecret }: { programs: ProgramClient; db: Pool; idSecret: string },
): Promise<void> {
  // CSV is accepted here and nowhere else.
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (_request, body, done) => done(null, body));
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/programs/import',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['programs'],
        summary: 'Enroll many trainees from CSV or a JSON array (hr)',
        description: [
          `One result per row, in order; a bad row is reported and the others are enrolled. At most ${MAX_IMPORT_ROWS} rows per request.`,
          'Each row is enrolled under a program id derived from `trainee.employeeId`, `appointmentDate` and `targetClassCode`,',
          'so running the same file again reports the rows already enrolled (`already-enrolled`) instead of enrolling them twice.',
          '',
          CSV_FORMAT_DESCRIPTION,
        ].join('\n'),
        response: { 200: importResponse, ...errorStatuses(400, 401, 403, 413, 415) },
      },
      config: { access: { kind: 'roles', roles: ['hr'] } },
    },
    async (request) => {
      const rows = typeof request.body === 'string' ? rowsFromCsv(request.body) : rowsFromJson(request.body);
      checkRowCount(rows);
      const principal = principalOf(request);
      const results = await enrollRows(rows, programs, actorOf(request), {
        idSecret,
        mayEnroll: (agency) => hrCovers(principal, agency),
        staffProblem: (row) => unknownStaffError(db, row),
      });
      return { results, summary: summarize(results) };
    },
  );
}
