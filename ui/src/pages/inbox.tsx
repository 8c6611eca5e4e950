/**
 * A supervisor's or program manager's inbox: the milestones awaiting their sign-off, grouped by
 * trainee, overdue and due in the next 30 days first and the rest behind a choice, a page of
 * trainees at a time with a count per section; each milestone with its sign-off form, and several
 * milestones of one trainee signed off with one confirmation. Then their trainees' programs, each
 * with a service-rating form.
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson, postJson, programPath, queryString } from '../api.js';
import type { Inbox, InboxGroup, InboxMilestone, InboxShow, Me, ProgramPage, ProgramView } from '../api-types.js';
import { ServiceRatingForm, SignOffForm } from '../components/commands.js';
import { TextAreaField, TextField, textOrAbsent } from '../components/forms.js';
import { Loading, messageOf, PageHeading, ProblemMessage, TableBox } from '../components/page.js';
import { rememberProgram, showProgram } from '../fresh-programs.js';
import { formatDate, MILESTONE_STATUS_LABELS, plural, STATUS_LABELS, todayInNewYork, traineeLabel } from '../format.js';
import { nameAndId, useStaffNames } from '../components/staff.js';
import { Link, navigate, useLocation } from '../router.js';

type Loaded<T> = { state: 'loading' } | { state: 'failed'; error: unknown } | { state: 'loaded'; value: T };

const itemKey = (programId: string, milestoneId: string): string => `${programId}/${milestoneId}`;

const SHOW_CHOICES: { value: InboxShow; label: string; count: (inbox: Inbox) => number }[] = [
  {
    value: 'due',
    label: 'Overdue and due in the next 30 days',
    count: (i) => i.counts.overdue.milestones + i.counts['due-soon'].milestones,
  },
  { value: 'later', label: 'Due later', count: (i) => i.counts.later.milestones },
  { value: 'all', label: 'All', count: (i) => i.counts.overdue.milestones + i.counts['due-soon'].milestones + i.counts.later.milestones },
];

const showOf = (query: URLSearchParams): InboxShow => {
  const show = query.get('show');
  return show === 'later' || show === 'all' ? show : 'due';
};

export function InboxPage({ me }: { me: Me }): JSX.Element {
  const location = useLocation();
  const show = showOf(location.query);
  const [inbox, setInbox] = useState<Loaded<Inbox>>({ state: 'loading' });
  const [programs, setPrograms] = useState<Loaded<ProgramPage>>({ state: 'loading' });
  const [openForm, setOpenForm] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [reloads, setReloads] = useState(0);
  const [moreBusy, setMoreBusy] = useState(false);
  const [bulk, setBulk] = useState<{ trainee: string; programId: string; outcomes: Outcome[] } | null>(null);
  const names = useStaffNames([me.sub]);
  const rendered = useRef(false);
  // Bumped on each command, so a wait for an earlier one's read model stops when a newer one starts.
  const waiting = useRef(0);
  useEffect(() => () => void (waiting.current += 1), []);

  useEffect(() => {
    let current = true;
    getJson<Inbox>(`/v1/inbox${queryString({ show: show === 'due' ? '' : show })}`)
      .then((value) => current && setInbox({ state: 'loaded', value }))
      .catch((error: unknown) => current && setInbox({ state: 'failed', error }));
    return () => {
      current = false;
    };
  }, [reloads, show]);

  useEffect(() => {
    getJson<ProgramPage>('/v1/programs?limit=200')
      .then((value) => setPrograms({ state: 'loaded', value }))
      .catch((error: unknown) => setPrograms({ state: 'failed', error }));
  }, [reloads]);

  const loadMore = async (): Promise<void> => {
    if (inbox.state !== 'loaded' || !inbox.value.nextCursor) return;
    setMoreBusy(true);
    const shown = inbox.value.groups.length;
    try {
      const next = await getJson<Inbox>(`/v1/inbox${queryString({ show: show === 'due' ? '' : show, cursor: inbox.value.nextCursor })}`);
      setInbox((now) =>
        now.state === 'loaded' && now.value.show === next.show
          ? { state: 'loaded', value: { ...next, groups: [...now.value.groups, ...next.groups] } }
          : now,
      );
      // The button may go away: focus moves to the first trainee it brought.
      requestAnimationFrame(() => document.querySelectorAll<HTMLElement>('.inbox-group h3 a')[shown]?.focus());
    } catch (error) {
      setInbox({ state: 'failed', error });
    } finally {
      setMoreBusy(false);
    }
  };

  useEffect(() => {
    // The benchmark (bench/dashboard.ts) reads this mark: the first view of the inbox, drawn.
    if (inbox.state !== 'loading' && !rendered.current) {
      rendered.current = true;
      performance.mark('inbox-rendered');
    }
  }, [inbox.state]);

  /** Closing a form puts focus back on the button that opened it. */
  const open = (key: string | null): void => {
    const closing = openForm;
    setOpenForm(key);
    if (key === null && closing)
      requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-opens="${CSS.escape(closing)}"]`)?.focus());
  };

  /** Milestones signed off leave the inbox at once; the lists are read again once the read model has them. */
  const signedOff = (program: ProgramView): void => {
    const stillOpen = new Set(program.milestones.filter((m) => m.status !== 'signed-off').map((m) => m.id));
    setInbox((now) => {
      if (now.state !== 'loaded') return now;
      const groups = now.value.groups
        .map((g) => (g.programId === program.programId ? { ...g, milestones: g.milestones.filter((m) => stillOpen.has(m.id)) } : g))
        .filter((g) => g.milestones.length > 0);
      return { state: 'loaded', value: { ...now.value, groups } };
    });
    setPrograms((now) =>
      now.state === 'loaded'
        ? { state: 'loaded', value: { ...now.value, items: now.value.items.map((p) => (p.programId === program.programId ? program : p)) } }
        : now,
    );
    // The lists come from the read model, which follows a moment behind: reload them once it shows
    // the program at the version the command answered with.
    const ticket = (waiting.current += 1);
    void readModelReaches(program.programId, program.version, () => waiting.current !== ticket).then((reached) => {
      if (reached) setReloads((n) => n + 1);
    });
  };

  /** Several milestones of one trainee signed off: each one's result stays on show, even once the trainee leaves the list. */
  const bulkDone = (group: InboxGroup, outcomes: Outcome[], program: ProgramView | null): void => {
    setMessage('');
    setBulk({ trainee: `${group.traineeName} (${group.traineeEmployeeId})`, programId: group.programId, outcomes });
    if (program) signedOff(program);
    requestAnimationFrame(() => document.getElementById('bulk-results')?.focus());
  };

  /** The command's answer is the program as it now stands: show it at once, then refresh the lists. */
  const done = (program: ProgramView, text: string): void => {
    setBulk(null);
    setMessage(text);
    setOpenForm(null);
    signedOff(program);
    requestAnimationFrame(() => document.getElementById('inbox-message')?.focus());
  };

  return (
    <>
      <PageHeading title="Inbox" />
      <p class="lede">
        Milestones awaiting your sign-off as {nameAndId(names.get(me.sub), me.sub)}, by trainee, overdue and due soon first, and the
        programs of the trainees you supervise or manage.
      </p>
      <div aria-live="polite">
        {message && (
          <p class="status status-success" id="inbox-message" tabIndex={-1}>
            {message}
          </p>
        )}
        {bulk && <BulkResults outcomes={bulk.outcomes} programId={bulk.programId} trainee={bulk.trainee} />}
      </div>

      <section aria-labelledby="awaiting-title" class="inbox-awaiting" data-state={inbox.state}>
        <h2 id="awaiting-title">Awaiting your sign-off</h2>
        {inbox.state === 'loading' && <Loading what="your inbox" />}
        {inbox.state === 'failed' && <ProblemMessage error={inbox.error} />}
        {inbox.state === 'loaded' && (
          <>
            <SectionCounts inbox={inbox.value} show={show} />
            <AwaitingList inbox={inbox.value} openForm={openForm} onOpen={open} onDone={done} onBulkDone={bulkDone} />
            {inbox.value.nextCursor && (
              <p>
                <button type="button" class="button button-secondary" onClick={() => void loadMore()} disabled={moreBusy}>
                  Show more trainees
                </button>
              </p>
            )}
          </>
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

/** How many milestones each section holds, and the choice of sections to list (kept in the address). */
function SectionCounts({ inbox, show }: { inbox: Inbox; show: InboxShow }): JSX.Element {
  const { counts } = inbox;
  const choose = (value: InboxShow): void => {
    navigate(`/inbox${queryString({ show: value === 'due' ? '' : value })}`, { replace: true });
    requestAnimationFrame(() => document.getElementById(`inbox-show-${value}`)?.focus());
  };
  return (
    <>
      <p id="inbox-counts">
        {plural(counts.overdue.milestones, 'milestone')} overdue ({plural(counts.overdue.trainees, 'trainee')}),{' '}
        {plural(counts['due-soon'].milestones, 'milestone')} due in the next 30 days ({plural(counts['due-soon'].trainees, 'trainee')}),{' '}
        {plural(counts.later.milestones, 'milestone')} due later ({plural(counts.later.trainees, 'trainee')}).
      </p>
      <fieldset class="inbox-sections radios">
        <legend>Show</legend>
        {SHOW_CHOICES.map((choice) => (
          <label key={choice.value} class="radio">
            <input
              type="radio"
              name="inbox-show"
              id={`inbox-show-${choice.value}`}
              value={choice.value}
              checked={show === choice.value}
              onChange={() => choose(choice.value)}
            />{' '}
            {choice.label} ({choice.count(inbox).toLocaleString('en-US')})
          </label>
        ))}
      </fieldset>
    </>
  );
}

interface AwaitingProps {
  inbox: Inbox;
  openForm: string | null;
  onOpen: (key: string | null) => void;
  onDone: (p: ProgramView, m: string) => void;
  onBulkDone: (group: InboxGroup, outcomes: Outcome[], program: ProgramView | null) => void;
}

function AwaitingList({ inbox, openForm, onOpen, onDone, onBulkDone }: AwaitingProps): JSX.Element {
  if (inbox.groups.length === 0) {
    const later = inbox.counts.later.milestones;
    return (
      <p>
        {inbox.show === 'due' && later > 0
          ? `Nothing is overdue or due in the next 30 days. ${plural(later, 'milestone')} ${later === 1 ? 'is' : 'are'} due later.`
          : 'Nothing awaits your sign-off.'}
      </p>
    );
  }
  return (
    <ul class="inbox-groups" aria-label="Trainees with milestones awaiting your sign-off">
      {inbox.groups.map((group) => (
        <TraineeGroup key={group.programId} group={group} openForm={openForm} onOpen={onOpen} onDone={onDone} onBulkDone={onBulkDone} />
      ))}
    </ul>
  );
}

type Outcome = { milestoneId: string; ok: true } | { milestoneId: string; ok: false; message: string };

function TraineeGroup({ group, openForm, onOpen, onDone, onBulkDone }: Omit<AwaitingProps, 'inbox'> & { group: InboxGroup }): JSX.Element {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const trainee = `${group.traineeName} (${group.traineeEmployeeId})`;
  const headingId = `inbox-group-${group.programId}`;
  const toggle = (id: string): void => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const chosen = group.milestones.filter((m) => selected.has(m.id));
  return (
    <li class="inbox-group" data-program={group.programId} aria-labelledby={headingId}>
      <h3 id={headingId}>
        <Link href={programPath(group.programId)}>{group.traineeName}</Link> <span class="muted">({group.traineeEmployeeId})</span>
      </h3>
      <p class="hint">
        {group.agency}, {group.targetClassCode}; you sign as {group.as === 'supervisor' ? 'supervisor' : 'program manager'}.
      </p>
      <ul class="inbox-milestones">
        {group.milestones.map((milestone) => (
          <MilestoneRow
            key={milestone.id}
            group={group}
            milestone={milestone}
            trainee={trainee}
            selected={selected.has(milestone.id)}
            onToggle={() => toggle(milestone.id)}
            openForm={openForm}
            onOpen={onOpen}
            onDone={onDone}
          />
        ))}
      </ul>
      {group.milestones.length > 1 && !confirming && (
        <p>
          <button
            type="button"
            class="button button-secondary"
            data-opens={`bulk:${group.programId}`}
            disabled={chosen.length === 0}
            onClick={() => setConfirming(true)}
          >
            Sign off the selected milestones ({chosen.length})<span class="visually-hidden"> of {trainee}</span>
          </button>
        </p>
      )}
      {confirming && (
        <BulkSignOff
          group={group}
          milestones={chosen}
          trainee={trainee}
          onCancel={() => {
            setConfirming(false);
            requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-opens="bulk:${CSS.escape(group.programId)}"]`)?.focus());
          }}
          onFinished={(results, program) => {
            setConfirming(false);
            // What failed stays selected, to be sent again.
            setSelected(new Set(results.filter((r) => !r.ok).map((r) => r.milestoneId)));
            onBulkDone(group, results, program);
          }}
        />
      )}
    </li>
  );
}

function MilestoneRow({
  group,
  milestone,
  trainee,
  selected,
  onToggle,
  openForm,
  onOpen,
  onDone,
}: {
  group: InboxGroup;
  milestone: InboxMilestone;
  trainee: string;
  selected: boolean;
  onToggle: () => void;
  openForm: string | null;
  onOpen: (key: string | null) => void;
  onDone: (p: ProgramView, m: string) => void;
}): JSX.Element {
  const key = `sign-off:${itemKey(group.programId, milestone.id)}`;
  const open = openForm === key;
  const checkbox = `select-${group.programId}-${milestone.id}`;
  const due =
    milestone.daysUntilDue < 0
      ? `${plural(-milestone.daysUntilDue, 'day')} overdue`
      : milestone.daysUntilDue === 0
        ? 'today'
        : `in ${plural(milestone.daysUntilDue, 'day')}`;
  return (
    <li
      class={`inbox-item inbox-${milestone.status}`}
      data-milestone={milestone.id}
      data-program={group.programId}
      data-section={milestone.section}
    >
      <div class="inbox-summary">
        <p class="inbox-title">
          {group.milestones.length > 1 && (
            <input
              type="checkbox"
              id={checkbox}
              checked={selected}
              onChange={onToggle}
              aria-label={`Select ${milestone.id} of ${trainee} for sign-off`}
            />
          )}{' '}
          <span class={`badge badge-milestone-${milestone.status}`}>{MILESTONE_STATUS_LABELS[milestone.status]}</span>{' '}
          <strong>
            {milestone.id}: {milestone.title}
          </strong>{' '}
          due {formatDate(milestone.dueDate)} ({due}).
        </p>
        {!open && (
          <button type="button" class="link-button" data-opens={key} onClick={() => onOpen(key)}>
            Sign off {milestone.id}
            <span class="visually-hidden"> for {trainee}</span>
          </button>
        )}
      </div>
      {open && (
        <SignOffForm
          programId={group.programId}
          milestone={milestone}
          idPrefix={`sign-off-${itemKey(group.programId, milestone.id)}`}
          onDone={onDone}
          onCancel={() => onOpen(null)}
        />
      )}
    </li>
  );
}

const newIdempotencyKey = (): string =>
  typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

/**
 * One confirmation for several milestones of one trainee: the sign-off command is sent for each in
 * turn (each with its own Idempotency-Key), and each milestone's result is shown.
 */
function BulkSignOff({
  group,
  milestones,
  trainee,
  onCancel,
  onFinished,
}: {
  group: InboxGroup;
  milestones: readonly InboxMilestone[];
  trainee: string;
  onCancel: () => void;
  onFinished: (outcomes: Outcome[], program: ProgramView | null) => void;
}): JSX.Element {
  const [signedOn, setSignedOn] = useState(todayInNewYork());
  const [comments, setComments] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const formId = `bulk-${group.programId}`;
  const first = useRef<HTMLHeadingElement>(null);
  useEffect(() => first.current?.focus(), []);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const outcomes: Outcome[] = [];
    let latest: ProgramView | null = null;
    for (const milestone of milestones) {
      setBusy(milestone.id);
      try {
        const program = await postJson<ProgramView>(
          `/v1/programs/${encodeURIComponent(group.programId)}/milestones/${encodeURIComponent(milestone.id)}/sign-off`,
          { signedOn, comments: textOrAbsent(comments) },
          { headers: { 'idempotency-key': newIdempotencyKey() } },
        );
        rememberProgram(program);
        showProgram(program);
        latest = program;
        outcomes.push({ milestoneId: milestone.id, ok: true });
      } catch (error) {
        outcomes.push({ milestoneId: milestone.id, ok: false, message: messageOf(error) });
      }
    }
    setBusy(null);
    onFinished(outcomes, latest);
  };
  return (
    <form class="panel bulk-sign-off" aria-labelledby={`${formId}-title`} onSubmit={(event) => void submit(event)}>
      <h4 id={`${formId}-title`} tabIndex={-1} ref={first}>
        Sign off {plural(milestones.length, 'milestone')} of {trainee}
      </h4>
      <ul>
        {milestones.map((m) => (
          <li key={m.id}>
            {m.id}: {m.title}, due {formatDate(m.dueDate)}
          </li>
        ))}
      </ul>
      <TextField path={`${formId}.signedOn`} label="Signed on" type="date" value={signedOn} onValue={setSignedOn} issues={[]} />
      <TextAreaField
        path={`${formId}.comments`}
        label="Comments (optional, for each milestone)"
        value={comments}
        onValue={setComments}
        issues={[]}
      />
      <div class="form-actions">
        <button type="submit" class="button" disabled={busy !== null}>
          {busy ? `Signing off ${busy}…` : `Confirm: sign off ${plural(milestones.length, 'milestone')}`}
        </button>
        <button type="button" class="button button-secondary" onClick={onCancel} disabled={busy !== null}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function BulkResults({ outcomes, programId, trainee }: { outcomes: readonly Outcome[]; programId: string; trainee: string }): JSX.Element {
  const done = outcomes.filter((o) => o.ok).length;
  return (
    <div
      class={`status ${done === outcomes.length ? 'status-success' : 'status-error'} bulk-results`}
      id="bulk-results"
      tabIndex={-1}
      data-program={programId}
    >
      <p>
        {done} of {plural(outcomes.length, 'milestone')} of {trainee} signed off.
      </p>
      <ul>
        {outcomes.map((o) => (
          <li key={o.milestoneId} class={o.ok ? 'result-ok' : 'result-failed'} data-milestone={o.milestoneId}>
            {o.milestoneId}: {o.ok ? 'signed off' : `not signed off: ${o.message}`}
          </li>
        ))}
      </ul>
    </div>
  );
}

function TraineePrograms({
  programs,
  openForm,
  onOpen,
  onDone,
}: {
  programs: readonly ProgramView[];
  openForm: string | null;
  onOpen: (key: string | null) => void;
  onDone: (p: ProgramView, m: string) => void;
}): JSX.Element {
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
                  <td>
                    {program.serviceRating
                      ? `${program.serviceRating.rating}, ${formatDate(program.serviceRating.ratedOn)}`
                      : 'Not yet rated'}
                  </td>
                  <td>{formatDate(program.latestCompletionDate)}</td>
                  <td>
                    {open && (
                      <button
                        type="button"
                        class="link-button"
                        data-opens={`rate:${program.programId}`}
                        onClick={() => onOpen(`rate:${program.programId}`)}
                      >
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
          <ServiceRatingForm
            programId={rating.programId}
            traineeEmployeeId={traineeLabel(rating)}
            idPrefix={`rate-${rating.programId}`}
            onDone={onDone}
            onCancel={() => onOpen(null)}
          />
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
          Trainee <Link href={programPath(program.programId)}>{traineeLabel(program)}</Link>: the period ending{' '}
          {formatDate(report.periodEnding)}, submitted {formatDate(report.submittedOn)}.
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
