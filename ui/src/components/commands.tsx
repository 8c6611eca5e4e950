/**
 * The forms of the commands a supervisor or program manager gives (sign-off, service rating), the
 * one DAS gives (schedule amendment) and HR's (leave, transfer, withdrawal). Each posts to the API and shows its 400/422 issues beside
 * the fields; on success it hands the program the API answered with to the page.
 */
import type { JSX } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem, postJson } from '../api.js';
import { rememberProgram } from '../fresh-programs.js';
import type { Issue, ProgramView } from '../api-types.js';
import { todayInNewYork } from '../format.js';
import { ErrorSummary, fieldId, SelectField, TextAreaField, TextField, textOrAbsent } from './forms.js';
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

const LEAVE_KINDS = [
  { value: 'unpaid', label: 'Unpaid leave' },
  { value: 'sick', label: 'Sick leave' },
  { value: 'workers-comp', label: "Workers' compensation" },
  { value: 'other', label: 'Other leave' },
] as const;

/** HR records leave. Unpaid leave of more than three working days moves the first anniversary back (policy); no leave moves the cap. */
export function LeaveForm({ program, onDone }: { program: ProgramView; onDone: (program: ProgramView, message: string) => void }): JSX.Element {
  const idPrefix = 'leave';
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [kind, setKind] = useState<string>('unpaid');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const issues = prefixed(problem?.issues ?? [], idPrefix);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    try {
      const before = program.earliestReclassificationDate;
      const recorded = await command(commandPath(program.programId, 'leaves'), { from, to, kind });
      setProblem(null);
      const moved = recorded.earliestReclassificationDate !== before ? ` The first anniversary moves to ${recorded.earliestReclassificationDate}.` : ' The first anniversary does not move.';
      onDone(recorded, `Leave from ${from} to ${to} recorded for trainee ${recorded.traineeEmployeeId}.${moved}`);
    } catch (error) {
      setProblem(asProblem(error, 'leave'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form" noValidate onSubmit={(event) => void submit(event)} aria-label="Record leave">
      {problem && <ErrorSummary problem={problem} issues={issues} labelFor={labelsOf(idPrefix, { from: 'First day', to: 'Last day', kind: 'Kind of leave' })} />}
      <TextField path={`${idPrefix}.from`} label="First day" type="date" value={from} onValue={setFrom} issues={issues} />
      <TextField path={`${idPrefix}.to`} label="Last day" type="date" value={to} onValue={setTo} issues={issues} />
      <SelectField path={`${idPrefix}.kind`} label="Kind of leave" value={kind} onValue={setKind} issues={issues} options={LEAVE_KINDS} hint="Unpaid leave of more than three working days moves the first anniversary back by its length (agency policy); no leave moves the three-year cap." />
      <button type="submit" class="button" disabled={busy}>
        Record the leave
      </button>
    </form>
  );
}

/** HR moves the trainee to another agency, supervisor or program manager; the clock and the schedule run on. */
export function TransferForm({ program, onDone }: { program: ProgramView; onDone: (program: ProgramView, message: string) => void }): JSX.Element {
  const idPrefix = 'transfer';
  const [effectiveOn, setEffectiveOn] = useState(todayInNewYork());
  const [agency, setAgency] = useState(program.agency);
  const [supervisorId, setSupervisorId] = useState(program.supervisorId);
  const [programManagerId, setProgramManagerId] = useState(program.programManagerId);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const issues = prefixed(problem?.issues ?? [], idPrefix);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    // Only what changes is sent; the API names the rule when nothing does.
    const changed = {
      ...(agency.trim() !== program.agency ? { agency } : {}),
      ...(supervisorId.trim() !== program.supervisorId ? { supervisorId } : {}),
      ...(programManagerId.trim() !== program.programManagerId ? { programManagerId } : {}),
    };
    setBusy(true);
    try {
      const moved = await command(commandPath(program.programId, 'transfers'), { effectiveOn, ...changed, reason: textOrAbsent(reason) });
      setProblem(null);
      onDone(moved, `Trainee ${moved.traineeEmployeeId} transferred: ${moved.agency}, supervisor ${moved.supervisorId}, program manager ${moved.programManagerId}. The cap stays ${moved.latestCompletionDate}.`);
    } catch (error) {
      setProblem(asProblem(error, 'transfer'));
    } finally {
      setBusy(false);
    }
  };

  const labels = { effectiveOn: 'Effective on', agency: 'Agency', supervisorId: 'Supervisor id', programManagerId: 'Program manager id', reason: 'Reason' };
  return (
    <form class="form" noValidate onSubmit={(event) => void submit(event)} aria-label="Transfer the trainee">
      {problem && <ErrorSummary problem={problem} issues={issues} labelFor={labelsOf(idPrefix, labels)} />}
      <TextField path={`${idPrefix}.effectiveOn`} label={labels.effectiveOn} type="date" value={effectiveOn} onValue={setEffectiveOn} issues={issues} />
      <TextField path={`${idPrefix}.agency`} label={labels.agency} value={agency} onValue={setAgency} issues={issues} />
      <TextField path={`${idPrefix}.supervisorId`} label={labels.supervisorId} value={supervisorId} onValue={setSupervisorId} issues={issues} hint="The new supervisor signs off milestones from the effective date; the former one no longer sees the program." />
      <TextField path={`${idPrefix}.programManagerId`} label={labels.programManagerId} value={programManagerId} onValue={setProgramManagerId} issues={issues} />
      <TextAreaField path={`${idPrefix}.reason`} label="Reason (optional)" value={reason} onValue={setReason} issues={issues} />
      <button type="submit" class="button" disabled={busy}>
        Transfer
      </button>
    </form>
  );
}

/** HR ends the program: the trainee leaves it (resignation, separation, another appointment). */
export function WithdrawalForm({ program, onDone }: { program: ProgramView; onDone: (program: ProgramView, message: string) => void }): JSX.Element {
  const idPrefix = 'withdrawal';
  const [effectiveOn, setEffectiveOn] = useState(todayInNewYork());
  const [reason, setReason] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const issues = prefixed(problem?.issues ?? [], idPrefix);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!confirmed) {
      const message = 'Confirm that this ends the program.';
      setProblem(new ApiProblem(0, { code: 'confirmation-required', message, issues: [{ path: 'confirm', message }] }));
      return;
    }
    setBusy(true);
    try {
      const ended = await command(commandPath(program.programId, 'withdrawal'), { effectiveOn, reason });
      setProblem(null);
      onDone(ended, `The program of trainee ${ended.traineeEmployeeId} ended on ${effectiveOn}.`);
    } catch (error) {
      setProblem(asProblem(error, 'withdrawal'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form" noValidate onSubmit={(event) => void submit(event)} aria-label="End the program">
      {problem && <ErrorSummary problem={problem} issues={issues} labelFor={labelsOf(idPrefix, { effectiveOn: 'Effective on', reason: 'Reason', confirm: 'Confirmation' })} />}
      <TextField path={`${idPrefix}.effectiveOn`} label="Effective on" type="date" value={effectiveOn} onValue={setEffectiveOn} issues={issues} />
      <TextAreaField path={`${idPrefix}.reason`} label="Reason" value={reason} onValue={setReason} issues={issues} />
      <div class="warning">
        <p>Ending the program cannot be undone: no reclassification follows, and the trainee, supervisor, program manager, agency HR and DAS are sent a notice.</p>
        <label class="checkbox">
          <input type="checkbox" id={fieldId(`${idPrefix}.confirm`)} checked={confirmed} onChange={(event) => setConfirmed(event.currentTarget.checked)} />I understand that
          this ends the program
        </label>
      </div>
      <button type="submit" class="button button-danger" disabled={busy}>
        End the program
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
