/**
 * One program: its dates, its timeline, its milestones, the event history (who, what, when) and its
 * notices with their PDFs. Forms appear only for those the API lets act: DAS amends the schedule,
 * the program's own supervisor or program manager signs off and rates. A trainee sees their own
 * program read-only. A program the caller may not see is the API's 404, shown as such.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem, getJson, programPath } from '../api.js';
import type { Me, NoticeRecord, OwnPrograms, ProgramEventRecord, ProgramView } from '../api-types.js';
import { mayGive, type CommandName } from '../../../domain/commands/index.js';
import {
  AmendmentForm,
  HrDecisionForm,
  LeaveCancellationForm,
  LeaveForm,
  ProgressReportForm,
  RetractionForm,
  ReviewForm,
  ServiceRatingForm,
  SignOffForm,
  TransferForm,
  WithdrawalForm,
} from '../components/commands.js';
import { CsvDownloadButton } from '../components/csv-download.js';
import { NoticeDelivery, useDeliveries } from '../components/deliveries.js';
import { Loading, PageHeading, ProblemMessage, TableBox } from '../components/page.js';
import {
  ProgramTimeline,
  checklistAnchor,
  milestoneAnchor,
  RECLASSIFIES_ANCHOR,
  SUMMARY_CAP_ANCHOR,
} from '../components/program-timeline.js';
import { describeProgram } from '../components/timeline.js';
import {
  formatDate,
  formatInstant,
  LEAVE_KIND_LABELS,
  MILESTONE_STATUS_LABELS,
  ROLE_LABELS,
  STATUS_LABELS,
  todayInNewYork,
  traineeLabel,
} from '../format.js';
import { nameAndId, useStaffNames } from '../components/staff.js';
import { usePdf } from '../components/pdf.js';
import { Link } from '../router.js';
import { newestOf, showProgram } from '../fresh-programs.js';
import { describeEvent, eventLabel } from './events.js';

let flash: string | null = null;

/** A message for the next program page shown (after an enrollment leads there). */
export function setFlash(message: string): void {
  flash = message;
}

type Loaded<T> = { state: 'loading' } | { state: 'failed'; error: unknown } | { state: 'loaded'; value: T };

interface ProgramData {
  program: ProgramView;
  events: ProgramEventRecord[];
  notices: NoticeRecord[];
}

const programApi = (programId: string, rest = ''): string => `/v1/programs/${encodeURIComponent(programId)}${rest}`;

async function loadProgram(programId: string): Promise<ProgramData> {
  const [read, notices] = await Promise.all([
    getJson<ProgramView>(programApi(programId)),
    getJson<{ items: NoticeRecord[] }>(programApi(programId, '/notices')),
  ]);
  const program = newestOf(read);
  showProgram(program);
  return { program, events: await eventsUpTo(programId, program.version), notices: notices.items };
}

/** Events are appended as the command completes; read again briefly if the log is behind the program. */
async function eventsUpTo(programId: string, version: number): Promise<ProgramEventRecord[]> {
  for (let attempt = 0; ; attempt++) {
    const { items } = await getJson<{ items: ProgramEventRecord[] }>(programApi(programId, '/events'));
    if ((items.at(-1)?.version ?? 0) >= version || attempt >= 10) return items;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

export function ProgramPage({ me, programId }: { me: Me; programId: string }): JSX.Element {
  const [data, setData] = useState<Loaded<ProgramData>>({ state: 'loading' });
  const [message, setMessage] = useState<string | null>(() => {
    const shown = flash;
    flash = null;
    return shown;
  });

  useEffect(() => {
    loadProgram(programId)
      .then((value) => setData({ state: 'loaded', value }))
      .catch((error: unknown) => setData({ state: 'failed', error }));
  }, [programId]);

  /**
   * Shows a command's answer, then its events and notices once the log has them. Commands can follow
   * each other faster than the log catches up, so an earlier command's refresh may arrive after a
   * later command's answer: the page never goes back to an older version of the program.
   */
  const done = (program: ProgramView, text: string): void => {
    setMessage(text);
    const showing = (current: Loaded<ProgramData>): current is { state: 'loaded'; value: ProgramData } => current.state === 'loaded';
    setData((current) =>
      showing(current) && current.value.program.version <= program.version
        ? { state: 'loaded', value: { ...current.value, program } }
        : current,
    );
    requestAnimationFrame(() => document.getElementById('program-message')?.focus());
    void Promise.all([eventsUpTo(programId, program.version), getJson<{ items: NoticeRecord[] }>(programApi(programId, '/notices'))])
      .then(([events, notices]) =>
        setData((current) =>
          showing(current) && current.value.program.version > program.version
            ? current
            : { state: 'loaded', value: { program, events, notices: notices.items } },
        ),
      )
      .catch(() => undefined); // the page already shows the program; a reload shows the rest
  };

  if (data.state === 'loading') return <Loading what="the program" />;
  if (data.state === 'failed') {
    const notFound = data.error instanceof ApiProblem && data.error.status === 404;
    return (
      <>
        <PageHeading title={notFound ? 'Program not available' : 'The program could not be shown'} />
        <ProblemMessage error={data.error} />
        <p>
          <Link href="/">Go to your start page</Link>
        </p>
      </>
    );
  }
  const { program, events, notices } = data.value;
  const today = todayInNewYork();
  const ownTrainee = me.roles.includes('trainee') && me.sub === program.traineeEmployeeId;
  // Who may give a command: the same rule the API and the program apply (domain/commands/).
  const may = (name: CommandName): boolean => mayGive(name, { id: me.sub, roles: me.roles }, program);
  const open = program.status === 'active' || program.status === 'awaiting-minimum';
  // What the caller may do, each behind its button; one form is open at a time.
  const actions: Action[] = [
    ...(may('report') && open
      ? [
          {
            key: 'report',
            label: 'Submit a progress report',
            render: (onDone: OnDone) => <ProgressReportForm program={program} onDone={onDone} />,
          },
        ]
      : []),
    ...(may('rate') && open
      ? [
          {
            key: 'rating',
            label: 'Rate service',
            hint: program.serviceRating
              ? `Latest: ${program.serviceRating.rating}, ${formatDate(program.serviceRating.ratedOn)}, by ${program.serviceRating.ratedBy}.`
              : 'Not yet rated.',
            render: (onDone: OnDone) => (
              <ServiceRatingForm
                programId={program.programId}
                traineeEmployeeId={traineeLabel(program)}
                idPrefix="rating"
                onDone={onDone}
              />
            ),
          },
        ]
      : []),
    ...(may('amend') && open
      ? [{ key: 'amend', label: 'Amend the schedule', render: (onDone: OnDone) => <AmendmentForm program={program} onDone={onDone} /> }]
      : []),
    ...(may('leave') && open
      ? [{ key: 'leave', label: 'Record leave', render: (onDone: OnDone) => <LeaveForm program={program} onDone={onDone} /> }]
      : []),
    ...(may('transfer') && open
      ? [
          {
            key: 'transfer',
            label: 'Transfer',
            hint: 'To another agency, supervisor or program manager. The three-year cap, the first anniversary and the DAS-approved schedule stay as they are.',
            render: (onDone: OnDone) => <TransferForm program={program} onDone={onDone} />,
          },
        ]
      : []),
    ...(may('withdraw') && open
      ? [{ key: 'end', label: 'End the program', render: (onDone: OnDone) => <WithdrawalForm program={program} onDone={onDone} /> }]
      : []),
  ];

  return (
    <div class="program" data-program={program.programId}>
      <PageHeading title={ownTrainee ? 'Your development program' : `Program of ${traineeLabel(program)}`} />
      <p class="lede">
        <span class={`badge badge-${program.status}`}>{STATUS_LABELS[program.status]}</span> {program.functionalRole}, {program.agency},
        toward class {program.targetClassCode}.
      </p>
      <div aria-live="polite">
        {message && (
          <p class="status status-success" id="program-message" tabIndex={-1}>
            {message}
          </p>
        )}
      </div>
      {ownTrainee && (
        <p class="note">
          This is your own program. You submit your progress reports here; your supervisor signs off your milestones and DAS approves any
          change of schedule.
        </p>
      )}

      <section aria-labelledby="checklist-title" class="checklist">
        <h2 id="checklist-title">Reclassification checklist</h2>
        <ReclassificationChecklist program={program} />
      </section>

      {program.hrDecision && (
        <section aria-labelledby="hr-decision-title" data-testid="hr-decision">
          <h2 id="hr-decision-title">HR decision after an unsatisfactory rating</h2>
          <p class="warning">
            Rated unsatisfactory on {formatDate(program.hrDecision.ratedOn)}. The program does not end on its own: HR decides on removal or
            remediation
            {program.hrDecision.escalated
              ? '. The decision is overdue and has been escalated to DAS.'
              : `; without a decision it is escalated to DAS on ${formatDate(program.hrDecision.escalatesOn)}.`}
          </p>
          {may('confirm-removal') && open && <HrDecisionForm program={program} onDone={done} />}
        </section>
      )}
      {program.scheduledRemoval && (
        <p class="warning" data-testid="scheduled-removal">
          HR confirmed removal after an unsatisfactory rating: the program ends at the start of{' '}
          {formatDate(program.scheduledRemoval.effectiveOn)}.
        </p>
      )}

      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <ProgramTimeline
          id="program-timeline"
          program={program}
          title={`Timeline of the program of ${traineeLabel(program)}, from appointment to the three-year cap`}
          description={describeProgram(program, today)}
          today={today}
        />
      </section>

      <Actions actions={actions} onDone={done} />

      <section aria-labelledby="summary-title">
        <h2 id="summary-title">Summary</h2>
        <SummaryPdf program={program} />
        <ProgramSummary program={program} />
      </section>

      <section aria-labelledby="milestones-title">
        <h2 id="milestones-title">Milestones</h2>
        <Milestones program={program} canSignOff={may('sign-off') && open} canRetract={may('retract') && open} onDone={done} />
      </section>

      <section aria-labelledby="reports-title">
        <h2 id="reports-title">Progress reports</h2>
        <ProgressReports program={program} canReview={may('review')} onDone={done} />
      </section>

      {may('cancel-leave') && open && (
        <section aria-labelledby="leave-title">
          <h2 id="leave-title">Leave</h2>
          <Leaves program={program} onDone={done} />
        </section>
      )}

      <section aria-labelledby="history-title">
        <h2 id="history-title">Event history</h2>
        <EventHistory events={events} />
        <p>
          <CsvDownloadButton
            path={`/v1/programs/${encodeURIComponent(program.programId)}/events`}
            filename={`events-${program.programId}.csv`}
          >
            Download the event log (CSV)
          </CsvDownloadButton>
        </p>
      </section>

      <section aria-labelledby="notices-title">
        <h2 id="notices-title">Notices</h2>
        <Notices notices={notices} programId={program.programId} mayResend={me.roles.includes('hr')} />
      </section>
    </div>
  );
}

function ProgramSummary({ program }: { program: ProgramView }): JSX.Element {
  const q = program.qualification;
  const staff = useStaffNames([program.supervisorId, program.programManagerId]);
  const rows: [string, string][] = [
    ['Trainee', traineeLabel(program)],
    ['Supervisor', nameAndId(staff.get(program.supervisorId), program.supervisorId)],
    ['Program manager', nameAndId(staff.get(program.programManagerId), program.programManagerId)],
    ['Appointed', formatDate(program.appointmentDate)],
    ['Working test period ends', formatDate(program.workingTestPeriodEndsOn)],
    ['First anniversary (earliest reclassification)', formatDate(program.earliestReclassificationDate)],
    ['Planned end', formatDate(program.schedule.plannedEndDate)],
    ['Cap (latest completion, C.G.S. 5-234)', formatDate(program.latestCompletionDate)],
    ['DAS approval', `${program.schedule.dasApprovalRef}, ${formatDate(program.schedule.approvedOn)}`],
    [
      'Service rating',
      program.serviceRating ? `${program.serviceRating.rating}, ${formatDate(program.serviceRating.ratedOn)}` : 'Not yet rated',
    ],
    [
      'Qualifications for the target class',
      q.meetsTargetClass === null
        ? 'Not assessed: the class states no minimum qualifications'
        : q.meetsTargetClass
          ? `Met by ${formatDate(q.asOf)}`
          : `Short by ${q.shortfallYears} years at ${formatDate(q.asOf)}${q.qualifiesOn ? `; met on ${formatDate(q.qualifiesOn)}` : ''}`,
    ],
  ];
  if (program.reclassification) rows.push(['Reclassified', `${formatDate(program.reclassification.effectiveOn)}`]);
  if (program.ended) rows.push(['Ended', `${formatDate(program.ended.on)} (${program.ended.reason})`]);
  if (program.leaves.length > 0)
    rows.push(['Leave', program.leaves.map((l) => `${l.kind} ${formatDate(l.from)}–${formatDate(l.to)}`).join('; ')]);
  return (
    <dl class="summary">
      {rows.map(([term, value]) => (
        <div key={term} {...(term.startsWith('Cap') ? { id: SUMMARY_CAP_ANCHOR, tabIndex: -1 } : {})}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

type OnDone = (program: ProgramView, text: string) => void;

/** A command the caller may give, and its form. */
interface Action {
  key: string;
  /** The button's words, and the heading of the form it opens. */
  label: string;
  hint?: string;
  render: (onDone: OnDone) => JSX.Element;
}

/**
 * The commands of the page as a row of buttons; each opens its form below them, one at a time, so
 * the page reads as the program and not as a stack of forms. The form takes focus when it opens;
 * closing it gives focus back to its button.
 */
function Actions({ actions, onDone }: { actions: readonly Action[]; onDone: OnDone }): JSX.Element | null {
  const [openKey, setOpenKey] = useState<string | null>(null);
  const panel = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (openKey) panel.current?.querySelector<HTMLElement>('input, textarea, select')?.focus();
  }, [openKey]);
  if (actions.length === 0) return null;
  const current = actions.find((a) => a.key === openKey);
  const close = (): void => {
    const closing = openKey;
    setOpenKey(null);
    if (closing) focusOpener(`action-${closing}`);
  };
  return (
    <section aria-labelledby="actions-title" class="actions">
      <h2 id="actions-title">Actions</h2>
      <div class="action-bar">
        {actions.map((action) => (
          <button
            key={action.key}
            type="button"
            class={action.key === openKey ? 'button' : 'button button-secondary'}
            aria-expanded={action.key === openKey ? 'true' : 'false'}
            {...(action.key === openKey ? { 'aria-controls': 'action-panel' } : {})}
            data-opens={`action-${action.key}`}
            onClick={() => setOpenKey(action.key === openKey ? null : action.key)}
          >
            {action.label}
          </button>
        ))}
      </div>
      {current && (
        <div class="panel" id="action-panel" ref={panel} data-action={current.key}>
          <h3>{current.label}</h3>
          {current.hint && <p class="hint">{current.hint}</p>}
          {current.render((program, text) => {
            setOpenKey(null);
            onDone(program, text);
          })}
          <button type="button" class="button button-secondary action-close" onClick={close}>
            Close<span class="visually-hidden"> {current.label.toLowerCase()}</span>
          </button>
        </div>
      )}
    </section>
  );
}

/** Closes an inline form, then tells the page what its command did. */
const closeThen =
  (close: () => void, onDone: (p: ProgramView, m: string) => void) =>
  (program: ProgramView, text: string): void => {
    close();
    onDone(program, text);
  };

/** Puts focus back on the button that opened a form, once the form has gone. */
const focusOpener = (key: string): void => {
  requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-opens="${CSS.escape(key)}"]`)?.focus());
};

function Milestones({
  program,
  canSignOff,
  canRetract,
  onDone,
}: {
  program: ProgramView;
  canSignOff: boolean;
  canRetract: boolean;
  onDone: (p: ProgramView, m: string) => void;
}): JSX.Element {
  const [signing, setSigning] = useState<string | null>(null);
  const [retracting, setRetracting] = useState<string | null>(null);
  const signingMilestone = program.milestones.find((m) => m.id === signing && m.status !== 'signed-off');
  const retractingMilestone = program.milestones.find((m) => m.id === retracting && m.status === 'signed-off');
  return (
    <>
      <TableBox label="Milestones">
        <table>
          <caption class="visually-hidden">Milestones and their status</caption>
          <thead>
            <tr>
              <th scope="col">Milestone</th>
              <th scope="col">Due</th>
              <th scope="col">Status</th>
              <th scope="col">Signed off</th>
            </tr>
          </thead>
          <tbody>
            {program.milestones.map((m) => (
              <tr key={m.id} data-milestone={m.id} id={milestoneAnchor(m.id)} tabIndex={-1}>
                <th scope="row">
                  {m.id}: {m.title}
                </th>
                <td>{formatDate(m.dueDate)}</td>
                <td>
                  <span class={`badge badge-milestone-${m.status}`}>{MILESTONE_STATUS_LABELS[m.status]}</span>
                </td>
                <td>
                  {m.signedOffOn ? (
                    <>
                      {`${formatDate(m.signedOffOn)} by ${m.signedOffBy ?? 'unknown'}`}
                      {canRetract && (
                        <>
                          {' '}
                          <button type="button" class="link-button" data-opens={`retract-${m.id}`} onClick={() => setRetracting(m.id)}>
                            Retract<span class="visually-hidden"> the sign-off of {m.id}</span>
                          </button>
                        </>
                      )}
                    </>
                  ) : canSignOff ? (
                    <button type="button" class="link-button" data-opens={`sign-off-${m.id}`} onClick={() => setSigning(m.id)}>
                      Sign off {m.id}
                    </button>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
      {signingMilestone && (
        <div class="panel">
          <h3>
            Sign off {signingMilestone.id}: {signingMilestone.title}
          </h3>
          <SignOffForm
            programId={program.programId}
            milestone={signingMilestone}
            idPrefix={`sign-off-${signingMilestone.id}`}
            onDone={closeThen(() => setSigning(null), onDone)}
            onCancel={() => {
              setSigning(null);
              focusOpener(`sign-off-${signingMilestone.id}`);
            }}
          />
        </div>
      )}
      {retractingMilestone && (
        <div class="panel">
          <h3>
            Retract the sign-off of {retractingMilestone.id}: {retractingMilestone.title}
          </h3>
          <p class="hint">For a sign-off recorded in error. The history keeps the sign-off and this correction, which points at it.</p>
          <RetractionForm
            programId={program.programId}
            milestone={retractingMilestone}
            idPrefix={`retract-${retractingMilestone.id}`}
            onDone={closeThen(() => setRetracting(null), onDone)}
            onCancel={() => {
              setRetracting(null);
              focusOpener(`retract-${retractingMilestone.id}`);
            }}
          />
        </div>
      )}
    </>
  );
}

/** The trainee's reports, newest period first, each with its review or, for the program manager and supervisor, a review form. */
function ProgressReports({
  program,
  canReview,
  onDone,
}: {
  program: ProgramView;
  canReview: boolean;
  onDone: (p: ProgramView, m: string) => void;
}): JSX.Element {
  const [reviewing, setReviewing] = useState<string | null>(null);
  if (program.progressReports.length === 0) return <p>No progress report submitted yet.</p>;
  return (
    <ul class="reports">
      {[...program.progressReports].reverse().map((report) => (
        <li key={report.periodEnding} class="report" data-period-ending={report.periodEnding}>
          <h3>
            Period ending {formatDate(report.periodEnding)}{' '}
            <span class={`badge ${report.reviewedOn ? 'badge-milestone-signed-off' : 'badge-milestone-pending'}`}>
              {report.reviewedOn ? 'Reviewed' : 'Awaiting review'}
            </span>
          </h3>
          <p class="hint">
            Submitted {formatDate(report.submittedOn)} by {report.submittedBy}
            {report.reviewedOn && `; reviewed ${formatDate(report.reviewedOn)} by ${report.reviewedBy ?? 'unknown'}`}.
          </p>
          <p class="report-summary">{report.summary}</p>
          {report.reviewComments && <p class="report-review">Review: {report.reviewComments}</p>}
          {canReview &&
            !report.reviewedOn &&
            (reviewing === report.periodEnding ? (
              <ReviewForm
                programId={program.programId}
                periodEnding={report.periodEnding}
                idPrefix={`review-${report.periodEnding}`}
                onDone={closeThen(() => setReviewing(null), onDone)}
                onCancel={() => {
                  setReviewing(null);
                  focusOpener(`review-${report.periodEnding}`);
                }}
              />
            ) : (
              <button
                type="button"
                class="button button-secondary"
                data-opens={`review-${report.periodEnding}`}
                onClick={() => setReviewing(report.periodEnding)}
              >
                Review<span class="visually-hidden"> the report for the period ending {report.periodEnding}</span>
              </button>
            ))}
        </li>
      ))}
    </ul>
  );
}

/** The leave recorded, each with its correction for HR: cancelled when it was recorded in error. */
function Leaves({ program, onDone }: { program: ProgramView; onDone: (p: ProgramView, m: string) => void }): JSX.Element {
  const [cancelling, setCancelling] = useState<string | null>(null);
  if (program.leaves.length === 0) return <p>No leave recorded.</p>;
  const keyOf = (leave: { from: string; to: string }): string => `${leave.from}_${leave.to}`;
  return (
    <ul class="leaves">
      {program.leaves.map((leave) => {
        const key = keyOf(leave);
        return (
          <li key={key} data-leave={key}>
            {LEAVE_KIND_LABELS[leave.kind]}, {formatDate(leave.from)} to {formatDate(leave.to)}{' '}
            {cancelling === key ? (
              <LeaveCancellationForm
                programId={program.programId}
                leave={{ from: leave.from, to: leave.to }}
                idPrefix={`cancel-leave-${key}`}
                onDone={closeThen(() => setCancelling(null), onDone)}
                onCancel={() => {
                  setCancelling(null);
                  focusOpener(`cancel-leave-${key}`);
                }}
              />
            ) : (
              <button type="button" class="link-button" data-opens={`cancel-leave-${key}`} onClick={() => setCancelling(key)}>
                Cancel
                <span class="visually-hidden">
                  {' '}
                  the leave from {leave.from} to {leave.to}
                </span>
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** A list, not a table: each event reads as one line on a desk and stacks on a phone. */
function EventHistory({ events }: { events: readonly ProgramEventRecord[] }): JSX.Element {
  if (events.length === 0) return <p>No events recorded yet.</p>;
  return (
    <ol class="history" aria-label="Every recorded event of the program, oldest first">
      {events.map((event) => {
        const detail = describeEvent(event);
        return (
          <li key={event.id} data-event-type={event.type} data-event-id={event.id}>
            <span class="history-number">#{event.version}</span>
            <time dateTime={event.at}>{formatInstant(event.at)}</time>
            <span class="history-who">
              {event.actor.role === 'system'
                ? 'The engine (automatic)'
                : `${event.actor.id} (${ROLE_LABELS[event.actor.role as keyof typeof ROLE_LABELS] ?? event.actor.role})`}
            </span>
            <span class="history-what">
              <strong>{eventLabel(event.type)}</strong>
              {detail && `: ${detail}`}
              {event.reason && `. Reason: ${event.reason}`}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function Notices({
  notices,
  programId,
  mayResend,
}: {
  notices: readonly NoticeRecord[];
  programId: string;
  mayResend: boolean;
}): JSX.Element {
  const deliveries = useDeliveries(programId);
  if (notices.length === 0) return <p>No notices issued.</p>;
  return (
    <ul class="notices">
      {notices.map((notice) => (
        <NoticeItem key={notice.noticeId} notice={notice}>
          <NoticeDelivery
            noticeId={notice.noticeId}
            subject={notice.subject}
            deliveries={deliveries.byNotice.get(notice.noticeId)}
            mayResend={mayResend}
            onResent={deliveries.reload}
          />
        </NoticeItem>
      ))}
    </ul>
  );
}

/**
 * The program on one page as the API renders it (GET /v1/programs/{id}/summary): a file to keep or
 * send, the same wherever it is asked for. Fetched with the token and offered as a download.
 */
function SummaryPdf({ program }: { program: ProgramView }): JSX.Element {
  const { url: pdf, busy, problem, fetch } = usePdf(programApi(program.programId, '/summary'), 'summary');
  const fetchPdf = async (): Promise<void> => {
    if (await fetch()) requestAnimationFrame(() => document.getElementById('summary-pdf-link')?.focus());
  };
  return (
    <p class="screen-only summary-pdf">
      {pdf ? (
        <a id="summary-pdf-link" class="button button-secondary" href={pdf} download={`program-summary-${program.trainee.employeeId}.pdf`}>
          Download the one-page summary (PDF)
        </a>
      ) : (
        <button type="button" class="button button-secondary" onClick={() => void fetchPdf()} disabled={busy}>
          Prepare a one-page summary (PDF)
        </button>
      )}
      {problem && <span role="alert"> {problem}</span>}
    </p>
  );
}

/** The PDF is fetched with the token (a plain link would carry none) and opened as a blob. */
function NoticeItem({ notice, children }: { notice: NoticeRecord; children?: ComponentChildren }): JSX.Element {
  const { url: pdf, busy, problem, fetch } = usePdf(`/v1/notices/${encodeURIComponent(notice.noticeId)}`, 'PDF');
  const openPdf = async (): Promise<void> => {
    const url = await fetch();
    // A browser that blocks the window still has the link below.
    if (url) window.open(url, '_blank', 'noopener');
  };

  return (
    <li class="notice" data-notice={notice.noticeId}>
      <p>
        <strong>{notice.subject}</strong>
      </p>
      <p class="hint">
        Issued {formatDate(notice.issuedOn)} to {notice.recipients.map((r) => r.role).join(', ')}.
      </p>
      {children}
      <p>
        <button type="button" class="button button-secondary" onClick={() => void openPdf()} disabled={busy}>
          Open the PDF<span class="visually-hidden"> of “{notice.subject}”</span>
        </button>{' '}
        {pdf && (
          <a href={pdf} target="_blank" rel="noopener" download={`${notice.kind}.pdf`}>
            Download the PDF<span class="visually-hidden"> of “{notice.subject}”</span>
          </a>
        )}
      </p>
      {problem && (
        <p class="field-error" role="alert">
          {problem}
        </p>
      )}
    </li>
  );
}

/** A trainee's start page: their own program (GET /v1/me/programs). */
export function MyProgramPage({ me }: { me: Me }): JSX.Element {
  const [programs, setPrograms] = useState<Loaded<OwnPrograms>>({ state: 'loading' });
  useEffect(() => {
    getJson<OwnPrograms>('/v1/me/programs')
      .then((value) => setPrograms({ state: 'loaded', value }))
      .catch((error: unknown) => setPrograms({ state: 'failed', error }));
  }, []);
  if (programs.state === 'loading') return <Loading what="your program" />;
  if (programs.state === 'failed') {
    return (
      <>
        <PageHeading title="Your development program" />
        <ProblemMessage error={programs.error} />
      </>
    );
  }
  const [only, ...others] = programs.value.items;
  if (only && others.length === 0) return <ProgramPage me={me} programId={only.programId} />;
  return (
    <>
      <PageHeading title="Your development programs" />
      {programs.value.items.length === 0 ? (
        <p>No development program is recorded for employee {me.sub}.</p>
      ) : (
        <ul>
          {programs.value.items.map((p) => (
            <li key={p.programId}>
              <Link href={programPath(p.programId)}>
                {p.functionalRole}, appointed {formatDate(p.appointmentDate)}
              </Link>{' '}
              ({STATUS_LABELS[p.status]})
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** Why not yet (DOMAIN.md decision 13): each requirement, met or not with the reason, and when it would come. */
function ReclassificationChecklist({ program }: { program: ProgramView }): JSX.Element {
  const when = program.reclassification
    ? `Reclassified effective ${formatDate(program.reclassification.effectiveOn)}.`
    : program.reclassifiesOn
      ? `Reclassified on ${formatDate(program.reclassifiesOn)} if what is open is done in time.`
      : program.status === 'active' || program.status === 'awaiting-minimum'
        ? 'Cannot be reclassified as things stand.'
        : 'Not reclassified.';
  return (
    <>
      <p id={RECLASSIFIES_ANCHOR} tabIndex={-1}>
        {when}
      </p>
      <ul class="checklist-items">
        {program.checklist.map((item) => (
          <li
            key={item.requirement}
            id={checklistAnchor(item.requirement)}
            tabIndex={-1}
            data-requirement={item.requirement}
            data-met={item.met ? 'yes' : 'no'}
          >
            <span class={item.met ? 'check-met' : 'check-open'}>{item.met ? 'Met' : 'Not yet'}</span>: {CHECKLIST_LABELS[item.requirement]}.{' '}
            {item.detail}
          </li>
        ))}
      </ul>
    </>
  );
}

const CHECKLIST_LABELS: Record<ProgramView['checklist'][number]['requirement'], string> = {
  'milestones-signed-off': 'Every milestone signed off',
  'service-rated-satisfactory': 'Service rated satisfactory',
  'minimum-period-served': 'Minimum period of one year served',
  'meets-target-class-qualifications': 'Meets the target class’s minimum qualifications',
};
