/**
 * Lists as CSV (shared/API.md 1.1: `Accept: text/csv` on `GET /v1/programs`, and a program's event
 * history): RFC 4180 text, a header row, then one row per program or event, written as the rows are
 * read so the whole list never sits in memory.
 */
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { StoredEvent } from '../db/queries.js';
import type { ProgramView } from '../domain/view.js';
import { eventListResponse, programPageResponse } from './schemas.js';

export const CSV_TYPE = 'text/csv; charset=utf-8';

const csvText = (columns: readonly [string, unknown][]) =>
  z.string().meta({
    type: 'string',
    description: `CSV (RFC 4180), a header row then one row per item; columns: ${columns.map(([name]) => `\`${name}\``).join(', ')}`,
  });

/** Whether the caller asked for CSV rather than JSON (JSON when both are equally welcome). */
export function wantsCsv(request: FastifyRequest): boolean {
  return request.accepts().type(['application/json', 'text/csv']) === 'text/csv';
}

/**
 * One field: quoted when it holds a comma, a quote or a line break; a text that a spreadsheet would
 * take for a formula (=, +, -, @ first) is kept as text by a leading apostrophe.
 */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csvLine = (fields: readonly (string | number | boolean | null | undefined)[]): string => `${fields.map(csvField).join(',')}\r\n`;

/** The columns of a program list, in order: the header's names and each program's values. */
export const PROGRAM_CSV_COLUMNS: readonly [string, (p: ProgramView) => string | number | null][] = [
  ['programId', (p) => p.programId],
  ['employeeId', (p) => p.trainee.employeeId],
  ['traineeName', (p) => p.trainee.name],
  ['status', (p) => p.status],
  ['agency', (p) => p.agency],
  ['targetClassCode', (p) => p.targetClassCode],
  ['supervisorId', (p) => p.supervisorId],
  ['programManagerId', (p) => p.programManagerId],
  ['appointmentDate', (p) => p.appointmentDate],
  ['earliestReclassificationDate', (p) => p.earliestReclassificationDate],
  ['latestCompletionDate', (p) => p.latestCompletionDate],
  ['reclassifiesOn', (p) => p.reclassifiesOn],
  ['milestonesSignedOff', (p) => p.milestones.filter((m) => m.status === 'signed-off').length],
  ['milestonesOverdue', (p) => p.milestones.filter((m) => m.status === 'overdue').length],
  ['milestonesTotal', (p) => p.milestones.length],
  ['serviceRating', (p) => p.serviceRating?.rating ?? null],
];

export const EVENT_CSV_COLUMNS: readonly [string, (e: StoredEvent) => string | number | null][] = [
  ['version', (e) => e.version],
  ['at', (e) => e.at],
  ['type', (e) => e.type],
  ['actorId', (e) => e.actor.id],
  ['actorRole', (e) => e.actor.role],
  ['reason', (e) => e.reason],
  ['data', (e) => JSON.stringify(e.data)],
];

async function* csvLines<T>(
  columns: readonly [string, (row: T) => string | number | null][],
  first: IteratorResult<T>,
  rest: AsyncIterator<T>,
): AsyncGenerator<string> {
  yield csvLine(columns.map(([name]) => name));
  for (let next = first; !next.done; next = await rest.next()) yield csvLine(columns.map(([, value]) => value(next.value)));
}

/**
 * Sends the rows as a CSV download. The first row is read before the answer starts, so a failure
 * to read (a bad filter, a database down) is still an ordinary error answer.
 */
export async function sendCsv<T>(
  reply: FastifyReply,
  filename: string,
  columns: readonly [string, (row: T) => string | number | null][],
  rows: AsyncIterable<T> | Iterable<T>,
): Promise<FastifyReply> {
  const iterator =
    Symbol.asyncIterator in rows
      ? rows[Symbol.asyncIterator]()
      : (async function* () {
          yield* rows;
        })();
  const first = await iterator.next();
  return reply
    .type(CSV_TYPE)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(Readable.from(csvLines(columns, first, iterator), { objectMode: false }));
}

/** The answers of the lists that may be CSV: JSON (the page) or CSV (everything). */
export const programListContent = {
  description: 'A page of programs, or with `Accept: text/csv` the whole filtered list',
  content: { 'application/json': { schema: programPageResponse }, 'text/csv': { schema: csvText(PROGRAM_CSV_COLUMNS) } },
};
export const eventListContent = {
  description: "The program's events, as JSON or with `Accept: text/csv` as CSV",
  content: { 'application/json': { schema: eventListResponse }, 'text/csv': { schema: csvText(EVENT_CSV_COLUMNS) } },
};
