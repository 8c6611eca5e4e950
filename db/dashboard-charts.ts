/**
 * The dashboard's charts as SQL aggregates over the read model: one grouped query per chart, never
 * a load of programs. Open programs are `active` and `awaiting-minimum`; overdue milestones exist
 * only on `active` programs (awaiting-minimum means every milestone is signed off).
 */
import type { Pool } from 'pg';
import type { CivilDate } from '../domain/dates.js';

/** Months of reclassifications shown, from the current one. */
export const CHART_MONTHS = 12;
/** Quarters of caps shown, from the current one: the cap is at most three years ahead. */
export const CHART_QUARTERS = 12;
/** Agencies or supervisors with overdue milestones shown, most overdue first. */
export const CHART_TOP = 15;

export type OpenStatus = 'active' | 'awaiting-minimum';

export interface ChartScope {
  agency?: string;
  assignedTo?: string;
  agencies?: readonly string[];
}

/** One period's open programs by status: `from` inclusive, `before` exclusive. */
export interface PeriodCount {
  from: CivilDate;
  before: CivilDate;
  active: number;
  awaitingMinimum: number;
}

export interface OverdueCount {
  key: string;
  /** The supervisor's name from the staff directory; null for an agency or an unknown id. */
  name: string | null;
  overdueMilestones: number;
  programs: number;
}

export interface ChartData {
  reclassificationsByMonth: PeriodCount[];
  capsByQuarter: PeriodCount[];
  overdueByAgency: { items: OverdueCount[]; truncated: boolean };
  overdueBySupervisor: { items: OverdueCount[]; truncated: boolean };
}

// $2 agency, $3 assigned person, $4 agencies of an HR token.
const SCOPE = `($2::text IS NULL OR p.agency = $2) AND ($3::text IS NULL OR p.supervisor_id = $3 OR p.program_manager_id = $3)
               AND ($4::text[] IS NULL OR p.agency = ANY($4::text[]))`;

/**
 * Open programs counted by the period their `column` falls in, every period present (zero when
 * none): the periods from generate_series, the programs by a range scan on the column.
 */
const byPeriod = (column: string, step: string, periods: number): string => `
  WITH periods AS (
    SELECT g::date AS from_date, (g + interval '${step}')::date AS before_date
      FROM generate_series(date_trunc('${step === '3 months' ? 'quarter' : 'month'}', $1::date), date_trunc('${step === '3 months' ? 'quarter' : 'month'}', $1::date) + interval '${step}' * ${periods - 1}, interval '${step}') g)
  SELECT to_char(s.from_date, 'YYYY-MM-DD') AS "from", to_char(s.before_date, 'YYYY-MM-DD') AS "before",
         count(*) FILTER (WHERE p.status = 'active') AS active, count(*) FILTER (WHERE p.status = 'awaiting-minimum') AS "awaitingMinimum"
    FROM periods s
    LEFT JOIN rm_programs p ON p.${column} >= s.from_date AND p.${column} < s.before_date AND p.status IN ('active', 'awaiting-minimum') AND ${SCOPE}
   GROUP BY s.from_date, s.before_date
   ORDER BY s.from_date`;

export function createChartQueries(db: Pool) {
  const params = (today: CivilDate, scope: ChartScope): unknown[] => [
    today,
    scope.agency ?? null,
    scope.assignedTo ?? null,
    scope.agencies ?? null,
  ];

  const periods = async (sql: string, today: CivilDate, scope: ChartScope): Promise<PeriodCount[]> => {
    const { rows } = await db.query<{ from: string; before: string; active: string; awaitingMinimum: string }>(sql, params(today, scope));
    return rows.map((r) => ({ from: r.from, before: r.before, active: Number(r.active), awaitingMinimum: Number(r.awaitingMinimum) }));
  };

  const overdue = async (sql: string, today: CivilDate, scope: ChartScope): Promise<{ items: OverdueCount[]; truncated: boolean }> => {
    const { rows } = await db.query<{ key: string; name: string | null; overdue: string; programs: string }>(sql, [
      ...params(today, scope),
      CHART_TOP + 1,
    ]);
    return {
      items: rows
        .slice(0, CHART_TOP)
        .map((r) => ({ key: r.key, name: r.name, overdueMilestones: Number(r.overdue), programs: Number(r.programs) })),
      truncated: rows.length > CHART_TOP,
    };
  };

  return {
    async charts(today: CivilDate, scope: ChartScope): Promise<ChartData> {
      const [reclassificationsByMonth, capsByQuarter, overdueByAgency, overdueBySupervisor] = await Promise.all([
        periods(byPeriod('earliest_reclassification_date', '1 month', CHART_MONTHS), today, scope),
        periods(byPeriod('latest_completion_date', '3 months', CHART_QUARTERS), today, scope),
        overdue(
          `SELECT p.agency AS key, NULL AS name, sum(p.overdue_milestones) AS overdue, count(*) AS programs
             FROM rm_programs p
            WHERE p.status = 'active' AND p.overdue_milestones > 0 AND $1::date IS NOT NULL AND ${SCOPE}
            GROUP BY p.agency ORDER BY overdue DESC, key LIMIT $5`,
          today,
          scope,
        ),
        overdue(
          `SELECT p.supervisor_id AS key, min(s.display_name) AS name, sum(p.overdue_milestones) AS overdue, count(*) AS programs
             FROM rm_programs p
             LEFT JOIN staff_directory s ON s.entry_kind = 'staff' AND s.ref = p.supervisor_id
            WHERE p.status = 'active' AND p.overdue_milestones > 0 AND $1::date IS NOT NULL AND ${SCOPE}
            GROUP BY p.supervisor_id ORDER BY overdue DESC, key LIMIT $5`,
          today,
          scope,
        ),
      ]);
      return { reclassificationsByMonth, capsByQuarter, overdueByAgency, overdueBySupervisor };
    },
  };
}

export type ChartQueries = ReturnType<typeof createChartQueries>;
