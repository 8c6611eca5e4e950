/** What a program produced: its events, its notices, and one notice as JSON or PDF. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ProgramClient } from '../client/programs.js';
import type { Queries } from '../db/queries.js';
import { anyRole, visibleProgram } from './access.js';
import { EVENT_CSV_COLUMNS, eventListContent, sendCsv, wantsCsv } from './csv.js';
import { ApiError, notFound } from './errors.js';
import { renderNoticePdf } from './notice-pdf.js';
import { errorStatuses } from './openapi.js';
import { noticeListResponse, noticeParams, noticeResponse, programParams } from './schemas.js';

export async function programRecordRoutes(
  app: FastifyInstance,
  { programs, queries }: { programs: ProgramClient; queries: Queries },
): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const deps = { queries, programs };
  const readers = anyRole;

  api.get(
    '/v1/programs/:programId/events',
    {
      schema: {
        tags: ['programs'],
        summary: "The program's domain events, oldest first; `Accept: text/csv` gives them as CSV",
        params: programParams,
        response: { 200: eventListContent, ...errorStatuses(400, 401, 403, 404, 406) },
      },
      config: readers,
    },
    async (request, reply) => {
      await visibleProgram(deps, request, request.params.programId);
      const items = await queries.programEvents(request.params.programId);
      if (wantsCsv(request)) return sendCsv(reply, `events-${request.params.programId}.csv`, EVENT_CSV_COLUMNS, items);
      return { items };
    },
  );

  api.get(
    '/v1/programs/:programId/notices',
    {
      schema: {
        tags: ['notices'],
        summary: 'Notices issued for the program',
        params: programParams,
        response: { 200: noticeListResponse, ...errorStatuses(400, 401, 403, 404) },
      },
      config: readers,
    },
    async (request) => {
      await visibleProgram(deps, request, request.params.programId);
      return { items: await queries.programNotices(request.params.programId) };
    },
  );

  api.get(
    '/v1/notices/:noticeId',
    {
      schema: {
        tags: ['notices'],
        summary: 'One notice; `Accept: application/pdf` gives it as a PDF',
        params: noticeParams,
        response: {
          200: {
            description: 'The notice',
            content: {
              'application/json': { schema: noticeResponse },
              'application/pdf': {
                schema: z.custom<Buffer>((value) => Buffer.isBuffer(value)).meta({ type: 'string', contentMediaType: 'application/pdf' }),
              },
            },
          },
          ...errorStatuses(400, 401, 403, 404, 406),
        },
      },
      config: readers,
    },
    async (request, reply) => {
      const notice = await queries.getNotice(request.params.noticeId);
      if (!notice) throw notFound('notice');
      await visibleProgram(deps, request, notice.programId).catch((error: unknown) => {
        throw error instanceof ApiError && error.statusCode === 404 ? notFound('notice') : error;
      });
      const type = request.accepts().type(['application/json', 'application/pdf']);
      if (type === false) throw new ApiError(406, 'not-acceptable', 'A notice is served as application/json or application/pdf.');
      if (type === 'application/pdf') {
        return reply
          .type('application/pdf')
          .header('content-disposition', 'inline; filename="notice.pdf"')
          .send(await renderNoticePdf(notice));
      }
      return reply.type('application/json; charset=utf-8').send(notice);
    },
  );
}
