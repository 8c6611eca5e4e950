/**
 * Read endpoints the web UI needs beyond the contract's resources (shared/API.md lets the project
 * add endpoints): who the caller is, a dashboard of counts and programs at risk, a supervisor's
 * inbox of milestones awaiting sign-off, and a trainee's own programs. Every answer is scoped by the
 * token exactly as `GET /v1/programs` is: all programs for hr, das and auditors, their own for a
 * supervisor or program manager.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DUE_SOON_DAYS, INBOX_SECTIONS, type InboxSection, type OpenMilestone, type Queries } from '../db/queries.js';
import { civilDateInNewYork, type CivilDate } from '../domain/dates.js';
import type { Dashboard, Inbox, InboxGroup, InboxShow, Me, OwnPrograms } from './types.js';
import { ASSIGNED_ROLES, listingScope, type Principal } from './auth.js';
import { forbidden } from './errors.js';
import { errorResponse, listProgramsQuery, programResponse } from './schemas.js';

/** At-risk programs on one dashboard; the list filtered by `capBefore` shows the rest. */
export const DASHBOARD_AT_RISK_LIMIT = 50;
/** Trainees on one page of an inbox, unless the caller asks for another number up to the most. */
export const INBOX_PAGE = 20;
export const INBOX_MAX_PAGE = 100;

const date = z.iso.date();
const roleSchema = z.enum(['hr', 'supervisor', 'program-manager', 'das', 'trainee', 'auditor']);

export const meResponse = z
  .object({
    sub: z.string().describe("The token's subject: a staff or employee id"),
    roles: z.array(roleSchema).describe('The roles of the token this API knows'),
  })
  .meta({ id: 'Me' });

const statusCounts = z.object({
  active: z.number().int(),
  'awaiting-minimum': z.number().int(),
  reclassified: z.number().int(),
  expired: z.number().int(),
  ended: z.number().int(),
});

export const dashboardResponse = z
  .object({
    asOf: date.describe("Today in America/New_York: the date 'at risk' is reckoned from"),
    scope: z.enum(['all', 'assigned']).describe('`assigned`: only the programs the caller supervises or manages'),
    counts: statusCounts.describe('Programs by status'),
    atRisk: z.object({
      items: z
        .array(
          z.object({
            program: programResponse,
            reasons: z.array(z.enum(['cap-within-90-days', 'overdue-milestones'])),
          }),
        )
        .describe(
          `Open programs whose cap is within 90 days or with an overdue milestone, earliest cap first; at most ${DASHBOARD_AT_RISK_LIMIT}`,
        ),
      truncated: z.boolean().describe('More programs are at risk than listed'),
    }),
  })
  .meta({ id: 'Dashboard' });

const sectionCount = z.object({ milestones: z.number().int(), trainees: z.number().int() });

export const inboxResponse = z
  .object({
    asOf: date,
    show: z.enum(['due', 'later', 'all']).describe('The sections this page lists'),
    counts: z
      .object({ overdue: sectionCount, 'due-soon': sectionCount, later: sectionCount })
      .describe(
        `Milestones, and trainees with at least one, in each section, whatever is shown: overdue, due within ${DUE_SOON_DAYS} days, later`,
      ),
    groups: z
      .array(
        z.object({
          programId: z.string(),
          traineeEmployeeId: z.string(),
          traineeName: z.string().describe("The trainee's name, from the enrollment"),
          agency: z.string(),
          targetClassCode: z.string(),
          as: z.enum(['supervisor', 'program-manager']).describe('The role the caller signs off in on this program'),
          milestones: z
            .array(
              z.object({
                id: z.string(),
                title: z.string(),
                dueDate: date,
                status: z.enum(['pending', 'overdue']),
                section: z.enum(['overdue', 'due-soon', 'later']),
                daysUntilDue: z.number().int().describe('Negative once the due date has passed'),
              }),
            )
            .describe('By due date'),
        }),
      )
      .describe('One per trainee, the trainee whose shown milestone is due first at the top; `limit` trainees a page'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next trainees; null on the last page'),
  })
  .meta({ id: 'Inbox' });

const inboxQuery = z.strictObject({
  show: z
    .enum(['due', 'later', 'all'])
    .default('due')
    .describe(`\`due\` (overdue and due within ${DUE_SOON_DAYS} days; when absent), \`later\`, or \`all\``),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(INBOX_MAX_PAGE)
    .default(INBOX_PAGE)
    .describe(`Trainees a page, 1 to ${INBOX_MAX_PAGE}; ${INBOX_PAGE} when absent`),
  cursor: z.string().min(1).max(512).optional().describe('The `nextCursor` of the previous page'),
});

const SHOWN_SECTIONS: Record<InboxShow, readonly InboxSection[]> = { due: ['overdue', 'due-soon'], later: ['later'], all: INBOX_SECTIONS };

export const ownProgramsResponse = z.object({ items: z.array(programResponse) }).meta({ id: 'OwnPrograms' });

const dashboardQuery = z.strictObject({ agency: listProgramsQuery.shape.agency });

const errors = (...codes: (400 | 401 | 403)[]): Record<number, typeof errorResponse> =>
  Object.fromEntries(codes.map((code) => [code, errorResponse]));

export interface DashboardRoutesOptions {
  queries: Queries;
  /** Today in New York; tests may fix it. */
  today?: () => CivilDate;
}

export async function dashboardRoutes(
  app: FastifyInstance,
  { queries, today = () => civilDateInNewYork(Date.now()) }: DashboardRoutesOptions,
): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/v1/me',
    {
      schema: { tags: ['reference'], summary: 'Who the token says the caller is', response: { 200: meResponse, ...errors(401, 403) } },
      config: { access: { kind: 'roles', roles: roleSchema.options } },
    },
    (request): Me => {
      const principal = principalOf(request);
      return { sub: principal.id, roles: [...principal.roles] };
    },
  );

  api.get(
    '/v1/me/programs',
    {
      schema: {
        tags: ['programs'],
        summary: 'The programs whose trainee is the caller (a trainee finds their own program here)',
        response: { 200: ownProgramsResponse, ...errors(401, 403) },
      },
      config: { access: { kind: 'roles', roles: roleSchema.options } },
    },
    async (request): Promise<OwnPrograms> => {
      const page = await queries.listPrograms({ traineeEmployeeId: principalOf(request).id, limit: 200 });
      return { items: page.items };
    },
  );

  api.get(
    '/v1/dashboard',
    {
      schema: {
        tags: ['programs'],
        summary:
          'Counts by status and programs at risk: every program for hr, das and auditors; their own for supervisors and program managers',
        querystring: dashboardQuery,
        response: { 200: dashboardResponse, ...errors(400, 401, 403) },
      },
      config: { access: { kind: 'roles', roles: ['hr', 'das', 'auditor', 'supervisor', 'program-manager'] } },
    },
    async (request): Promise<Dashboard> => {
      const scope = listingScope(principalOf(request));
      if (!scope) throw forbidden();
      const asOf = today();
      const filter = { ...scope, ...(request.query.agency ? { agency: request.query.agency } : {}) };
      // One more than shown tells whether the list was cut.
      const [counts, atRisk] = await Promise.all([
        queries.countsByStatus(filter),
        queries.atRisk(asOf, { ...filter, limit: DASHBOARD_AT_RISK_LIMIT + 1 }),
      ]);
      return {
        asOf,
        scope: scope.assignedTo ? 'assigned' : 'all',
        counts,
        atRisk: { items: atRisk.slice(0, DASHBOARD_AT_RISK_LIMIT), truncated: atRisk.length > DASHBOARD_AT_RISK_LIMIT },
      };
    },
  );

  api.get(
    '/v1/inbox',
    {
      schema: {
        tags: ['programs'],
        summary: "Milestones awaiting the caller's sign-off (supervisors and program managers), by trainee, overdue and due soon first",
        description: `Paged by trainee. \`show=due\` (the first view) lists overdue milestones and those due within ${DUE_SOON_DAYS} days; \`later\` the rest; \`all\` both. \`counts\` counts every section.`,
        querystring: inboxQuery,
        response: { 200: inboxResponse, ...errors(400, 401, 403) },
      },
      config: { access: { kind: 'roles', roles: ASSIGNED_ROLES } },
    },
    async (request): Promise<Inbox> => {
      const principal = principalOf(request);
      const asOf = today();
      const { show, limit, cursor } = request.query;
      // Only an active program has milestones left to sign: awaiting-minimum means all are signed.
      const page = await queries.inbox(principal.id, asOf, { sections: SHOWN_SECTIONS[show], limit, ...(cursor ? { cursor } : {}) });
      return { asOf, show, counts: page.counts, groups: inboxGroups(principal, page.items), nextCursor: page.nextCursor };
    },
  );
}

/** The rows of an inbox page (grouped by program already) as the caller's inbox shows them. */
function inboxGroups(principal: Principal, rows: readonly OpenMilestone[]): InboxGroup[] {
  const groups: InboxGroup[] = [];
  for (const row of rows) {
    let group = groups.at(-1);
    if (group?.programId !== row.programId) {
      group = {
        programId: row.programId,
        traineeEmployeeId: row.traineeEmployeeId,
        traineeName: row.traineeName,
        agency: row.agency,
        targetClassCode: row.targetClassCode,
        as: principal.id === row.supervisorId && principal.roles.includes('supervisor') ? 'supervisor' : 'program-manager',
        milestones: [],
      };
      groups.push(group);
    }
    // The overdue event follows the due date by up to a timer tick; the inbox reckons from today.
    group.milestones.push({
      id: row.milestoneId,
      title: row.title,
      dueDate: row.dueDate,
      status: row.overdue ? 'overdue' : 'pending',
      section: row.section,
      daysUntilDue: row.daysUntilDue,
    });
  }
  return groups;
}

function principalOf(request: FastifyRequest): Principal {
  // Set by the server's onRequest hook on every route that is not public.
  if (!request.principal) throw new Error('route reached without authentication');
  return request.principal;
}

// The UI's types (api/types.ts) must describe exactly what these endpoints answer.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const assertTrue = <T extends true>(): T | undefined => undefined;
assertTrue<Same<z.infer<typeof meResponse>, Me>>();
assertTrue<Same<z.infer<typeof dashboardResponse>, Dashboard>>();
assertTrue<Same<z.infer<typeof inboxResponse>, Inbox>>();
assertTrue<Same<z.infer<typeof ownProgramsResponse>, OwnPrograms>>();
