/**
 * Bulk import (HR): a CSV or JSON file, sent as is to POST /v1/programs/import, and the API's result
 * for every row. The server validates each row; one bad row does not stop the others.
 */
import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { ApiProblem, getJson, programPath } from '../api.js';
import type { ImportResult, ImportRowResult } from '../api-types.js';
import { ErrorSummary } from '../components/forms.js';
import { PageHeading, TableBox } from '../components/page.js';
import { plural } from '../format.js';
import { Link } from '../router.js';

const RESULT_LABELS: Record<ImportRowResult['status'], string> = {
  created: 'Enrolled',
  'already-enrolled': 'Already enrolled',
  invalid: 'Invalid',
  rejected: 'Breaks a rule',
  failed: 'Failed: try again',
};

export function ImportPage(): JSX.Element {
  const input = useRef<HTMLInputElement>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const file = input.current?.files?.[0];
    setResult(null);
    if (!file) {
      setProblem(new ApiProblem(0, { code: 'no-file', message: 'Choose a file to import.', issues: [{ path: 'file', message: 'Choose a CSV or JSON file.' }] }));
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const json = file.name.toLowerCase().endsWith('.json') || file.type === 'application/json';
      const answer = await getJson<ImportResult>('/v1/programs/import', {
        method: 'POST',
        raw: { body: await file.text(), type: json ? 'application/json' : 'text/csv' },
      });
      setResult(answer);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, { code: 'error', message: 'The file could not be read or sent.' }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading title="Import trainees" />
      <div class="prose">
        <p>
          Upload a CSV file with a header row naming the enrollment fields (<code>trainee.employeeId</code>, <code>trainee.name</code>, …,{' '}
          <code>schedule.milestones</code> as <code>id|title|dueDate</code> entries separated by <code>;</code>), or a JSON array of enrollments. At most 500
          rows per file. Importing the same file again reports the rows already enrolled instead of enrolling them twice.
        </p>
      </div>
      {problem && <ErrorSummary problem={problem} labelFor={(path) => (path === 'file' ? 'File' : null)} />}
      <form class="form narrow" noValidate onSubmit={(event) => void submit(event)} aria-label="Import">
        <div class="field">
          <label for="f-file">File</label>
          <p class="hint" id="f-file-hint">
            CSV (.csv) or JSON (.json)
          </p>
          <input id="f-file" ref={input} type="file" name="file" accept=".csv,.json,text/csv,application/json" aria-describedby="f-file-hint" />
        </div>
        <button type="submit" class="button" disabled={busy}>
          {busy ? 'Importing…' : 'Import'}
        </button>
      </form>
      <section aria-labelledby="import-results-title" class="results">
        <h2 id="import-results-title">Results</h2>
        <div aria-live="polite" id="import-summary">{result ? <p class="status status-success">{summaryOf(result)}</p> : <p>No file imported yet.</p>}</div>
        {result && result.results.length > 0 && <ResultTable result={result} />}
      </section>
    </>
  );
}

function summaryOf({ summary }: ImportResult): string {
  const parts = [
    summary.created && `${summary.created} enrolled`,
    summary.alreadyEnrolled && `${summary.alreadyEnrolled} already enrolled`,
    summary.invalid && `${summary.invalid} invalid`,
    summary.rejected && `${summary.rejected} breaking a rule`,
    summary.failed && `${summary.failed} failed`,
  ].filter(Boolean);
  return `${plural(summary.rows, 'row')}: ${parts.join(', ')}.`;
}

function ResultTable({ result }: { result: ImportResult }): JSX.Element {
  return (
    <TableBox label="Result per row">
      <table>
        <caption class="visually-hidden">Result per row</caption>
        <thead>
          <tr>
            <th scope="col">Row</th>
            <th scope="col">Result</th>
            <th scope="col">Program</th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {result.results.map((row) => (
            <tr key={row.row} class={`import-${row.status}`}>
              <th scope="row">{row.row}</th>
              <td>
                <span class={`badge badge-import-${row.status}`}>{RESULT_LABELS[row.status]}</span>
              </td>
              <td>{row.programId && (row.status === 'created' || row.status === 'already-enrolled') ? <Link href={programPath(row.programId)}>Open program</Link> : '—'}</td>
              <td>
                {row.error ? (
                  <>
                    {row.error.message}
                    {row.error.issues && row.error.issues.length > 0 && (
                      <ul class="issues">
                        {row.error.issues.map((issue, index) => (
                          <li key={index}>
                            <code>{issue.path || '(row)'}</code>: {issue.message}
                          </li>
                        ))}
                      </ul>
                    )}
                  </>
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
