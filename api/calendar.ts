/**
 * Calendar feeds: a supervisor, program manager or trainee subscribes their calendar to the dates
 * that matter to them (milestone due dates, the first anniversary, the statutory maximum).
 *
 * A calendar client cannot send a bearer token, so the feed URL carries its own credential: a feed
 * id and an HMAC of it under the server's secret. The signature turns away made-up URLs before the
 * database is asked; the stored row makes the URL revocable. Anyone holding the URL reads the feed,
 * so it is shown only to its owner, and the owner can revoke it (and mint another) at any time.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import ical, { ICalEventTransparency } from 'ical-generator';
import type { Pool } from 'pg';
import { z } from 'zod';
import {
  FEED_ROLES,
  activeFeed,
  createFeed,
  feedPrograms,
  feedsOf,
  revokeFeed,
  type CalendarFeed,
  type FeedProgram,
  type FeedRole,
} from '../db/calendar-feeds.js';
import type { Principal } from './auth.js';
import { ApiError, notFound } from './errors.js';
import { errorResponse } from './schemas.js';

export interface CalendarRoutesOptions {
  db: Pool;
  /** Signs feed URLs (AUTH_JWT_SECRET, under a label of its own); changing it retires every URL. */
  secret: string;
  /** Where the API is reached (PUBLIC_BASE_URL): feed URLs are built on it, never on a request's Host. */
  baseUrl: () => string;
}

const feedResponse = z
  .object({
    feedId: z.string(),
    role: z.enum(FEED_ROLES),
    url: z.string().nullable().describe('The URL to subscribe to; null once revoked. Anyone holding it can read the feed.'),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'CalendarFeed' });

const mintBody = z
  .strictObject({
    as: z.enum(FEED_ROLES).optional().describe('Whose dates: your programs as supervisor or program manager, or your own as trainee'),
  })
  // No body at all is fine (Fastify hands the validator null).
  .nullish();

const feedParams = z.strictObject({ feedId: z.uuid() });
const tokenParams = z.strictObject({ token: z.string().min(1).max(200) });

const errors = (...codes: (400 | 401 | 403 | 404)[]) => Object.fromEntries(codes.map((code) => [code, errorResponse]));
const ownerOnly = { access: { kind: 'roles', roles: FEED_ROLES } } as const;

const SIGNATURE_LABEL = 'calendar-feed/v1/';

export function feedToken(secret: string, feedId: string): string {
  return `${feedId}.${createHmac('sha256', secret)
    .update(SIGNATURE_LABEL + feedId)
    .digest('base64url')}`;
}

/** The feed id of a token this server signed; null for anything else. */
export function verifiedFeedId(secret: string, token: string): string | null {
  const [feedId, signature, ...rest] = token.split('.');
  if (!feedId || !signature || rest.length > 0 || !z.uuid().safeParse(feedId).success) return null;
  const expected = Buffer.from(feedToken(secret, feedId).split('.')[1] ?? '');
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? feedId : null;
}

export const calendarRoutes: FastifyPluginAsync<CalendarRoutesOptions> = async (app, { db, secret, baseUrl }) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const urlOf = (feed: CalendarFeed): string | null =>
    feed.revokedAt ? null : `${baseUrl()}/v1/calendar/${feedToken(secret, feed.feedId)}.ics`;
  const present = (_request: FastifyRequest, feed: CalendarFeed) => ({
    feedId: feed.feedId,
    role: feed.role,
    url: urlOf(feed),
    createdAt: feed.createdAt,
    revokedAt: feed.revokedAt,
  });

  api.post(
    '/v1/calendar-feeds',
    {
      schema: {
        tags: ['calendar'],
        summary: 'Subscribe to your dates: mint a calendar feed URL (supervisor, program manager, trainee)',
        description:
          'The feed is of the caller themself, never of someone else. Without `as`, the first of supervisor, program-manager, trainee the token holds.',
        body: mintBody,
        response: { 201: feedResponse, ...errors(400, 401, 403) },
      },
      config: ownerOnly,
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const role: FeedRole | undefined = request.body?.as ?? FEED_ROLES.find((r) => principal.roles.includes(r));
      if (!role || !principal.roles.includes(role)) {
        throw new ApiError(403, 'forbidden', `Your token does not hold the role ${role ?? 'for a calendar feed'}.`);
      }
      const feed = await createFeed(db, { feedId: randomUUID(), subject: principal.id, role });
      return reply.code(201).send(present(request, feed));
    },
  );

  api.get(
    '/v1/calendar-feeds',
    {
      schema: {
        tags: ['calendar'],
        summary: 'Your calendar feeds, revoked ones included',
        response: { 200: z.object({ items: z.array(feedResponse) }), ...errors(401, 403) },
      },
      config: ownerOnly,
    },
    async (request) => ({ items: (await feedsOf(db, principalOf(request).id)).map((feed) => present(request, feed)) }),
  );

  api.delete(
    '/v1/calendar-feeds/:feedId',
    {
      schema: {
        tags: ['calendar'],
        summary: 'Revoke one of your calendar feeds: its URL stops working at once',
        params: feedParams,
        response: { 204: z.null().describe('Revoked'), ...errors(400, 401, 403, 404) },
      },
      config: ownerOnly,
    },
    async (request, reply) => {
      if (!(await revokeFeed(db, request.params.feedId, principalOf(request).id))) throw notFound('calendar feed');
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/v1/calendar/:token.ics',
    {
      schema: {
        tags: ['calendar'],
        summary: 'A calendar feed (iCalendar), by the signed URL its owner minted; no bearer token',
        params: tokenParams,
        security: [],
        response: {
          200: { description: 'The feed', content: { 'text/calendar': { schema: z.string() } } },
          404: errorResponse,
        },
      },
      config: { access: { kind: 'public' } },
    },
    async (request, reply) => {
      // A forged, altered or revoked URL gets the same answer as one that never existed.
      const feedId = verifiedFeedId(secret, request.params.token);
      const feed = feedId ? await activeFeed(db, feedId) : null;
      if (!feed) throw notFound('calendar feed');
      const calendar = calendarOf(feed, await feedPrograms(db, feed));
      return reply.type('text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300').send(calendar);
    },
  );
};

function principalOf(request: FastifyRequest): Principal {
  // Set by the server's onRequest hook on every route that is not public.
  if (!request.principal) throw new Error('route reached without authentication');
  return request.principal;
}

/** All-day events, so a date is the same date in every time zone a subscriber may be in. */
function calendarOf(feed: CalendarFeed, programs: readonly FeedProgram[]): string {
  const own = feed.role === 'trainee';
  const calendar = ical({
    name: own ? 'My development program' : 'Leadership Associate programs',
    prodId: { company: 'State of Connecticut', product: 'Leadership Associate programs', language: 'EN' },
    ttl: 60 * 60,
  });
  for (const program of programs) {
    const whose = own ? '' : ` (${program.traineeName})`;
    const event = (key: string, date: string, summary: string, description: string): void => {
      calendar.createEvent({
        // Stable ids: a changed due date replaces the event in the subscriber's calendar.
        id: `${program.programId}.${key}@lap`,
        start: new Date(`${date}T00:00:00Z`),
        allDay: true,
        summary,
        description: `${description}\nProgram ${program.programId}`,
        transparency: ICalEventTransparency.TRANSPARENT,
      });
    };
    for (const milestone of program.openMilestones) {
      event(
        `milestone.${milestone.id}`,
        milestone.dueDate,
        `Milestone due: ${milestone.title}${whose}`,
        'A milestone of the development program falls due; the supervisor signs it off.',
      );
    }
    event(
      'first-anniversary',
      program.earliestReclassificationDate,
      `First anniversary: earliest reclassification${whose}`,
      'The first day the trainee may be reclassified, once every milestone is signed off and service is rated satisfactory.',
    );
    event(
      'statutory-maximum',
      program.latestCompletionDate,
      `Statutory maximum: last day of the program${whose}`,
      'C.G.S. 5-234: service in the trainee class may not reach three years; the program ends on this day if not completed.',
    );
  }
  return calendar.toString();
}
