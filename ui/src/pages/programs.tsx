/**
 * The programs list: find a trainee by part of a name or employee id, filter as the API filters
 * (status, agency, target class, reclassification and cap dates, supervisor, overdue milestones),
 * sort by a column, and download
 * the filtered list as CSV. Everything is in the address (the API's own parameter names), so a view
 * can be bookmarked and shared, and other pages (the dashboard's charts) link to a filtered list.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson, queryString } from '../api.js';
import type { ProgramPage } from '../api-types.js';
import { ProgramFilterFields } from '../components/filters.js';
import { ProgramRow } from '../components/program-row.js';
import { Loading, PageHeading, ProblemMessage, StatusMessage, TableBox, messageOf } from '../components/page.js';
import { nameAndId, useStaffNames } from '../components/staff.js';
import { downloadCsv } from '../download.js';
import { plural } from '../format.js';
import { Link, navigate, useLocation } from '../router.js';

const PAGE_SIZE = 50;
export const PROGRAMS_PATH = '/programs';

/** The list's parameters, named as the API names them. */
const PARAMETERS = [
  'q',
  'status',
  'agency',
  'targetClass',
  'reclassifiesFrom',
  'reclassifiesBefore',
  'capFrom',
  'capBefore',
  'supervisor',
  'overdue',
  'sort',
] as const;
type Parameter = (typeof PARAMETERS)[number];
type Parameters = Record<Parameter, string>;

const parametersOf = (query: URLSearchParams): Parameters =>
  Object.fromEntries(PARAMETERS.map((name) => [name, query.get(name)?.trim() ?? ''])) as Parameters;

/** A link to the list with these parameters (the ones left out are not filtered on). */
export const programsListPath = (parameters: Partial<Parameters>): string => `${PROGRAMS_PATH}${queryString(parameters)}`;

type SortField = 'trainee.name' | 'appointmentDate' | 'earliestReclassificationDate' | 'latestCompletionDate';
const DEFAULT_SORT: SortField = 'latestCompletionDate';

const SORT_LABELS: Record<SortField, string> = {
  'trainee.name': 'trainee name',
  appointmentDate: 'appointment date',
  earliestReclassificationDate: 'earliest reclassification',
  latestCompletionDate: 'cap',
};

function sortOf(sort: string): { field: SortField; descending: boolean } {
  const descending = sort.startsWith('-');
  const field = (descending ? sort.slice(1) : sort) as SortField;
  return field in SORT_LABELS ? { field, descending } : { field: DEFAULT_SORT, descending: false };
}

type Loaded =
  { state: 'loading' } | { state: 'failed'; error: unknown; key: string } | { state: 'loaded'; value: ProgramPage; key: string };

export function ProgramsPage(): JSX.Element {
  const location = useLocation();
  const parameters = parametersOf(location.query);
  const key = queryString(parameters);
  const [answer, setAnswer] = useState<Loaded>({ state: 'loading' });
  const [moreBusy, setMoreBusy] = useState(false);
  const [exporting, setExporting] = useState<
    { state: 'idle' } | { state: 'busy' } | { state: 'failed'; message: string } | { state: 'done' }
  >({ state: 'idle' });
  const loaded = answer.state !== 'loading' && answer.key !== key ? ({ state: 'loading' } as const) : answer;

  useEffect(() => {
    let current = true;
    setAnswer({ state: 'loading' });
    getJson<ProgramPage>(`/v1/programs${queryString({ ...parameters, limit: PAGE_SIZE })}`)
      .then((value) => current && setAnswer({ state: 'loaded', value, key }))
      .catch((error: unknown) => current && setAnswer({ state: 'failed', error, key }));
    return () => {
      current = false;
    };
  }, [key]);

  const loadMore = async (): Promise<void> => {
    if (loaded.state !== 'loaded' || !loaded.value.nextCursor) return;
    setMoreBusy(true);
    const shown = loaded.value.items.length;
    try {
      const next = await getJson<ProgramPage>(
        `/v1/programs${queryString({ ...parameters, limit: PAGE_SIZE, cursor: loaded.value.nextCursor })}`,
      );
      setAnswer((now) =>
        now.state === 'loaded' && now.key === key
          ? { state: 'loaded', value: { items: [...now.value.items, ...next.items], nextCursor: next.nextCursor }, key }
          : now,
      );
      // The button may go away: focus moves to the first program it brought.
      requestAnimationFrame(() => document.querySelectorAll<HTMLElement>('#programs-table tbody tr a')[shown]?.focus());
    } catch (error) {
      setAnswer((now) => (now.state !== 'loading' && now.key === key ? { state: 'failed', error, key } : now));
    } finally {
      setMoreBusy(false);
    }
  };

  const exportCsv = (): void => {
    setExporting({ state: 'busy' });
    downloadCsv(`/v1/programs${queryString(parameters)}`, 'programs.csv')
      .then(() => setExporting({ state: 'done' }))
      .catch((error: unknown) => setExporting({ state: 'failed', message: messageOf(error) }));
  };

  const filtered = PARAMETERS.some((name) => name !== 'sort' && parameters[name] !== '');
  return (
    <div class="programs-page" data-state={loaded.state}>
      <PageHeading title="Programs" />
      <p class="lede">Find a trainee by name or employee id, filter and sort the programs, and download the list as a CSV file.</p>
      <SearchForm parameters={parameters} />
      {loaded.state === 'loading' && <Loading what="programs" />}
      {loaded.state === 'failed' && <ProblemMessage error={loaded.error} />}
      {loaded.state === 'loaded' && (
        <>
          <div class="list-actions">
            <StatusMessage id="programs-summary">
              {loaded.value.items.length === 0
                ? `No program matches${filtered ? ' the search and filters' : ''}.`
                : `${plural(loaded.value.items.length, 'program')}${loaded.value.nextCursor ? ' shown; more match' : filtered ? (loaded.value.items.length === 1 ? ' matches' : ' match') : ''}, sorted by ${SORT_LABELS[sortOf(parameters.sort).field]}${sortOf(parameters.sort).descending ? ', descending' : ''}.`}
            </StatusMessage>
            <button type="button" class="button button-secondary" onClick={exportCsv} disabled={exporting.state === 'busy'}>
              {exporting.state === 'busy' ? 'Exporting…' : 'Export CSV'}
              <span class="visually-hidden"> of every program that matches</span>
            </button>
          </div>
          <div aria-live="polite">
            {exporting.state === 'failed' && <p class="status status-error">The export failed: {exporting.message}</p>}
            {exporting.state === 'done' && <p class="hint">The CSV file of every matching program is downloaded.</p>}
          </div>
          {loaded.value.items.length > 0 && <ProgramsTable page={loaded.value} parameters={parameters} />}
          {loaded.value.nextCursor && (
            <p>
              <button type="button" class="button button-secondary" onClick={() => void loadMore()} disabled={moreBusy}>
                Show {PAGE_SIZE} more
              </button>
            </p>
          )}
        </>
      )}
    </div>
  );
}

function SearchForm({ parameters }: { parameters: Parameters }): JSX.Element {
  const [draft, setDraft] = useState(parameters);
  useEffect(() => setDraft(parameters), [queryString(parameters)]);
  const set = (name: Parameter) => (event: { currentTarget: { value: string } }) =>
    setDraft({ ...draft, [name]: event.currentTarget.value });
  const supervisorNames = useStaffNames(parameters.supervisor ? [parameters.supervisor] : []);
  // Removing the supervisor applies at once (there is nothing to type): the rest of the draft is kept.
  const removeSupervisor = (): void => navigate(programsListPath({ ...draft, q: draft.q.trim(), supervisor: '' }));
  const apply = (event: Event): void => {
    event.preventDefault();
    navigate(programsListPath({ ...draft, q: draft.q.trim() }));
  };
  return (
    <form class="filters" role="search" aria-label="Find programs" onSubmit={apply}>
      <div class="field field-search">
        <label for="programs-q">Name or employee id</label>
        <input id="programs-q" type="search" value={draft.q} onInput={set('q')} autoComplete="off" aria-describedby="programs-q-hint" />
        <p class="hint" id="programs-q-hint">
          Part of a name or id is enough.
        </p>
      </div>
      <ProgramFilterFields
        idPrefix="programs"
        values={draft}
        anyStatus={''}
        onChange={(field, value) => setDraft({ ...draft, [field]: value })}
      />
      <div class="field">
        <label for="programs-reclassifies-from">Reclassifies from</label>
        <input
          id="programs-reclassifies-from"
          type="date"
          value={draft.reclassifiesFrom}
          onInput={set('reclassifiesFrom')}
          aria-describedby="programs-reclassifies-from-hint"
        />
        <p class="hint" id="programs-reclassifies-from-hint">
          Earliest reclassification date on or after this day.
        </p>
      </div>
      <div class="field">
        <label for="programs-reclassifies-before">Reclassifies before</label>
        <input
          id="programs-reclassifies-before"
          type="date"
          value={draft.reclassifiesBefore}
          onInput={set('reclassifiesBefore')}
          aria-describedby="programs-reclassifies-hint"
        />
        <p class="hint" id="programs-reclassifies-hint">
          Earliest reclassification date before this day.
        </p>
      </div>
      <div class="field">
        <label for="programs-cap-from">Cap from</label>
        <input id="programs-cap-from" type="date" value={draft.capFrom} onInput={set('capFrom')} />
      </div>
      <div class="field">
        <label for="programs-cap-before">Cap before</label>
        <input id="programs-cap-before" type="date" value={draft.capBefore} onInput={set('capBefore')} />
      </div>
      {parameters.supervisor && (
        <div class="field field-supervisor" role="group" aria-labelledby="programs-supervisor-label">
          <span class="filter-label" id="programs-supervisor-label">
            Supervisor
          </span>
          <p class="filter-value" data-staff-id={parameters.supervisor}>
            {nameAndId(supervisorNames.get(parameters.supervisor), parameters.supervisor)}
          </p>
          <button type="button" class="button button-secondary" onClick={removeSupervisor}>
            Remove<span class="visually-hidden"> the supervisor filter</span>
          </button>
        </div>
      )}
      <div class="field">
        <label class="checkbox">
          <input
            id="programs-overdue"
            type="checkbox"
            checked={draft.overdue === 'true'}
            onChange={(event) => setDraft({ ...draft, overdue: event.currentTarget.checked ? 'true' : '' })}
          />
          Overdue milestones only
        </label>
      </div>
      <div class="filter-actions">
        <button type="submit" class="button">
          Search
        </button>
        <Link href={PROGRAMS_PATH} class="button button-secondary">
          Reset
        </Link>
      </div>
    </form>
  );
}

/** The header whose button sorted the list last, to take the focus when the table is drawn again. */
let headerToFocus: SortField | null = null;

/** A column header that sorts the list by its field: a button, so Tab and Enter or Space reach it. */
function SortableHeader({ field, label, parameters }: { field: SortField; label: string; parameters: Parameters }): JSX.Element {
  const current = sortOf(parameters.sort);
  const active = current.field === field;
  const nextDescending = active && !current.descending;
  const sort = `${nextDescending ? '-' : ''}${field}`;
  const ariaSort = active ? (current.descending ? 'descending' : 'ascending') : 'none';
  const choose = (): void => {
    // The table is drawn again once the list in the new order arrives: the keyboard goes back to the header just used.
    headerToFocus = field;
    navigate(programsListPath({ ...parameters, sort: sort === DEFAULT_SORT ? '' : sort }));
  };
  return (
    <th scope="col" aria-sort={ariaSort}>
      <button type="button" class="sort-button" data-sort-field={field} onClick={choose}>
        {label}
        <span aria-hidden="true" class="sort-mark">
          {active ? (current.descending ? ' ▼' : ' ▲') : ' ↕'}
        </span>
        <span class="visually-hidden">
          {active
            ? `, sorted ${current.descending ? 'descending' : 'ascending'}; sort ${nextDescending ? 'descending' : 'ascending'}`
            : ', sort ascending'}
        </span>
      </button>
    </th>
  );
}

function ProgramsTable({ page, parameters }: { page: ProgramPage; parameters: Parameters }): JSX.Element {
  const { field, descending } = sortOf(parameters.sort);
  const caption = `Programs, sorted by ${SORT_LABELS[field]}${descending ? ', descending' : ''}`;
  useEffect(() => {
    if (!headerToFocus) return;
    document.querySelector<HTMLElement>(`[data-sort-field="${headerToFocus}"]`)?.focus();
    headerToFocus = null;
  }, [parameters.sort]);
  return (
    <TableBox label="Programs">
      <table id="programs-table">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <SortableHeader field="trainee.name" label="Trainee" parameters={parameters} />
            <th scope="col">Status</th>
            <th scope="col">Agency</th>
            <th scope="col">Target class</th>
            <SortableHeader field="appointmentDate" label="Appointed" parameters={parameters} />
            <SortableHeader field="earliestReclassificationDate" label="Earliest reclassification" parameters={parameters} />
            <SortableHeader field="latestCompletionDate" label="Cap" parameters={parameters} />
            <th scope="col">Milestones signed</th>
          </tr>
        </thead>
        <tbody>
          {page.items.map((program) => (
            <ProgramRow key={program.programId} program={program} idApart />
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}
