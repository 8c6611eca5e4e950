/**
 * Bulk import (HR), in three steps people can follow. Check: the file goes to the dry run
 * (POST /v1/programs/import/preview), which answers what each row would do, the trainee and the
 * program's dates, or the rules it breaks by field, with nothing created. Enroll: after HR confirms,
 * the rows ready to enroll are sent in chunks (JSON, as the dry run read them) with a progress bar;
 * a chunk sent again enrolls nobody twice (the import derives each program's id from the row, and
 * each chunk carries its own Idempotency-Key). Results: every row by trainee, a "problems only" view,
 * and a CSV of the rows to fix in the import's own format with the reason in a column the import
 * ignores, to correct and upload again.
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem, getJson, programPath, send } from '../api.js';
import type { ImportPreview, ImportPreviewRow, ImportResult, ImportRowResult } from '../api-types.js';
import { ErrorSummary } from '../components/forms.js';
import { PageHeading, TableBox } from '../components/page.js';
import { formatDate, plural } from '../format.js';
import { Link } from '../router.js';

const RESULT_LABELS: Record<ImportRowResult['status'], string> = {
  created: 'Enrolled',
  'already-enrolled': 'Already enrolled',
  invalid: 'Invalid',
  rejected: 'Breaks a rule',
  failed: 'Failed: try again',
};

/** Rows per request: small enough for steady progress, large enough that 200 rows take few requests. */
const ROWS_PER_CHUNK = 20;

/** The import's answer for a row of the file, numbered as in the file. */
type RowOutcome = ImportRowResult;

interface Progress {
  done: number;
  total: number;
}

type Step =
  | { step: 'choose' }
  | { step: 'checked'; preview: ImportPreview }
  | { step: 'importing'; preview: ImportPreview; progress: Progress; outcomes: RowOutcome[] }
  | { step: 'done'; preview: ImportPreview; outcomes: RowOutcome[] };

export function ImportPage(): JSX.Element {
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<Step>({ step: 'choose' });
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [checking, setChecking] = useState(false);
  const [problemsOnly, setProblemsOnly] = useState(false);
  const summary = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    if (state.step === 'checked' || state.step === 'done') summary.current?.focus();
  }, [state.step]);

  const check = async (event: Event): Promise<void> => {
    event.preventDefault();
    const file = input.current?.files?.[0];
    setState({ step: 'choose' });
    if (!file) {
      setProblem(
        new ApiProblem(0, {
          code: 'no-file',
          message: 'Choose a file to import.',
          issues: [{ path: 'file', message: 'Choose a CSV or JSON file.' }],
        }),
      );
      return;
    }
    setChecking(true);
    setProblem(null);
    setProblemsOnly(false);
    try {
      const json = file.name.toLowerCase().endsWith('.json') || file.type === 'application/json';
      const preview = await getJson<ImportPreview>('/v1/programs/import/preview', {
        method: 'POST',
        raw: { body: await file.text(), type: json ? 'application/json' : 'text/csv' },
      });
      setState({ step: 'checked', preview });
    } catch (error) {
      setProblem(
        error instanceof ApiProblem ? error : new ApiProblem(0, { code: 'error', message: 'The file could not be read or sent.' }),
      );
    } finally {
      setChecking(false);
    }
  };

  const enroll = async (preview: ImportPreview): Promise<void> => {
    const ready = preview.rows.filter((row) => row.action === 'enroll');
    const outcomes: RowOutcome[] = [];
    const importId = crypto.randomUUID();
    setProblem(null);
    setState({ step: 'importing', preview, progress: { done: 0, total: ready.length }, outcomes });
    for (let start = 0; start < ready.length; start += ROWS_PER_CHUNK) {
      const chunk = ready.slice(start, start + ROWS_PER_CHUNK);
      try {
        const answer = await getJson<ImportResult>('/v1/programs/import', {
          method: 'POST',
          json: chunk.map((row) => row.enrollment),
          headers: { 'idempotency-key': `${importId}-${start}` },
        });
        // The answer numbers the chunk's rows from 1: give each the file's number back.
        answer.results.forEach((result, index) => outcomes.push({ ...result, row: chunk[index]?.row ?? result.row }));
      } catch (error) {
        const body = error instanceof ApiProblem ? error.body : { code: 'error', message: 'The rows could not be sent.' };
        for (const row of chunk)
          outcomes.push({ row: row.row, status: 'failed', ...(row.trainee && { trainee: row.trainee }), error: body });
      }
      setState({
        step: 'importing',
        preview,
        progress: { done: Math.min(start + chunk.length, ready.length), total: ready.length },
        outcomes: [...outcomes],
      });
    }
    setState({ step: 'done', preview, outcomes });
  };

  return (
    <>
      <PageHeading title="Import trainees" />
      <div class="prose">
        <p>
          Upload a CSV file with a header row naming the enrollment fields, or a JSON array of enrollments; at most 500 rows per file. Start
          from the <TemplateLink />. The file is checked first: you see what each row would do before anyone is enrolled. Importing the same
          rows again reports them as already enrolled instead of enrolling them twice.
        </p>
      </div>
      {problem && <ErrorSummary problem={problem} labelFor={(path) => (path === 'file' ? 'File' : null)} />}
      <form class="form narrow" noValidate onSubmit={(event) => void check(event)} aria-label="Import">
        <div class="field">
          <label for="f-file">File</label>
          <p class="hint" id="f-file-hint">
            CSV (.csv) or JSON (.json)
          </p>
          <input
            id="f-file"
            ref={input}
            type="file"
            name="file"
            accept=".csv,.json,text/csv,application/json"
            aria-describedby="f-file-hint"
          />
        </div>
        <button type="submit" class="button" disabled={checking || state.step === 'importing'}>
          {checking ? 'Checking…' : 'Check the file'}
        </button>
      </form>

      {state.step === 'checked' && (
        <section aria-labelledby="import-preview-title" class="results">
          <h2 id="import-preview-title">Before importing</h2>
          <p class="status status-info" id="import-preview-summary" ref={summary} tabIndex={-1}>
            {plural(state.preview.summary.rows, 'row')}: {plural(state.preview.summary.toEnroll, 'trainee')} ready to enroll
            {state.preview.summary.toFix > 0 ? `, ${plural(state.preview.summary.toFix, 'row')} to fix` : ''}. Nothing has been enrolled
            yet.
          </p>
          <div class="form-actions">
            {state.preview.summary.toEnroll > 0 && (
              <button type="button" class="button" onClick={() => void enroll(state.preview)}>
                Enroll {plural(state.preview.summary.toEnroll, 'trainee')}
              </button>
            )}
            {state.preview.summary.toFix > 0 && <RejectsLink preview={state.preview} outcomes={[]} />}
          </div>
          <ProblemsOnly checked={problemsOnly} onChange={setProblemsOnly} />
          <PreviewTable rows={state.preview.rows.filter((row) => !problemsOnly || row.action === 'fix')} />
        </section>
      )}

      {state.step === 'importing' && (
        <section aria-labelledby="import-progress-title" class="results">
          <h2 id="import-progress-title">Enrolling</h2>
          <label for="import-progress">Rows enrolled so far</label>
          <progress id="import-progress" max={state.progress.total} value={state.progress.done} />
          <p aria-live="polite" id="import-progress-text">
            {state.progress.done} of {plural(state.progress.total, 'row')} sent
            {tally(state.outcomes)}
          </p>
        </section>
      )}

      {state.step === 'done' && (
        <section aria-labelledby="import-results-title" class="results">
          <h2 id="import-results-title">Results</h2>
          <p class="status status-success" id="import-summary" ref={summary} tabIndex={-1}>
            {resultSummary(state.preview, state.outcomes)}
          </p>
          {rejectedRows(state.preview, state.outcomes).length > 0 && (
            <div class="form-actions">
              <RejectsLink preview={state.preview} outcomes={state.outcomes} />
            </div>
          )}
          <ProblemsOnly checked={problemsOnly} onChange={setProblemsOnly} />
          <ResultTable rows={resultRows(state.preview, state.outcomes).filter((row) => !problemsOnly || isProblem(row))} />
        </section>
      )}
    </>
  );
}

/** The template, fetched with the caller's token and offered as a file. */
function TemplateLink(): JSX.Element {
  const url = useDownload(async () => (await send('/v1/programs/import/template', { accept: 'text/csv' })).text());
  return url ? (
    <a href={url} download="import-template.csv">
      CSV template
    </a>
  ) : (
    <span>CSV template</span>
  );
}

/** An object URL for text made on demand, revoked when it changes or the page goes. */
function useDownload(make: () => Promise<string> | string, deps: readonly unknown[] = []): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let current: string | null = null;
    let live = true;
    void Promise.resolve(make())
      .then((text) => {
        if (!live) return;
        current = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
        setUrl(current);
      })
      .catch(() => setUrl(null));
    return () => {
      live = false;
      if (current) URL.revokeObjectURL(current);
    };
  }, deps);
  return url;
}

function ProblemsOnly({ checked, onChange }: { checked: boolean; onChange: (value: boolean) => void }): JSX.Element {
  return (
    <label class="checkbox">
      <input type="checkbox" checked={checked} onChange={(event) => onChange(event.currentTarget.checked)} />
      Show only rows with problems
    </label>
  );
}

function traineeCell(trainee: { name: string; employeeId: string } | undefined): JSX.Element | string {
  return trainee ? `${trainee.name} (${trainee.employeeId})` : '—';
}

function Problems({ problems }: { problems: readonly { field: string; message: string }[] }): JSX.Element | string {
  if (problems.length === 0) return '—';
  return (
    <ul class="issues">
      {problems.map((issue, index) => (
        <li key={index}>
          <code>{issue.field || '(row)'}</code>: {issue.message}
        </li>
      ))}
    </ul>
  );
}

function PreviewTable({ rows }: { rows: readonly ImportPreviewRow[] }): JSX.Element {
  return (
    <TableBox label="What each row would do">
      <table>
        <caption class="visually-hidden">What each row would do</caption>
        <thead>
          <tr>
            <th scope="col">Row</th>
            <th scope="col">Trainee</th>
            <th scope="col">Would</th>
            <th scope="col">Appointed</th>
            <th scope="col">Earliest reclassification</th>
            <th scope="col">Cap</th>
            <th scope="col">Problems</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.row} class={`import-preview-${row.action}`}>
              <th scope="row">{row.row}</th>
              <td>{traineeCell(row.trainee)}</td>
              <td>
                <span class={`badge badge-import-${row.action === 'enroll' ? 'created' : 'invalid'}`}>
                  {row.action === 'enroll' ? 'Enroll' : 'Fix first'}
                </span>
              </td>
              <td>{row.appointmentDate ? formatDate(row.appointmentDate) : '—'}</td>
              <td>{row.earliestReclassificationDate ? formatDate(row.earliestReclassificationDate) : '—'}</td>
              <td>{row.latestCompletionDate ? formatDate(row.latestCompletionDate) : '—'}</td>
              <td>
                <Problems problems={row.problems} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}

/** Every row of the file: the import's answer, or the dry run's problems for a row not sent. */
function resultRows(preview: ImportPreview, outcomes: readonly RowOutcome[]): RowOutcome[] {
  const byRow = new Map(outcomes.map((o) => [o.row, o]));
  return preview.rows.map(
    (row): RowOutcome =>
      byRow.get(row.row) ?? {
        row: row.row,
        status: row.problems.some((p) => p.code === 'invalid-input' || p.code === 'invalid-csv-row') ? 'invalid' : 'rejected',
        ...(row.trainee && { trainee: row.trainee }),
        error: {
          code: row.problems[0]?.code ?? 'invalid-input',
          message: 'Not imported: fix the row first.',
          issues: row.problems.map((p) => ({ path: p.field, message: p.message })),
        },
      },
  );
}

const isProblem = (row: RowOutcome): boolean => row.status !== 'created' && row.status !== 'already-enrolled';

function rejectedRows(preview: ImportPreview, outcomes: readonly RowOutcome[]): { row: ImportPreviewRow; reason: string }[] {
  const byRow = new Map(preview.rows.map((row) => [row.row, row]));
  const sent = new Set(outcomes.map((outcome) => outcome.row));
  // A row not sent (yet) is to fix only if the check found a problem in it.
  return resultRows(preview, outcomes)
    .filter((outcome) => isProblem(outcome) && (sent.has(outcome.row) || byRow.get(outcome.row)?.action === 'fix'))
    .flatMap((outcome) => {
      const row = byRow.get(outcome.row);
      return row ? [{ row, reason: reasonOf(outcome) }] : [];
    });
}

function reasonOf(outcome: RowOutcome): string {
  const issues = outcome.error?.issues ?? [];
  if (issues.length === 0) return outcome.error?.message ?? RESULT_LABELS[outcome.status];
  return issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
}

const csvCell = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The rows to fix in the import's own format, the reason in the last column (the import ignores it). */
function rejectsCsv(preview: ImportPreview, outcomes: readonly RowOutcome[]): string {
  const lines = [[...preview.columns, 'reason'].map(csvCell).join(',')];
  for (const { row, reason } of rejectedRows(preview, outcomes)) {
    const cells = row.cells ?? [row.raw?.replace(/\r?\n$/, '') ?? ''];
    lines.push([...cells.map(csvCell), csvCell(reason)].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function RejectsLink({ preview, outcomes }: { preview: ImportPreview; outcomes: readonly RowOutcome[] }): JSX.Element | null {
  const url = useDownload(() => rejectsCsv(preview, outcomes), [preview, outcomes]);
  if (!url) return null;
  return (
    <a class="button button-secondary" href={url} download="rows-to-fix.csv">
      Download the {plural(rejectedRows(preview, outcomes).length, 'row')} to fix (CSV)
    </a>
  );
}

function tally(outcomes: readonly RowOutcome[]): string {
  const enrolled = outcomes.filter((o) => o.status === 'created' || o.status === 'already-enrolled').length;
  const problems = outcomes.length - enrolled;
  return `: ${enrolled} enrolled${problems > 0 ? `, ${problems} with problems` : ''}.`;
}

function resultSummary(preview: ImportPreview, outcomes: readonly RowOutcome[]): string {
  const rows = resultRows(preview, outcomes);
  const count = (status: RowOutcome['status']): number => rows.filter((r) => r.status === status).length;
  const toFix = rows.filter(isProblem).length;
  const parts = [
    count('created') > 0 && `${count('created')} enrolled`,
    count('already-enrolled') > 0 && `${count('already-enrolled')} already enrolled`,
    toFix > 0 && `${toFix} to fix`,
  ].filter(Boolean);
  return `${plural(rows.length, 'row')}: ${parts.join(', ')}.`;
}

function ResultTable({ rows }: { rows: readonly RowOutcome[] }): JSX.Element {
  return (
    <TableBox label="Result per row">
      <table>
        <caption class="visually-hidden">Result per row</caption>
        <thead>
          <tr>
            <th scope="col">Row</th>
            <th scope="col">Trainee</th>
            <th scope="col">Result</th>
            <th scope="col">Program</th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.row} class={`import-${row.status}`}>
              <th scope="row">{row.row}</th>
              <td>{traineeCell(row.trainee)}</td>
              <td>
                <span class={`badge badge-import-${row.status}`}>{RESULT_LABELS[row.status]}</span>
              </td>
              <td>{row.programId && !isProblem(row) ? <Link href={programPath(row.programId)}>Open program</Link> : '—'}</td>
              <td>
                {row.error ? (
                  <Problems
                    problems={(row.error.issues ?? [{ path: '', message: row.error.message }]).map((i) => ({
                      field: i.path,
                      message: i.message,
                    }))}
                  />
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}
