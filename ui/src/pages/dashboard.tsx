/**
 * The dashboard: programs by status, programs at risk (cap within 90 days, overdue milestones), and
 * the cohort, filtered as the API filters (status, agency, target class, cap before), drawn as a
 * timeline and listed in a table. HR, DAS and auditors see every program; supervisors and program
 * managers their own (the API decides which).
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson, programPath, queryString } from '../api.js';
import type { Dashboard, DashboardCharts, Me, ProgramPage, ProgramView } from '../api-types.js';
import { DashboardChartsView } from '../components/charts.js';
import { ProgramFilterFields } from '../components/filters.js';
import { ProgramRow } from '../components/program-row.js';
import { Loading, PageHeading, ProblemMessage, StatusMessage, TableBox } from '../components/page.js';
import { barOf, Timeline } from '../components/timeline.js';
import {
  AT_RISK_LABELS,
  formatDate,
  plural,
  PROGRAM_STATUSES,
  relativeDays,
  STATUS_LABELS,
  todayInNewYork,
  traineeLabel,
} from '../format.js';
import { Link, navigate, useLocation } from '../router.js';

const PAGE_SIZE = 50;
/** The list starts with the open programs: closed ones have the earliest caps and would fill it. */
const DEFAULT_STATUS = 'active';
const ANY_STATUS = 'any';

interface Filters {
  status: string;
  agency: string;
  targetClass: string;
  capBefore: string;
}

const filtersOf = (query: URLSearchParams): Filters => ({
  status: query.get('status') ?? DEFAULT_STATUS,
  agency: query.get('agency') ?? '',
  targetClass: query.get('targetClass') ?? '',
  capBefore: query.get('capBefore') ?? '',
});

/** An answer, with the key (the filters) it answers. */
type Loaded<T> = { state: 'loading' } | { state: 'failed'; error: unknown; key: string } | { state: 'loaded'; value: T; key: string };

/** What was loaded, unless it answers other filters than the ones now asked for. */
const answering = <T,>(loaded: Loaded<T>, key: string): Loaded<T> =>
  loaded.state !== 'loading' && loaded.key !== key ? { state: 'loading' } : loaded;

export function DashboardPage({ me }: { me: Me }): JSX.Element {
  const location = useLocation();
  const filters = filtersOf(location.query);
  const listFilters = { ...filters, status: filters.status === ANY_STATUS ? '' : filters.status };
  const filterKey = queryString(listFilters);
  const [dashboardAnswer, setDashboard] = useState<Loaded<Dashboard>>({ state: 'loading' });
  const [programsAnswer, setPrograms] = useState<Loaded<ProgramPage>>({ state: 'loading' });
  const [chartsAnswer, setCharts] = useState<Loaded<DashboardCharts>>({ state: 'loading' });
  const dashboard = answering(dashboardAnswer, filters.agency);
  const charts = answering(chartsAnswer, filters.agency);
  const programs = answering(programsAnswer, filterKey);
  const [moreBusy, setMoreBusy] = useState(false);
  const rendered = useRef(false);
  const today = todayInNewYork();

  // Each answer is kept with the filters it answers; an answer to filters since changed is dropped,
  // and until the current one arrives the page says it is loading rather than showing the old list.
  useEffect(() => {
    let current = true;
    setDashboard({ state: 'loading' });
    getJson<Dashboard>(`/v1/dashboard${queryString({ agency: filters.agency })}`)
      .then((value) => current && setDashboard({ state: 'loaded', value, key: filters.agency }))
      .catch((error: unknown) => current && setDashboard({ state: 'failed', error, key: filters.agency }));
    return () => {
      current = false;
    };
  }, [filters.agency]);

  useEffect(() => {
    let current = true;
    setCharts({ state: 'loading' });
    getJson<DashboardCharts>(`/v1/dashboard/charts${queryString({ agency: filters.agency })}`)
      .then((value) => current && setCharts({ state: 'loaded', value, key: filters.agency }))
      .catch((error: unknown) => current && setCharts({ state: 'failed', error, key: filters.agency }));
    return () => {
      current = false;
    };
  }, [filters.agency]);

  useEffect(() => {
    let current = true;
    setPrograms({ state: 'loading' });
    getJson<ProgramPage>(`/v1/programs${queryString({ ...listFilters, limit: PAGE_SIZE })}`)
      .then((value) => current && setPrograms({ state: 'loaded', value, key: filterKey }))
      .catch((error: unknown) => current && setPrograms({ state: 'failed', error, key: filterKey }));
    return () => {
      current = false;
    };
  }, [filterKey]);

  const ready = dashboard.state !== 'loading' && programs.state !== 'loading' && charts.state !== 'loading';
  useEffect(() => {
    // The benchmark (bench/dashboard.ts) reads this mark: the first complete render after load.
    if (ready && !rendered.current) {
      rendered.current = true;
      performance.mark('dashboard-rendered');
    }
  }, [ready]);

  const loadMore = async (): Promise<void> => {
    if (programs.state !== 'loaded' || !programs.value.nextCursor) return;
    setMoreBusy(true);
    try {
      const next = await getJson<ProgramPage>(
        `/v1/programs${queryString({ ...listFilters, limit: PAGE_SIZE, cursor: programs.value.nextCursor })}`,
      );
      const key = filterKey;
      // Kept only if the filters are still the ones the page was loaded for.
      setPrograms((now) =>
        now.state === 'loaded' && now.key === key
          ? { state: 'loaded', value: { items: [...now.value.items, ...next.items], nextCursor: next.nextCursor }, key }
          : now,
      );
    } catch (error) {
      const key = filterKey;
      setPrograms((now) => (now.state !== 'loading' && now.key === key ? { state: 'failed', error, key } : now));
    } finally {
      setMoreBusy(false);
    }
  };

  return (
    <div class="dashboard" data-state={ready ? 'ready' : 'loading'}>
      <PageHeading title="Dashboard" />
      <p class="lede">
        {dashboard.state === 'loaded' && dashboard.value.scope === 'assigned' ? 'The programs you supervise or manage' : 'Every program'}
        {filters.agency ? ` at ${filters.agency}` : ''}, as of {formatDate(today)}.
        {me.roles.includes('hr') && (
          <>
            {' '}
            <Link href="/enroll">Enroll a trainee</Link> or <Link href="/import">import trainees from a file</Link>.
          </>
        )}
      </p>

      <section aria-labelledby="counts-title">
        <h2 id="counts-title">Programs by status</h2>
        {dashboard.state === 'loading' && <Loading what="counts" />}
        {dashboard.state === 'failed' && <ProblemMessage error={dashboard.error} />}
        {dashboard.state === 'loaded' && <StatusCounts dashboard={dashboard.value} agency={filters.agency} />}
      </section>

      <section aria-labelledby="charts-title">
        <h2 id="charts-title">Ahead and overdue</h2>
        <p class="hint">Each bar opens the list of the programs it counts.</p>
        {charts.state === 'loading' && <Loading what="charts" />}
        {charts.state === 'failed' && <ProblemMessage error={charts.error} />}
        {charts.state === 'loaded' && <DashboardChartsView charts={charts.value} agency={filters.agency} />}
      </section>

      <section aria-labelledby="at-risk-title">
        <h2 id="at-risk-title">At risk</h2>
        <p class="hint">Open programs whose three-year cap is within 90 days, or with a milestone overdue.</p>
        {dashboard.state === 'loaded' && <AtRisk dashboard={dashboard.value} today={today} />}
      </section>

      <section aria-labelledby="cohort-title">
        <h2 id="cohort-title">Programs</h2>
        <FilterForm filters={filters} />
        {programs.state === 'loading' && <Loading what="programs" />}
        {programs.state === 'failed' && <ProblemMessage error={programs.error} />}
        {programs.state === 'loaded' && (
          <Cohort page={programs.value} today={today} filtered={filterKey !== ''} onMore={() => void loadMore()} moreBusy={moreBusy} />
        )}
      </section>
    </div>
  );
}

function StatusCounts({ dashboard, agency }: { dashboard: Dashboard; agency: string }): JSX.Element {
  return (
    <ul class="counts">
      {PROGRAM_STATUSES.map((status) => (
        <li key={status} class={`count count-${status}`}>
          <Link href={`/dashboard${queryString({ status, agency })}`}>
            <span class="count-number">{dashboard.counts[status].toLocaleString('en-US')}</span>
            <span class="count-label">{STATUS_LABELS[status]}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** The ten most pressing at first, so the cohort below stays in reach; the rest on asking. */
const AT_RISK_FIRST = 10;

function AtRisk({ dashboard, today }: { dashboard: Dashboard; today: string }): JSX.Element {
  const [showAll, setShowAll] = useState(false);
  const { truncated } = dashboard.atRisk;
  const all = dashboard.atRisk.items;
  const items = showAll ? all : all.slice(0, AT_RISK_FIRST);
  if (all.length === 0) return <p>No program is at risk.</p>;
  return (
    <>
      <TableBox label="Programs at risk">
        <table id="at-risk-table">
          <caption class="visually-hidden">Programs at risk, earliest cap first</caption>
          <thead>
            <tr>
              <th scope="col">Trainee</th>
              <th scope="col">Agency</th>
              <th scope="col">Target class</th>
              <th scope="col">Cap</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {items.map(({ program, reasons }) => (
              <tr key={program.programId}>
                <th scope="row">
                  <Link href={programPath(program.programId)}>{traineeLabel(program)}</Link>
                </th>
                <td>{program.agency}</td>
                <td>{program.targetClassCode}</td>
                <td>
                  <time dateTime={program.latestCompletionDate}>{formatDate(program.latestCompletionDate)}</time> (
                  {relativeDays(today, program.latestCompletionDate)})
                </td>
                <td>
                  {reasons.map((reason) => (
                    <span key={reason} class={`tag tag-${reason}`}>
                      {AT_RISK_LABELS[reason]}
                      {reason === 'overdue-milestones' ? ` (${program.milestones.filter((m) => m.status === 'overdue').length})` : ''}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
      {all.length > items.length && (
        <p>
          <button
            type="button"
            class="button button-secondary"
            onClick={() => {
              setShowAll(true);
              // The button goes away: focus moves to the first program it revealed.
              requestAnimationFrame(() => document.querySelectorAll<HTMLElement>('#at-risk-table tbody tr a')[AT_RISK_FIRST]?.focus());
            }}
          >
            Show all {all.length}
            {truncated ? ' listed' : ''} programs at risk
          </button>
        </p>
      )}
      {truncated && showAll && (
        <p class="hint">Showing the {all.length} earliest caps. Filter the programs below by “Cap before” to see more.</p>
      )}
    </>
  );
}

function FilterForm({ filters }: { filters: Filters }): JSX.Element {
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [filters.status, filters.agency, filters.targetClass, filters.capBefore]);
  const set = (key: keyof Filters) => (event: { currentTarget: { value: string } }) =>
    setDraft({ ...draft, [key]: event.currentTarget.value });
  const apply = (event: Event): void => {
    event.preventDefault();
    navigate(`/dashboard${queryString({ ...draft })}`);
  };
  return (
    <form class="filters" role="search" aria-label="Filter programs" onSubmit={apply}>
      <ProgramFilterFields
        idPrefix="filter"
        values={draft}
        anyStatus={ANY_STATUS}
        onChange={(field, value) => setDraft({ ...draft, [field]: value })}
      />
      <div class="field">
        <label for="filter-cap-before">Cap before</label>
        <input id="filter-cap-before" type="date" value={draft.capBefore} onInput={set('capBefore')} />
      </div>
      <div class="filter-actions">
        <button type="submit" class="button">
          Apply filters
        </button>
        <Link href="/dashboard" class="button button-secondary">
          Reset
        </Link>
      </div>
    </form>
  );
}

function Cohort({
  page,
  today,
  filtered,
  onMore,
  moreBusy,
}: {
  page: ProgramPage;
  today: string;
  filtered: boolean;
  onMore: () => void;
  moreBusy: boolean;
}): JSX.Element {
  const { items, nextCursor } = page;
  const summary = `${plural(items.length, 'program')}${nextCursor ? ' shown; more match' : filtered ? ' match the filters' : ''}.`;
  if (items.length === 0) return <StatusMessage>No program matches{filtered ? ' the filters' : ''}.</StatusMessage>;
  const earliest = items.reduce((min, p) => (p.appointmentDate < min ? p.appointmentDate : min), items[0]?.appointmentDate ?? today);
  const latest = items.reduce(
    (max, p) => (p.latestCompletionDate > max ? p.latestCompletionDate : max),
    items[0]?.latestCompletionDate ?? today,
  );
  return (
    <>
      <StatusMessage>{summary}</StatusMessage>
      <Timeline
        id="cohort-timeline"
        title="Cohort timeline"
        description={`${plural(items.length, 'program')}, appointed from ${formatDate(earliest)}, with caps up to ${formatDate(latest)}. Each bar runs from the appointment to the three-year cap. The table below lists the same programs.`}
        bars={items.map((program) => barOf(program))}
        today={today}
      />
      <ProgramTable programs={items} caption="Programs, earliest cap first" />
      {nextCursor && (
        <p>
          <button type="button" class="button button-secondary" onClick={onMore} disabled={moreBusy}>
            Show {PAGE_SIZE} more
          </button>
        </p>
      )}
    </>
  );
}

export function ProgramTable({ programs, caption }: { programs: readonly ProgramView[]; caption: string }): JSX.Element {
  return (
    <TableBox label={caption}>
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Trainee</th>
            <th scope="col">Status</th>
            <th scope="col">Agency</th>
            <th scope="col">Target class</th>
            <th scope="col">Appointed</th>
            <th scope="col">First anniversary</th>
            <th scope="col">Cap</th>
            <th scope="col">Milestones signed</th>
          </tr>
        </thead>
        <tbody>
          {programs.map((program) => (
            <ProgramRow key={program.programId} program={program} />
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}
