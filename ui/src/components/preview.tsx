/**
 * The enrollment as it would be, before anything is created (POST /v1/programs/preview): its dates,
 * milestones, qualification and reclassification checklist, and every rule it breaks. Asked again a
 * moment after HR stops typing; an answer to an older draft is dropped.
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem, postJson } from '../api.js';
import type { ProgramView } from '../api-types.js';
import { formatDate } from '../format.js';

export interface EnrollmentPreviewAnswer {
  program: ProgramView | null;
  violations: { code: string; field: string; message: string }[];
}

type PreviewState =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'ready'; answer: EnrollmentPreviewAnswer }
  | { state: 'incomplete'; issues: { path: string; message: string }[] }
  | { state: 'failed'; message: string };

/** Previews `body` (an enrollment draft) a short pause after it last changed. */
export function useEnrollmentPreview(body: unknown, pauseMs = 400): PreviewState {
  const [preview, setPreview] = useState<PreviewState>({ state: 'idle' });
  const latest = useRef(0);
  const draft = JSON.stringify(body);
  useEffect(() => {
    const asked = ++latest.current;
    setPreview({ state: 'loading' });
    const timer = setTimeout(() => {
      postJson<EnrollmentPreviewAnswer>('/v1/programs/preview', JSON.parse(draft) as unknown)
        .then((answer) => asked === latest.current && setPreview({ state: 'ready', answer }))
        .catch((error: unknown) => {
          if (asked !== latest.current) return;
          if (error instanceof ApiProblem && error.status === 400) setPreview({ state: 'incomplete', issues: error.issues });
          else setPreview({ state: 'failed', message: error instanceof Error ? error.message : 'The preview could not be had.' });
        });
    }, pauseMs);
    return () => clearTimeout(timer);
  }, [draft, pauseMs]);
  return preview;
}

const QUALIFICATION = (q: ProgramView['qualification']): string =>
  q.meetsTargetClass === null
    ? 'The catalogue states no minimum qualifications for this class: HR confirms them before reclassification.'
    : q.meetsTargetClass
      ? `Meets the target class as of ${formatDate(q.asOf)}.`
      : `Short of the target class by ${q.shortfallYears} years as of ${formatDate(q.asOf)}${q.qualifiesOn ? `; program time closes the gap on ${formatDate(q.qualifiesOn)}` : ''}.`;

/** What enrolling the draft would give, shown beside the form; `data-state` says which answer is on show. */
export function EnrollmentPreviewPanel({ preview, id = 'enrollment-preview' }: { preview: PreviewState; id?: string }): JSX.Element {
  return (
    <section class="preview" id={id} aria-labelledby={`${id}-title`} aria-live="polite" data-state={preview.state}>
      <h2 id={`${id}-title`}>If enrolled today</h2>
      {preview.state === 'idle' || preview.state === 'loading' ? (
        <p class="hint">Working out the program…</p>
      ) : preview.state === 'failed' ? (
        <p class="status status-error">{preview.message}</p>
      ) : preview.state === 'incomplete' ? (
        <>
          <p>Not yet a complete enrollment:</p>
          <ul class="preview-issues">
            {preview.issues.slice(0, 8).map((issue) => (
              <li key={`${issue.path}:${issue.message}`}>
                {issue.path || 'body'}: {issue.message}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <PreviewAnswer answer={preview.answer} />
      )}
    </section>
  );
}

function PreviewAnswer({ answer: { program, violations } }: { answer: EnrollmentPreviewAnswer }): JSX.Element {
  return (
    <>
      {violations.length > 0 ? (
        <div class="warning">
          <p>It cannot be enrolled as it stands:</p>
          <ul class="preview-violations">
            {violations.map((v) => (
              <li key={`${v.code}:${v.field}`} data-code={v.code}>
                {v.field}: {v.message} ({v.code})
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p class="status status-success">It can be enrolled: no rule is broken.</p>
      )}
      {program && (
        <dl class="preview-dates">
          <dt>Status</dt>
          <dd data-field="status">{program.status}</dd>
          <dt>Earliest reclassification</dt>
          <dd data-field="earliestReclassificationDate">{formatDate(program.earliestReclassificationDate)}</dd>
          <dt>Latest completion (C.G.S. 5-234)</dt>
          <dd data-field="latestCompletionDate">{formatDate(program.latestCompletionDate)}</dd>
          <dt>Service rating due by</dt>
          <dd>{formatDate(program.workingTestPeriodEndsOn)}</dd>
          <dt>Qualification</dt>
          <dd data-field="qualification">{QUALIFICATION(program.qualification)}</dd>
          <dt>Milestones</dt>
          <dd>
            <ul>
              {program.milestones.map((m) => (
                <li key={m.id}>
                  {m.id} {m.title}, due {formatDate(m.dueDate)} ({m.status})
                </li>
              ))}
            </ul>
          </dd>
          <dt>Reclassification checklist</dt>
          <dd>
            <ul class="checklist-items">
              {program.checklist.map((item) => (
                <li key={item.requirement} data-requirement={item.requirement} data-met={item.met ? 'yes' : 'no'}>
                  {item.met ? 'Met' : 'Not yet'}: {item.detail}
                </li>
              ))}
            </ul>
            {program.reclassifiesOn
              ? `Reclassified on ${formatDate(program.reclassifiesOn)} if the rest is done in time.`
              : 'Cannot be reclassified as things stand.'}
          </dd>
        </dl>
      )}
    </>
  );
}
