/**
 * The dashboard's charts (GET /v1/dashboard/charts): open programs by the month of their first
 * anniversary and by the quarter of their cap, and overdue milestones by agency and by supervisor
 * (named from the staff directory). Scoped by the token exactly as the dashboard is: every program
 * for hr (their agencies), das and auditors; their own for supervisors and program managers.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { CHART_MONTHS, CHART_QUARTERS, CHART_TOP, createChartQueries } from '../db/dashboard-charts.js';
import { civilDateInNewYork, type CivilDate } from '../domain/dates.js';
import { listingScope, type Principal } from './auth.js';
import { forbidden } from './errors.js';
import { errorResponse, listProgramsQuery } from './schemas.js';

const date = z.iso.date();

const period = z.object({
  from: date.describe('First day of the period'),
  before: date.describe('The day after the period'),
  active: z.number().int().describe('Active programs'),
  awaitingMinimum: z.number().int().describe('Programs with every milestone signed off, awaiting the minimum period'),
});

const overdueBars = z.object({
  items: z
    .array(
      z.object({
        key: z.string().describe('The agency code or the supervisor id'),
        name: z
          .string()
          .nullable()
          .describe("The supervisor's name in the staff directory; null for an agency or an id the directory does not know"),
        overdueMilestones: z.number().int(),
        programs: z.number().int().describe('Active programs with an overdue milestone'),
      }),
    )
    .describe(`Most overdue milestones first; at most ${CHART_TOP}`),
  truncated: z.boolean(),
});

export const dashboardChartsResponse = z
  .object({
    asOf: date.describe('Today in America/New_York: the periods start from its month or quarter'),
    reclassificationsByMonth: z
      .array(period)
      .describe(`Open programs by the month of their first anniversary (earliest reclassification), ${CHART_MONTHS} months from this one`),
    capsByQuarter: z
      .array(period)
      .describe(`Open programs by the quarter of their three-year cap, ${CHART_QUARTERS} quarters from this one`),
    overdueByAgency: overdueBars,
    overdueBySupervisor: overdueBars,
  })
  .meta({ id: 'DashboardCharts' });

/** What the route answers; its type (api/types.ts, which the UI reads) is checked against it in test/ui/dashboard-charts.test.ts. */
export type DashboardCharts = z.infer<typeof dashboardChartsResponse>;

export interface DashboardChartRoutesOptions {
  db: Pool;
  /** Today in New York; tests may fix it. */
  today?: () => CivilDate;
}

export async function dashboardChartRoutes(
  app: FastifyInstance,
  { db, today = () => civilDateInNewYork(Date.now()) }: DashboardChartRoutesOptions,
): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const charts = createChartQueries(db);
  api.get(
    '/v1/dashboard/charts',
    {
      schema: {
        tags: ['programs'],
        summary: 'The dashboard charts: reclassifications by month, caps by quarter, overdue milestones by agency and by supervisor',
        querystring: z.strictObject({ agency: listProgramsQuery.shape.agency }),
        response: { 200: dashboardChartsResponse, 400: errorResponse, 401: errorResponse, 403: errorResponse },
      },
      config: { access: { kind: 'roles', roles: ['hr', 'das', 'auditor', 'supervisor', 'program-manager'] } },
    },
    async (request): Promise<DashboardCharts> => {
      const scope = listingScope(principalOf(request));
      if (!scope) throw forbidden();
      const asOf = today();
      return { asOf, ...(await charts.charts(asOf, { ...scope, ...(request.query.agency ? { agency: request.query.agency } : {}) })) };
    },
  );
}

function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route reached without authentication');
  return request.principal;
}
