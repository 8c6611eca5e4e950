/**
 * The forms of the commands a supervisor or program manager gives (sign-off, service rating) and
 * the one DAS gives (schedule amendment). Each posts to the API and shows its 400/422 issues beside
 * the fields; on success it hands the program the API answered with to the page.
 */
import type { JSX } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem, postJson } from '../api.js';
import { rememberProgram } from '../fresh-programs.js';
import type { Issue, ProgramView } from '../api-types.js';
import { todayInNewYork } from '../format.js';
import { ErrorSummary, fieldId, TextAreaField, TextField, textOrAbsent } from './forms.js';
import { milestoneLabel, MilestonesEditor, type MilestoneDraft } from './milestones.js';

const asProblem = (error: unknown, what: string): ApiProblem =>
  error instanceof ApiProblem ? error : new ApiProblem(0, { code: 'error', message: `The ${what} could not be sent.` });

/** Every command answers with the program as it now stands; pages opened next show that, not an older read. */
async function command(path: string, body: unknown): Promise<ProgramView> {
  const program = await postJson<ProgramView>(path, body);
  rememberProgram(program);
  return program;
}

const commandPath = (programId: string, rest: string): string => `/v1/programs/${encodeURIComponent(programId)}/${rest}`;

interface CommandFormProps {
  programId: string;
  onDone: (program: ProgramView, message: string) => void;
  onCancel?: () => void;
  /** Field ids must be unique on a page that shows several of these forms. */
  idPrefix: string;
}

export function SignOffForm({ programId, milestone, onDone, onCancel, idPrefix }: CommandFormProps & { milestone: { id: string; title: string } }): JSX.Element {
  const [signedOn, setSignedOn] = useState(todayInNewYork());
  const [comments, setComments] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const issues = prefixed(problem?.issues ?? [], idPrefix);
  const form = useFocusOnOpen(onCancel !== undefined);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    try {
      const program = await command(commandPath(programId, `milestones/${encodeURIComponent(milestone.id)}/sign-off`), {
        signedOn,
        comments: textOrAbsent(comments),
      });
      onDone(program, `Milestone ${milestone.id} (${milestone.title}) of trainee ${program.traineeEmployeeId} is signed off.`);
    } catch (error) {
      setProblem(asProblem(error, 'sign-off'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} class="form inline-form" noValidate onSubmit={(event) => void submit(event)} aria-label={`Sign off milestone ${milestone.id}: ${milestone.title}`}>
      {problem && <ErrorSummary problem={problem} issues={issues} labelFor={labelsOf(idPrefix, { signedOn: 'Signed on', comments: 'Comments' })} />}
      <TextField path={`${idPrefix}.signedOn`} label="Signed on" type="date" value={signedOn} onValue={setSignedOn} issues={issues} />
      <TextAreaField path={`${idPrefix}.comments`} label="Comments (optional)" value={comments} onValue={setComments} issues={issues} />
      <div class="form-actions">
        <button type="submit" class="button" disabled={busy}>
          Sign off {milestone.id}
        </button>
        {onCancel && (
          <button type="button" class="button button-secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

export function ServiceRatingForm({ programId, traineeEmployeeId, onDone, onCancel, idPrefix }: CommandFormProps & { traineeEmployeeId: string }): JSX.Element {
  const [rating, setRating] = useState<'satisfactory' | 'unsatisfactory'>('satisfactory');
  const [ratedOn, setRatedOn] = useState(todayInNewYork());
  const [comments, setComments] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const issues = prefixed(problem?.issues ?? [], idPrefix);
  const form = useFocusOnOpen(onCancel !== undefined);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (rating === 'unsatisfactory' && !confirmed) {
      const message = 'Confirm that an unsatisfactory rating ends the program.';
      setProblem(new ApiProblem(0, { code: 'confirmation-required', message, issues: [{ path: 'confirm', message }] }));
      return;
    }
    setBusy(true);
    try {
      const program = await command(commandPath(programId, 'service-ratings'), { rating, ratedOn, comments: textOrAbsent(comments) });
      onDone(program, `Service of trainee ${traineeEmployeeId} rated ${rating}.`);
    } catch (error) {
      setProblem(asProblem(error, 'rating'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} class="form inline-form" noValidate onSubmit={(event) => void submit(event)} aria-label={`Rate the service of trainee ${traineeEmployeeId}`}>
      {problem && <ErrorSummary problem={problem} issues={issues} labelFor={labelsOf(idPrefix, { rating: 'Rating', ratedOn: 'Rated on', comments: 'Comments', confirm: 'Confirmation' })} />}
      <fieldset class="radios">
        <legend>Rating</legend>
        {(['satisfactory', 'unsatisfactory'] as const).map((value) => (
          <label key={value} class="radio">
            <input type="radio" name={`${idPrefix}.rating`} value={value} checked={rating === value} onChange={() => setRating(value)} />
            {value === 'satisfactory' ? 'Satisfactory' : 'Unsatisfactory'}
          </label>
        ))}
      </fieldset>
      {rating === 'unsatisfactory' && (
        <div class="warning">
          <p>An unsatisfactory rating ends the program, with a notice to the trainee (C.G.S. 5-230).</p>
          <label class="checkbox">
            <input type="checkbox" id={fieldId(`${idPrefix}.confirm`)} checked={confirmed} onChange={(event) => setConfirmed(event.currentTarget.checked)} />I
            understand that this ends the program
          </label>
        </div>
      )}
      <TextField path={`${idPrefix}.ratedOn`} label="Rated on" type="date" value={ratedOn} onValue={setRatedOn} issues={issues} />
      <TextAreaField path={`${idPrefix}.comments`} label="Comments (optional)" value={comments} onValue={setComments} issues={issues} />
      <div class="form-actions">
        <button type="submit" class="button" disabled={busy}>
          Record the rating
        </button>
        {onCancel && (
          <button type="button" class="button button-secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

export function AmendmentForm({ program, onDone }: { program: ProgramView; onDone: (program: ProgramView, message: string) => void }): JSX.Element {
  const [dasApprovalRef, setRef] = useState('');
  const [approvedOn, setApprovedOn] = useState(todayInNewYork());
  const [plannedEndDate, setPlannedEndDate] = useState(program.schedule.plannedEndDate);
  const [changeMilestones, setChangeMilestones] = useState(false);
  const [milestones, setMilestones] = useState<MilestoneDraft[]>(program.milestones.map(({ id, title, dueDate }) => ({ id, title, dueDate })));
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const issues: Issue[] = problem?.issues ?? [];
  const labels: Record<string, string> = { dasApprovalRef: 'DAS approval reference', approvedOn: 'Approved on', plannedEndDate: 'New planned end date', reason: 'Reason' };

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    try {
      const amended = await command(commandPath(program.programId, 'schedule-amendments'), {
        dasApprovalRef,
        approvedOn,
        ...(plannedEndDate !== program.schedule.plannedEndDate || !changeMilestones ? { plannedEndDate } : {}),
        ...(changeMilestones ? { milestones } : {}),
        reason: textOrAbsent(reason),
      });
      setProblem(null);
      onDone(amended, `Schedule amended under ${dasApprovalRef}. The planned end is now ${amended.schedule.plannedEndDate}.`);
    } catch (error) {
      setProblem(asProblem(error, 'amendment'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form" noValidate onSubmit={(event) => void submit(event)} aria-label="Amend the schedule">
      {problem && <ErrorSummary problem={problem} issues={issues} labelFor={(path) => labels[path] ?? milestoneLabel(path, 'milestones')} />}
      <TextField path="dasApprovalRef" label={labels.dasApprovalRef ?? ''} value={dasApprovalRef} onValue={setRef} issues={issues} hint="A new DAS approval, dated on or after the current one." />
      <TextField path="approvedOn" label={labels.approvedOn ?? ''} type="date" value={approvedOn} onValue={setApprovedOn} issues={issues} />
      <TextField
        path="plannedEndDate"
        label={labels.plannedEndDate ?? ''}
        type="date"
        value={plannedEndDate}
        onValue={setPlannedEndDate}
        issues={issues}
        hint={`At least a year after the appointment, and no later than the cap, ${program.latestCompletionDate}.`}
      />
      <label class="checkbox">
        <input type="checkbox" checked={changeMilestones} onChange={(event) => setChangeMilestones(event.currentTarget.checked)} />
        Change the milestones too
      </label>
      {changeMilestones && <MilestonesEditor path="milestones" milestones={milestones} onChange={setMilestones} issues={issues} />}
      <TextAreaField path="reason" label="Reason (optional)" value={reason} onValue={setReason} issues={issues} />
      <button type="submit" class="button" disabled={busy}>
        Amend the schedule
      </button>
    </form>
  );
}

/**
 * A form opened by a button takes focus at its first field, where the user's next keystroke belongs.
 * A layout effect moves it as the form is drawn, before anything typed next can land elsewhere.
 */
function useFocusOnOpen(openedOnDemand: boolean) {
  const form = useRef<HTMLFormElement>(null);
  useLayoutEffect(() => {
    if (openedOnDemand) form.current?.querySelector<HTMLElement>('input, textarea, select')?.focus();
  }, [openedOnDemand]);
  return form;
}

/**
 * Several sign-off forms share a page, so their fields get a prefix; the API's issue paths
 * (`signedOn`) are moved under it to land on the right form's fields.
 */
function prefixed(issues: readonly Issue[], prefix: string): Issue[] {
  return issues.map((issue) => ({ ...issue, path: issue.path ? `${prefix}.${issue.path}` : '' }));
}

function labelsOf(prefix: string, labels: Record<string, string>): (path: string) => string | null {
  return (path) => (path.startsWith(`${prefix}.`) ? (labels[path.slice(prefix.length + 1)] ?? null) : null);
}
