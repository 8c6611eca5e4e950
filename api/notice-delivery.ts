/**
 * Delivery you can see: for each notice of a program, whether each recipient's e-mail was delivered,
 * is waiting (and why: no address in the staff directory, the mail server away) or failed; and HR's
 * resend. A resend is recorded (who, when, which deliveries were open) where auditors read it, opens
 * refused deliveries again, and runs one delivery now through the worker (workflows/resend-notice.ts).
 * Recipients already served are skipped, so a resend, or two, never sends anyone a second copy.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { ProgramClient } from '../client/programs.js';
import { programDeliveries, recordResend } from '../db/outbox.js';
import type { Queries } from '../db/queries.js';
import { API_ROLES, hrCovers, maySee, type Principal } from './auth.js';
import { forbidden, notFound } from './errors.js';
import { errorResponse, noticeParams, programParams } from './schemas.js';

const recipientDelivery = z.object({
  role: z.string().describe('trainee, supervisor, program-manager, agency-hr or das'),
  ref: z.string().describe('Who: an employee id, staff id or agency code'),
  state: z.enum(['delivered', 'waiting', 'failed']),
  reason: z.string().nullable().describe('Why it waits or failed, e.g. "no address in the staff directory"; null when delivered'),
  attempts: z.number().int(),
  deliveredAt: z.string().nullable(),
});

const noticeDeliveries = z
  .object({
    noticeId: z.string(),
    recipients: z.array(recipientDelivery),
    resends: z.array(z.object({ resentBy: z.string(), resentAt: z.string() })).describe("HR's resends of the notice, oldest first"),
  })
  .meta({ id: 'NoticeDeliveries' });

export const programDeliveriesResponse = z.object({ items: z.array(noticeDeliveries) }).meta({ id: 'ProgramDeliveries' });

export const resendResponse = z
  .object({
    noticeId: z.string(),
    outcome: z
      .enum(['delivered', 'waiting', 'failed', 'nothing-to-send'])
      .describe(
        '`delivered`: every recipient has it now; `waiting`: some delivery is still to be made (see `recipients`); `failed`: a mail server refused it again; `nothing-to-send`: every recipient had it already',
      ),
    recipients: z.array(recipientDelivery),
  })
  .meta({ id: 'NoticeResend' });

export interface NoticeDeliveryRoutesOptions {
  programs: ProgramClient;
  db: Pool;
  queries: Queries;
}

const errors = (...codes: (400 | 401 | 403 | 404)[]): Record<number, typeof errorResponse> =>
  Object.fromEntries(codes.map((code) => [code, errorResponse]));

export async function noticeDeliveryRoutes(app: FastifyInstance, { programs, db, queries }: NoticeDeliveryRoutesOptions): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/v1/programs/:programId/deliveries',
    {
      schema: {
        tags: ['notices'],
        summary: "Each notice's e-mail per recipient: delivered, waiting (and why) or failed, and HR's resends",
        params: programParams,
        response: { 200: programDeliveriesResponse, ...errors(400, 401, 403, 404) },
      },
      config: { access: { kind: 'roles', roles: API_ROLES } },
    },
    async (request) => {
      const program = await queries.getProgram(request.params.programId);
      if (!program || !maySee(principalOf(request), program)) throw notFound('program');
      return { items: await programDeliveries(db, program.programId) };
    },
  );

  api.post(
    '/v1/notices/:noticeId/resend',
    {
      schema: {
        tags: ['notices'],
        summary: 'Send a notice again to each recipient who has not received it (hr)',
        description: [
          'Opens the deliveries the recipient’s mail server refused, and makes every delivery not yet made now; recipients who have the notice are skipped,',
          'so asking again never sends anyone a second copy. A recipient still without an address in the staff directory stays `waiting`, and receives',
          'the notice once HR adds the address (at the program’s next delivery attempt or the next resend). Each resend is recorded: who asked and when',
          '(`GET /v1/programs/{programId}/deliveries`).',
        ].join(' '),
        params: noticeParams,
        response: { 200: resendResponse, ...errors(400, 401, 403, 404) },
      },
      config: { access: { kind: 'roles', roles: ['hr'] } },
    },
    async (request) => {
      const { noticeId } = request.params;
      const principal = principalOf(request);
      const notice = await queries.getNotice(noticeId);
      const program = notice ? await queries.getProgram(notice.programId) : null;
      if (!notice || !program || !maySee(principal, program)) throw notFound('notice');
      if (!hrCovers(principal, program.agency)) throw forbidden();
      const reopened = await recordResend(db, noticeId, principal.id);
      if (reopened.length > 0) await programs.resendNotice(noticeId);
      const recipients = (await programDeliveries(db, program.programId)).find((n) => n.noticeId === noticeId)?.recipients ?? [];
      const outcome: z.infer<typeof resendResponse>['outcome'] =
        reopened.length === 0
          ? 'nothing-to-send'
          : recipients.some((r) => r.state === 'waiting')
            ? 'waiting'
            : recipients.some((r) => r.state === 'failed')
              ? 'failed'
              : 'delivered';
      request.log.info({ noticeId, reopened: reopened.length, outcome }, 'notice resent');
      return { noticeId, outcome, recipients };
    },
  );
}

function principalOf(request: FastifyRequest): Principal {
  // Set by the server's onRequest hook on every route that is not public.
  if (!request.principal) throw new Error('route reached without authentication');
  return request.principal;
}
