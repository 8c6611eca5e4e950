/**
 * A supervisor's or program manager's inbox: the milestones awaiting their sign-off, overdue first,
 * each with its sign-off form; and their trainees' programs, each with a service-rating form.
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson, programPath } from '../api.js';
import type { Inbox, InboxItem, Me, ProgramPage, ProgramView } from '../api-types.js';
import { ServiceRatingForm, SignOffForm } from '../components/commands.js';
import { Loading, PageHeading, ProblemMessage, TableBox } from '../components/page.js';
import { formatDate, MILESTONE_STATUS_LABELS, plural, STATUS_LABELS, traineeLabel } from '../format.js';
import { nameAndId, useStaffNames } from '../components/staff.js';
import { Link } from '../router.js';

type Loaded<T> = { state: 'loading' } | { state: 'failed'; error: unknown } | { state: 'loaded'; value: T };

const itemKey = (item: InboxItem): string => `${item.programId}/${item.milestone.id}`;

export function InboxPage({ me }: { me: Me }): JSX.Element {
  const [inbox, setInbox] = useState<Loaded<Inbox>>({ state: 'loading' });
  const [programs, setPrograms] = useState<Loaded<ProgramPage>>({ state: 'loading' });
  const [openForm, setOpenForm] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [reloads, setReloads] = useState(0);
  const names = useStaffNames([me.sub]);
  // Bumped on each command, so a wait for an earlier one's read model stops when a newer one starts.
  const waiting = useRef(0);
  useEffect(() => () => void (waiting.current += 1), []);

  useEffect(() => {
    getJson<Inbox>('/v1/inbox')
      .then((value) => setInbox({ state: 'loaded', value }))
      .catch((error: unknown) => setInbox({ state: 'failed', error }));
    getJson<ProgramPage>('/v1/programs?limit=200')
      .then((value) => setPrograms({ state: 'loaded', value }))
      .catch((error: unknown) => setPrograms({ state: 'failed', error }));
  }, [reloads]);

  /** Closing a form puts focus back on the button that opened it. */
  const open = (key: string | null): void => {
    const closing = openForm;
    setOpenForm(key);
    if (key === null && closing) requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-opens="${CSS.escape(closing)}"]`)?.focus());
  };

  /** The command's answer is the program as it now stands: show it at once, then refresh the lists. */
  const done = (program: ProgramView, text: string): void => {
    setMessage(text);
    setOpenForm(null);
    if (inbox.state === 'loaded') {
      const stillOpen = new Set(program.milestones.filter((m) => m.status !== 'signed-off').map((m) => m.id));
      setInbox({
        state: 'loaded',
        value: { ...inbox.value, items: inbox.value.items.filter((i) => i.programId !== program.programId || stillOpen.has(i.milestone.id)) },
      });
    }
    if (programs.state === 'loaded') {
      setPrograms({ state: 'loaded', value: { ...programs.value, items: programs.value.items.map((p) => (p.programId === program.programId ? program : p)) } });
    }
    requestAnimationFrame(() => document.getElementById('inbox-message')?.focus());
    // The lists come from the read model, which follows a moment behind: reload them once it shows
    // the program at the version the command answered with.
    const ticket = (waiting.current += 1);
    void readModelReaches(program.programId, program.version, () => waiting.current !== ticket).then((reached) => {
      if (reached) setReloads((n) => n + 1);
    });
  };

  return (
    <>
      <PageHeading title="Inbox" />
      <p class="lede">
        Milestones awaiting your sign-off as {nameAndId(names.get(me.sub), me.sub)}, overdue first, and the programs of the trainees you supervise or manage.
      </p>
      <div aria-live="polite">
        {message && (
          <p class="status status-success" id="inbox-message" tabIndex={-1}>
            {message}
          </p>
        )}
      </div>

      <section aria-labelledby="awaiting-title">
        <h2 id="awaiting-title">Awaiting your sign-off</h2>
        {inbox.state === 'loading' && <Loading what="your inbox" />}
        {inbox.state === 'failed' && <ProblemMessage error={inbox.error} />}
        {inbox.state === 'loaded' && (
          <AwaitingList inbox={inbox.value} openForm={openForm} onOpen={open} onDone={done} />
        )}
      </section>

      <section aria-labelledby="reports-title">
        <h2 id="reports-title">Progress reports to review</h2>
        {programs.state === 'loaded' && <ReportsToReview programs={programs.value.items} />}
      </section>

      <section aria-labelledby="trainees-title">
        <h2 id="trainees-title">Your trainees' programs</h2>
        {programs.state === 'loading' && <Loading what="programs" />}
        {programs.state === 'failed' && <ProblemMessage error={programs.error} />}
        {programs.state === 'loaded' && <TraineePrograms programs={programs.value.items} openForm={openForm} onOpen={open} onDone={done} />}
      </section>
    </>
  );
}

function AwaitingList({ inbox, openForm, onOpen, onDone }: { inbox: Inbox; openForm: string | null; onOpen: (key: string | null) => void; onDone: (p: ProgramView, m: string) => void }): JSX.Element {
  if (inbox.items.length === 0) return <p>Nothing awaits your sign-off.</p>;
  const overdue = inbox.items.filter((item) => item.milestone.status === 'overdue').length;
  return (
    <>
      <p>
        {plural(inbox.items.length, 'milestone')}
        {overdue > 0 ? `, ${overdue} overdue` : ''}.
      </p>
      <ul class="inbox">
        {inbox.items.map((item) => {
          const key = `sign-off:${itemKey(item)}`;
          const open = openForm === key;
          return (
            <li key={itemKey(item)} class={`inbox-item inbox-${item.milestone.status}`} data-milestone={item.milestone.id} data-program={item.programId}>
              <div class="inbox-summary">
                <p class="inbox-title">
                  <span class={`badge badge-milestone-${item.milestone.status}`}>{MILESTONE_STATUS_LABELS[item.milestone.status]}</span>{' '}
                  <strong>
                    {item.milestone.id}: {item.milestone.title}
                  </strong>
                </p>
                <p>
                  Trainee <Link href={programPath(item.programId)}>{item.traineeName} ({item.traineeEmployeeId})</Link>, {item.agency}, {item.targetClassCode}. Due {formatDate(item.milestone.dueDate)}
                  {item.daysUntilDue < 0 ? ` (${plural(-item.daysUntilDue, 'day')} overdue)` : item.daysUntilDue === 0 ? ' (today)' : ` (in ${plural(item.daysUntilDue, 'day')})`}.
                </p>
                {!open && (
                  <button type="button" class="button" data-opens={key} onClick={() => onOpen(key)}>
                    Sign off {item.milestone.id}
                    <span class="visually-hidden"> for {item.traineeName} ({item.traineeEmployeeId})</span>
                  </button>
                )}
              </div>
              {open && (
                <SignOffForm
                  programId={item.programId}
                  milestone={item.milestone}
                  idPrefix={`sign-off-${itemKey(item)}`}
                  onDone={onDone}
                  onCancel={() => onOpen(null)}
                />
              )}
            </li>
          );
        })}
      </ul>
      {inbox.truncated && <p class="hint">Only your first 2,000 active programs were read.</p>}
    </>
  );
}

function TraineePrograms({ programs, openForm, onOpen, onDone }: { programs: readonly ProgramView[]; openForm: string | null; onOpen: (key: string | null) => void; onDone: (p: ProgramView, m: string) => void }): JSX.Element {
  if (programs.length === 0) return <p>You supervise or manage no program.</p>;
  const rating = programs.find((p) => openForm === `rate:${p.programId}`);
  return (
    <>
      <TableBox label="Your trainees' programs">
        <table>
          <caption class="visually-hidden">Your trainees' programs, earliest cap first</caption>
          <thead>
            <tr>
              <th scope="col">Trainee</th>
              <th scope="col">Status</th>
              <th scope="col">Milestones signed</th>
              <th scope="col">Service rating</th>
              <th scope="col">Cap</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {programs.map((program) => {
              const open = program.status === 'active' || program.status === 'awaiting-minimum';
              return (
                <tr key={program.programId}>
                  <th scope="row">
                    <Link href={programPath(program.programId)}>{traineeLabel(program)}</Link>
                  </th>
                  <td>
                    <span class={`badge badge-${program.status}`}>{STATUS_LABELS[program.status]}</span>
                  </td>
                  <td>
                    {program.milestones.filter((m) => m.status === 'signed-off').length} of {program.milestones.length}
                  </td>
                  <td>{program.serviceRating ? `${program.serviceRating.rating}, ${formatDate(program.serviceRating.ratedOn)}` : 'Not yet rated'}</td>
                  <td>{formatDate(program.latestCompletionDate)}</td>
                  <td>
                    {open && (
                      <button type="button" class="link-button" data-opens={`rate:${program.programId}`} onClick={() => onOpen(`rate:${program.programId}`)}>
                        Rate service<span class="visually-hidden"> of {traineeLabel(program)}</span>
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableBox>
      {rating && (
        <div class="panel">
          <h3>Service rating for {traineeLabel(rating)}</h3>
          <ServiceRatingForm programId={rating.programId} traineeEmployeeId={traineeLabel(rating)} idPrefix={`rate-${rating.programId}`} onDone={onDone} onCancel={() => onOpen(null)} />
        </div>
      )}
    </>
  );
}

/** Reports the trainees have submitted and nobody has reviewed yet, oldest first; the review is on the program page. */
function ReportsToReview({ programs }: { programs: readonly ProgramView[] }): JSX.Element {
  const waiting = programs
    .flatMap((program) => program.progressReports.filter((r) => !r.reviewedOn).map((report) => ({ program, report })))
    .sort((a, b) => (a.report.submittedOn < b.report.submittedOn ? -1 : a.report.submittedOn > b.report.submittedOn ? 1 : 0));
  if (waiting.length === 0) return <p>No progress report awaits your review.</p>;
  return (
    <ul class="reports-to-review">
      {waiting.map(({ program, report }) => (
        <li key={`${program.programId}/${report.periodEnding}`} data-program={program.programId}>
          Trainee <Link href={programPath(program.programId)}>{traineeLabel(program)}</Link>: the period ending {formatDate(report.periodEnding)}, submitted{' '}
          {formatDate(report.submittedOn)}.
        </li>
      ))}
    </ul>
  );
}

/**
 * Waits until the read model has the program at `version` (or later), asking again with a growing
 * pause; false if `abandoned` says the wait is no longer wanted or the model never gets there.
 */
async function readModelReaches(programId: string, version: number, abandoned: () => boolean): Promise<boolean> {
  for (let pauseMs = 100; pauseMs <= 6_400; pauseMs *= 2) {
    if (abandoned()) return false;
    const row = await getJson<ProgramPage>(`/v1/programs?limit=200`).catch(() => null);
    const listed = row?.items.find((p) => p.programId === programId);
    if (listed && listed.version >= version) return !abandoned();
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return false;
}
