/**
 * The dashboard's charts, drawn with Observable Plot from the API's aggregates
 * (GET /v1/dashboard/charts): reclassifications by month, caps by quarter, overdue milestones by
 * agency and by supervisor. Each bar is a link to the programs list filtered to what it counts;
 * each chart has a heading, a legend in words, and a table (hidden on screen) with the same numbers.
 */
import * as Plot from '@observablehq/plot';
import type { JSX } from 'preact';
import { queryString } from '../api.js';
import type { ChartPeriod, DashboardCharts, OverdueBar } from '../api-types.js';
import { plural } from '../format.js';
import { PlotBox } from './plot.js';

/** Both kinds of open program, in the order they stack. */
const OPEN = [
  { key: 'active', field: 'active', label: 'Active' },
  { key: 'awaiting-minimum', field: 'awaitingMinimum', label: 'Awaiting minimum period' },
] as const;
/** Colours with 3:1 contrast against white and each other's lightness apart. */
const COLOURS: Record<(typeof OPEN)[number]['label'], string> = { Active: '#0b4f8a', 'Awaiting minimum period': '#6d9fd1' };
const OVERDUE_COLOUR = '#a4241b';

/** Whole-number ticks, at most about five: counts of programs have no fractions. */
const countTicks = (max: number): number[] => {
  const step = Math.max(1, Math.ceil(max / 5));
  return Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => i * step);
};

const monthFormat = new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const monthLabel = (from: string): string => monthFormat.format(new Date(`${from}T00:00:00Z`));
const quarterLabel = (from: string): string => `Q${Math.floor(Number(from.slice(5, 7)) / 3) + 1} ${from.slice(0, 4)}`;

/** The programs list the bars lead to (the list page reads these from its URL). */
export const PROGRAMS_LIST = '/programs';

export const reclassificationLink = (period: ChartPeriod, status: string, agency: string): string =>
  `${PROGRAMS_LIST}${queryString({ status, agency, reclassifiesFrom: period.from, reclassifiesBefore: period.before, sort: 'earliestReclassificationDate' })}`;
export const capLink = (period: ChartPeriod, status: string, agency: string): string =>
  `${PROGRAMS_LIST}${queryString({ status, agency, capFrom: period.from, capBefore: period.before, sort: 'latestCompletionDate' })}`;
export const overdueAgencyLink = (bar: OverdueBar): string =>
  `${PROGRAMS_LIST}${queryString({ status: 'active', agency: bar.key, overdue: 'true', sort: 'latestCompletionDate' })}`;
export const overdueSupervisorLink = (bar: OverdueBar, agency: string): string =>
  `${PROGRAMS_LIST}${queryString({ status: 'active', agency, supervisor: bar.key, overdue: 'true', sort: 'latestCompletionDate' })}`;

interface Segment {
  period: string;
  status: string;
  count: number;
  href: string;
  label: string;
}

function segmentsOf(
  periods: readonly ChartPeriod[],
  label: (from: string) => string,
  link: (p: ChartPeriod, status: string) => string,
  what: string,
): Segment[] {
  return periods.flatMap((period) =>
    OPEN.filter((s) => period[s.field] > 0).map((s) => ({
      period: label(period.from),
      status: s.label,
      count: period[s.field],
      href: link(period, s.key),
      label: `${label(period.from)}: ${plural(period[s.field], `${s.label.toLowerCase()} program`)} ${what}`,
    })),
  );
}

/** A stacked column per period, active below awaiting-minimum, each segment a link. */
function PeriodChart({
  id,
  title,
  hint,
  periods,
  label,
  link,
  what,
}: {
  id: string;
  title: string;
  hint: string;
  periods: readonly ChartPeriod[];
  label: (from: string) => string;
  link: (p: ChartPeriod, status: string) => string;
  what: string;
}): JSX.Element {
  const segments = segmentsOf(periods, label, link, what);
  const total = periods.reduce((sum, p) => sum + p.active + p.awaitingMinimum, 0);
  return (
    <figure class="chart" id={id} aria-labelledby={`${id}-title`} data-total={total}>
      <h3 id={`${id}-title`}>{title}</h3>
      <p class="hint">{hint}</p>
      <ChartLegend />
      <PlotBox
        class="chart-drawing"
        deps={[periods]}
        draw={() =>
          Plot.plot({
            width: 640,
            height: 240,
            marginLeft: 48,
            marginBottom: 48,
            ariaLabel: `${title}. The table that follows has the same numbers.`,
            x: { domain: periods.map((p) => label(p.from)), label: null, tickRotate: periods.length > 8 ? -30 : 0, padding: 0.15 },
            y: {
              label: 'Programs',
              grid: true,
              tickFormat: 'd',
              ticks: countTicks(Math.max(1, ...periods.map((p) => p.active + p.awaitingMinimum))),
            },
            color: { domain: OPEN.map((s) => s.label), range: OPEN.map((s) => COLOURS[s.label]) },
            marks: [
              Plot.barY(segments, {
                x: 'period',
                y: 'count',
                fill: 'status',
                href: 'href',
                ariaLabel: 'label',
                title: 'label',
                order: OPEN.map((s) => s.label),
              }),
              Plot.ruleY([0]),
            ],
          })
        }
      />
      <div class="visually-hidden">
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">Period</th>
              {OPEN.map((s) => (
                <th scope="col" key={s.key}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {periods.map((p) => (
              <tr key={p.from}>
                <th scope="row">{label(p.from)}</th>
                <td>{p.active}</td>
                <td>{p.awaitingMinimum}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

function ChartLegend(): JSX.Element {
  return (
    <ul class="legend chart-legend" aria-label="Colours">
      {OPEN.map((s) => (
        <li key={s.key}>
          <span class="swatch" data-colour={s.key} aria-hidden="true" />
          {s.label}
        </li>
      ))}
    </ul>
  );
}

/** A horizontal bar per agency or supervisor, most overdue first, each a link. */
function OverdueChart({
  id,
  title,
  bars,
  truncated,
  name,
  link,
  empty,
}: {
  id: string;
  title: string;
  bars: readonly OverdueBar[];
  truncated: boolean;
  name: (bar: OverdueBar) => string;
  link: (bar: OverdueBar) => string;
  empty: string;
}): JSX.Element {
  const rows = bars.map((bar) => ({
    name: name(bar),
    count: bar.overdueMilestones,
    href: link(bar),
    label: `${name(bar)}: ${plural(bar.overdueMilestones, 'overdue milestone')} in ${plural(bar.programs, 'program')}`,
  }));
  const longest = Math.max(0, ...rows.map((r) => r.name.length));
  return (
    <figure class="chart" id={id} aria-labelledby={`${id}-title`} data-total={bars.reduce((sum, b) => sum + b.overdueMilestones, 0)}>
      <h3 id={`${id}-title`}>{title}</h3>
      {bars.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <>
          {truncated && <p class="hint">The {bars.length} with the most overdue milestones.</p>}
          <PlotBox
            class="chart-drawing"
            deps={[bars]}
            draw={() =>
              Plot.plot({
                width: 640,
                height: 40 + rows.length * 26,
                marginLeft: Math.min(12 + longest * 7.2, 300),
                marginRight: 36,
                ariaLabel: `${title}. The table that follows has the same numbers.`,
                y: { domain: rows.map((r) => r.name), label: null, padding: 0.2 },
                x: {
                  label: 'Overdue milestones',
                  grid: true,
                  tickFormat: 'd',
                  ticks: countTicks(Math.max(1, ...rows.map((r) => r.count))),
                },
                marks: [
                  Plot.barX(rows, { y: 'name', x: 'count', fill: OVERDUE_COLOUR, href: 'href', ariaLabel: 'label', title: 'label' }),
                  Plot.text(rows, {
                    y: 'name',
                    x: 'count',
                    text: (r: { count: number }) => String(r.count),
                    dx: 4,
                    textAnchor: 'start',
                    ariaHidden: 'true',
                  }),
                  Plot.ruleX([0]),
                ],
              })
            }
          />
          <div class="visually-hidden">
            <table>
              <caption>{title}</caption>
              <thead>
                <tr>
                  <th scope="col">Who</th>
                  <th scope="col">Overdue milestones</th>
                  <th scope="col">Programs</th>
                </tr>
              </thead>
              <tbody>
                {bars.map((bar) => (
                  <tr key={bar.key}>
                    <th scope="row">{name(bar)}</th>
                    <td>{bar.overdueMilestones}</td>
                    <td>{bar.programs}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </figure>
  );
}

export function DashboardChartsView({ charts, agency }: { charts: DashboardCharts; agency: string }): JSX.Element {
  return (
    <div class="charts">
      <PeriodChart
        id="chart-reclassifications"
        title="Reclassifications ahead, by month"
        hint="Open programs by the month of their first anniversary, the earliest date they can be reclassified."
        periods={charts.reclassificationsByMonth}
        label={monthLabel}
        link={(p, status) => reclassificationLink(p, status, agency)}
        what="reach the first anniversary"
      />
      <PeriodChart
        id="chart-caps"
        title="Three-year caps, by quarter"
        hint="Open programs by the quarter of their cap (C.G.S. 5-234), when they end if not reclassified."
        periods={charts.capsByQuarter}
        label={quarterLabel}
        link={(p, status) => capLink(p, status, agency)}
        what="reach the cap"
      />
      <OverdueChart
        id="chart-overdue-agency"
        title="Overdue milestones, by agency"
        bars={charts.overdueByAgency.items}
        truncated={charts.overdueByAgency.truncated}
        name={(bar) => bar.key}
        link={overdueAgencyLink}
        empty="No milestone is overdue."
      />
      <OverdueChart
        id="chart-overdue-supervisor"
        title="Overdue milestones, by supervisor"
        bars={charts.overdueBySupervisor.items}
        truncated={charts.overdueBySupervisor.truncated}
        name={(bar) => (bar.name ? `${bar.name} (${bar.key})` : bar.key)}
        link={(bar) => overdueSupervisorLink(bar, agency)}
        empty="No milestone is overdue."
      />
    </div>
  );
}
