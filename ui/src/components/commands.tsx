/**
 * The forms of the commands a supervisor or program manager gives (sign-off, service rating), the
 * one DAS gives (schedule amendment) and HR's (leave, transfer, withdrawal). Each posts to the API
 * and shows its 400/422 issues beside the fields; on success it hands the program the API answered
 * with to the page.
 */
import type { ComponentChildren, JSX, Ref } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem, postJson } from '../api.js';
import { rememberProgram, showProgram, shownVersion } from '../fresh-programs.js';
import type { Issue, ProgramView } from '../api-types.js';
import { LEAVE_KIND_LABELS, todayInNewYork, traineeLabel } from '../format.js';
import { ErrorSummary, fieldId, SelectField, TextAreaField, TextField, textOrAbsent } from './forms.js';
import { StaffPicker } from './staff.js';
import { milestoneLabel, MilestonesEditor, type MilestoneDraft } from './milestones.js';

const asProblem = (error: unknown, what: string): ApiProblem =>
  error instanceof ApiProblem ? error : new ApiProblem(0, { code: 'error', message: `The ${what} could not be sent.` });

/**
 * Every command answers with the program as it now stands; pages opened next show that, not an older
 * read. It goes with the version of the program on screen (If-Match: a program changed meanwhile is
 * a 412, not an overwrite) and an Idempotency-Key (sending again after a lost answer applies it once).
 */
async function command(path: string, body: unknown, idempotencyKey: string): Promise<ProgramView> {
  const programId = decodeURIComponent(path.split('/')[3] ?? '');
  const version = shownVersion(programId);
  const headers: Record<string, string> = {
    'idempotency-key': idempotencyKey,
    ...(version === undefined ? {} : { 'if-match': `"${version}"` }),
  };
  const program = await postJson<ProgramView>(path, body, { headers });
  rememberProgram(program);
  showProgram(program);
  return program;
}

const newIdempotencyKey = (): string =>
  typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

const CHANGED_SINCE_OPENED = 'This program changed since you opened it — reload to see the change. Nothing was saved.';

const commandPath = (programId: string, rest: string): string => `/v1/programs/${encodeURIComponent(programId)}/${rest}`;

interface CommandFormProps {
  programId: string;
  onDone: (program: ProgramView, message: string) => void;
  onCancel?: () => void;
  /** Field ids must be unique on a page that shows several of these forms. */
  idPrefix: string;
}

type OnDone = (program: ProgramView, message: string) => void;

/**
 * What every command form shares: the answer on show (the API's problem, if any) and whether a
 * request is under way. `send` posts the command and, when the API accepts it, hands the program it
 * answered with to `accepted`. Issue paths are moved under `idPrefix`, the prefix of the form's fields.
 */
function useCommand(what: string, idPrefix: string) {
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per request the person means to make: kept when the answer was lost (sending again is a retry), new after any answer.
  const idempotencyKey = useRef(newIdempotencyKey());
  const issues = prefixed(problem?.issues ?? [], idPrefix);
  const send = async (path: string, body: unknown, accepted: (program: ProgramView) => void): Promise<void> => {
    setBusy(true);
    try {
      const program = await command(path, body, idempotencyKey.current);
      idempotencyKey.current = newIdempotencyKey();
      setProblem(null);
      accepted(program);
    } catch (error) {
      const problem = asProblem(error, what);
      if (problem.status !== 0) idempotencyKey.current = newIdempotencyKey();
      setProblem(problem.status === 412 ? new ApiProblem(412, { code: 'version-mismatch', message: CHANGED_SINCE_OPENED }) : problem);
    } finally {
      setBusy(false);
    }
  };
  /** A check the form makes before asking the API: the message goes beside the field of `path`. */
  const refuse = (path: string, message: string): void =>
    setProblem(new ApiProblem(0, { code: 'confirmation-required', message, issues: [{ path, message }] }));
  return { problem, busy, issues, send, refuse };
}

/** The frame of a command form: its name, the summary of the API's answer, the fields, and the buttons. */
function CommandForm({
  label,
  command: { problem, issues, busy },
  labelFor,
  onSubmit,
  submitLabel,
  submitClass = 'button',
  onCancel,
  cancelLabel = 'Cancel',
  inline = false,
  formRef,
  children,
}: {
  label: string;
  command: { problem: ApiProblem | null; issues: Issue[]; busy: boolean };
  labelFor: (path: string) => string | null;
  onSubmit: () => void;
  submitLabel: string;
  submitClass?: string;
  onCancel?: (() => void) | undefined;
  /** What the button that closes the form without sending says. */
  cancelLabel?: string;
  inline?: boolean;
  formRef?: Ref<HTMLFormElement>;
  children: ComponentChildren;
}): JSX.Element {
  const submit = (event: Event): void => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form ref={formRef} class={inline ? 'form inline-form' : 'form'} noValidate onSubmit={submit} aria-label={label}>
      {problem && <ErrorSummary problem={problem} issues={issues} labelFor={labelFor} />}
      {children}
      <div class="form-actions">
        <button type="submit" class={submitClass} disabled={busy}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" class="button button-secondary" onClick={onCancel}>
            {cancelLabel}
          </button>
        )}
      </div>
    </form>
  );
}

interface CommandFormProps {
  programId: string;
  onDone: OnDone;
  onCancel?: () => void;
  /** Field ids must be unique on a page that shows several of these forms. */
  idPrefix: string;
}

export function SignOffForm({
  programId,
  milestone,
  onDone,
  onCancel,
  idPrefix,
}: CommandFormProps & { milestone: { id: string; title: string } }): JSX.Element {
  const [signedOn, setSignedOn] = useState(todayInNewYork());
  const [comments, setComments] = useState('');
  const signOff = useCommand('sign-off', idPrefix);
  const form = useFocusOnOpen(onCancel !== undefined);
  const { issues } = signOff;

  const submit = (): void =>
    void signOff.send(
      commandPath(programId, `milestones/${encodeURIComponent(milestone.id)}/sign-off`),
      { signedOn, comments: textOrAbsent(comments) },
      (program) => onDone(program, `Milestone ${milestone.id} (${milestone.title}) of ${traineeLabel(program)} is signed off.`),
    );

  return (
    <CommandForm
      label={`Sign off milestone ${milestone.id}: ${milestone.title}`}
      command={signOff}
      labelFor={labelsOf(idPrefix, { signedOn: 'Signed on', comments: 'Comments' })}
      onSubmit={submit}
      submitLabel={`Sign off ${milestone.id}`}
      onCancel={onCancel}
      inline
      formRef={form}
    >
      <TextField path={`${idPrefix}.signedOn`} label="Signed on" type="date" value={signedOn} onValue={setSignedOn} issues={issues} />
      <TextAreaField path={`${idPrefix}.comments`} label="Comments (optional)" value={comments} onValue={setComments} issues={issues} />
    </CommandForm>
  );
}

export function ServiceRatingForm({
  programId,
  traineeEmployeeId,
  onDone,
  onCancel,
  idPrefix,
}: CommandFormProps & { traineeEmployeeId: string }): JSX.Element {
  const [rating, setRating] = useState<'satisfactory' | 'unsatisfactory'>('satisfactory');
  const [ratedOn, setRatedOn] = useState(todayInNewYork());
  const [comments, setComments] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const rate = useCommand('rating', idPrefix);
  const form = useFocusOnOpen(onCancel !== undefined);
  const { issues } = rate;

  const submit = (): void => {
    if (rating === 'unsatisfactory' && !confirmed) return rate.refuse('confirm', 'Confirm that an unsatisfactory rating ends the program.');
    void rate.send(commandPath(programId, 'service-ratings'), { rating, ratedOn, comments: textOrAbsent(comments) }, (program) =>
      onDone(program, `Service of ${traineeEmployeeId} rated ${rating}.`),
    );
  };

  return (
    <CommandForm
      label={`Rate the service of ${traineeEmployeeId}`}
      command={rate}
      labelFor={labelsOf(idPrefix, { rating: 'Rating', ratedOn: 'Rated on', comments: 'Comments', confirm: 'Confirmation' })}
      onSubmit={submit}
      submitLabel="Record the rating"
      onCancel={onCancel}
      inline
      formRef={form}
    >
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
        <Confirmation
          id={fieldId(`${idPrefix}.confirm`)}
          checked={confirmed}
          onChange={setConfirmed}
          label="I understand that this ends the program"
        >
          An unsatisfactory rating ends the program, with a notice to the trainee (C.G.S. 5-230).
        </Confirmation>
      )}
      <TextField path={`${idPrefix}.ratedOn`} label="Rated on" type="date" value={ratedOn} onValue={setRatedOn} issues={issues} />
      <TextAreaField path={`${idPrefix}.comments`} label="Comments (optional)" value={comments} onValue={setComments} issues={issues} />
    </CommandForm>
  );
}

export function AmendmentForm({ program, onDone }: { program: ProgramView; onDone: OnDone }): JSX.Element {
  const [dasApprovalRef, setRef] = useState('');
  const [approvedOn, setApprovedOn] = useState(todayInNewYork());
  const [plannedEndDate, setPlannedEndDate] = useState(program.schedule.plannedEndDate);
  const [changeMilestones, setChangeMilestones] = useState(false);
  const [milestones, setMilestones] = useState<MilestoneDraft[]>(
    program.milestones.map(({ id, title, dueDate }) => ({ id, title, dueDate })),
  );
  const [reason, setReason] = useState('');
  // Its fields keep the API's own paths (one amendment form to a page), which the milestone editor names.
  const amend = useCommand('amendment', '');
  const { issues } = amend;
  const labels: Record<string, string> = {
    dasApprovalRef: 'DAS approval reference',
    approvedOn: 'Approved on',
    plannedEndDate: 'New planned end date',
    reason: 'Reason',
  };

  const submit = (): void =>
    void amend.send(
      commandPath(program.programId, 'schedule-amendments'),
      {
        dasApprovalRef,
        approvedOn,
        ...(plannedEndDate !== program.schedule.plannedEndDate || !changeMilestones ? { plannedEndDate } : {}),
        ...(changeMilestones ? { milestones } : {}),
        reason: textOrAbsent(reason),
      },
      (amended) => onDone(amended, `Schedule amended under ${dasApprovalRef}. The planned end is now ${amended.schedule.plannedEndDate}.`),
    );

  return (
    <CommandForm
      label="Amend the schedule"
      command={amend}
      labelFor={(path) => labels[path] ?? milestoneLabel(path, 'milestones')}
      onSubmit={submit}
      submitLabel="Amend the schedule"
    >
      <TextField
        path="dasApprovalRef"
        label={labels.dasApprovalRef ?? ''}
        value={dasApprovalRef}
        onValue={setRef}
        issues={issues}
        hint="A new DAS approval, dated on or after the current one."
      />
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
    </CommandForm>
  );
}

const LEAVE_KINDS = Object.entries(LEAVE_KIND_LABELS).map(([value, label]) => ({ value, label }));

/** HR records leave. Unpaid leave of more than three working days moves the first anniversary back (policy); no leave moves the cap. */
export function LeaveForm({ program, onDone }: { program: ProgramView; onDone: OnDone }): JSX.Element {
  const idPrefix = 'leave';
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [kind, setKind] = useState<string>('unpaid');
  const leave = useCommand('leave', idPrefix);
  const { issues } = leave;

  const submit = (): void =>
    void leave.send(commandPath(program.programId, 'leaves'), { from, to, kind }, (recorded) => {
      setFrom('');
      setTo('');
      const moved =
        recorded.earliestReclassificationDate !== program.earliestReclassificationDate
          ? ` The first anniversary moves to ${recorded.earliestReclassificationDate}.`
          : ' The first anniversary does not move.';
      onDone(recorded, `Leave from ${from} to ${to} recorded for ${traineeLabel(recorded)}.${moved}`);
    });

  return (
    <CommandForm
      label="Record leave"
      command={leave}
      labelFor={labelsOf(idPrefix, { from: 'First day', to: 'Last day', kind: 'Kind of leave' })}
      onSubmit={submit}
      submitLabel="Record the leave"
    >
      <TextField path={`${idPrefix}.from`} label="First day" type="date" value={from} onValue={setFrom} issues={issues} />
      <TextField path={`${idPrefix}.to`} label="Last day" type="date" value={to} onValue={setTo} issues={issues} />
      <SelectField
        path={`${idPrefix}.kind`}
        label="Kind of leave"
        value={kind}
        onValue={setKind}
        issues={issues}
        options={LEAVE_KINDS}
        hint="Unpaid leave of more than three working days moves the first anniversary back by its length (agency policy); no leave moves the three-year cap."
      />
    </CommandForm>
  );
}

/** HR moves the trainee to another agency, supervisor or program manager; the clock and the schedule run on. */
export function TransferForm({ program, onDone }: { program: ProgramView; onDone: OnDone }): JSX.Element {
  const idPrefix = 'transfer';
  const [effectiveOn, setEffectiveOn] = useState(todayInNewYork());
  const [agency, setAgency] = useState(program.agency);
  const [supervisorId, setSupervisorId] = useState(program.supervisorId);
  const [programManagerId, setProgramManagerId] = useState(program.programManagerId);
  const [reason, setReason] = useState('');
  const transfer = useCommand('transfer', idPrefix);
  const { issues } = transfer;
  const labels = {
    effectiveOn: 'Effective on',
    agency: 'Agency',
    supervisorId: 'Supervisor',
    programManagerId: 'Program manager',
    reason: 'Reason',
  };

  const submit = (): void => {
    // Only what changes is sent; the API names the rule when nothing does.
    const changed = {
      ...(agency.trim() !== program.agency ? { agency } : {}),
      ...(supervisorId.trim() !== program.supervisorId ? { supervisorId } : {}),
      ...(programManagerId.trim() !== program.programManagerId ? { programManagerId } : {}),
    };
    void transfer.send(commandPath(program.programId, 'transfers'), { effectiveOn, ...changed, reason: textOrAbsent(reason) }, (moved) => {
      setReason('');
      onDone(
        moved,
        `${traineeLabel(moved)} transferred: ${moved.agency}, supervisor ${moved.supervisorId}, program manager ${moved.programManagerId}. The cap stays ${moved.latestCompletionDate}.`,
      );
    });
  };

  return (
    <CommandForm
      label="Transfer the trainee"
      command={transfer}
      labelFor={labelsOf(idPrefix, labels)}
      onSubmit={submit}
      submitLabel="Transfer"
    >
      <TextField
        path={`${idPrefix}.effectiveOn`}
        label={labels.effectiveOn}
        type="date"
        value={effectiveOn}
        onValue={setEffectiveOn}
        issues={issues}
      />
      <TextField path={`${idPrefix}.agency`} label={labels.agency} value={agency} onValue={setAgency} issues={issues} />
      <StaffPicker
        path={`${idPrefix}.supervisorId`}
        label={labels.supervisorId}
        value={supervisorId}
        onValue={setSupervisorId}
        issues={issues}
        hint="Type part of a name or staff id and choose. The new supervisor signs off milestones from the effective date; the former one no longer sees the program."
      />
      <StaffPicker
        path={`${idPrefix}.programManagerId`}
        label={labels.programManagerId}
        value={programManagerId}
        onValue={setProgramManagerId}
        issues={issues}
      />
      <TextAreaField path={`${idPrefix}.reason`} label="Reason (optional)" value={reason} onValue={setReason} issues={issues} />
    </CommandForm>
  );
}

/** HR ends the program: the trainee leaves it (resignation, separation, another appointment). */
export function WithdrawalForm({ program, onDone }: { program: ProgramView; onDone: OnDone }): JSX.Element {
  const idPrefix = 'withdrawal';
  const [effectiveOn, setEffectiveOn] = useState(todayInNewYork());
  const [reason, setReason] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const withdraw = useCommand('withdrawal', idPrefix);
  const { issues } = withdraw;

  const submit = (): void => {
    if (!confirmed) return withdraw.refuse('confirm', 'Confirm that this ends the program.');
    void withdraw.send(commandPath(program.programId, 'withdrawal'), { effectiveOn, reason }, (ended) =>
      onDone(ended, `The program of ${traineeLabel(ended)} ended on ${effectiveOn}.`),
    );
  };

  return (
    <CommandForm
      label="End the program"
      command={withdraw}
      labelFor={labelsOf(idPrefix, { effectiveOn: 'Effective on', reason: 'Reason', confirm: 'Confirmation' })}
      onSubmit={submit}
      submitLabel="End the program"
      submitClass="button button-danger"
    >
      <TextField
        path={`${idPrefix}.effectiveOn`}
        label="Effective on"
        type="date"
        value={effectiveOn}
        onValue={setEffectiveOn}
        issues={issues}
      />
      <TextAreaField path={`${idPrefix}.reason`} label="Reason" value={reason} onValue={setReason} issues={issues} />
      <Confirmation
        id={fieldId(`${idPrefix}.confirm`)}
        checked={confirmed}
        onChange={setConfirmed}
        label="I understand that this ends the program"
      >
        Ending the program cannot be undone: no reclassification follows, and the trainee, supervisor, program manager, agency HR and DAS
        are sent a notice.
      </Confirmation>
    </CommandForm>
  );
}

/**
 * HR's decision after an unsatisfactory rating (DOMAIN.md decision 7): confirm removal, ending the
 * program at the start of the date given, or record remediation with the amendment DAS approved for it.
 */
export function HrDecisionForm({ program, onDone }: { program: ProgramView; onDone: OnDone }): JSX.Element {
  const idPrefix = 'hr-decision';
  const [choice, setChoice] = useState<'remediation' | 'removal'>('remediation');
  const [effectiveOn, setEffectiveOn] = useState(todayInNewYork());
  const [reason, setReason] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [plan, setPlan] = useState('');
  const [dasApprovalRef, setRef] = useState('');
  const [approvedOn, setApprovedOn] = useState(todayInNewYork());
  const [plannedEndDate, setPlannedEndDate] = useState(program.schedule.plannedEndDate);
  const [milestones, setMilestones] = useState<MilestoneDraft[]>(
    program.milestones.map(({ id, title, dueDate }) => ({ id, title, dueDate })),
  );
  const decide = useCommand('decision', idPrefix);
  const { issues } = decide;
  const labels: Record<string, string> = {
    effectiveOn: 'Removal effective on',
    reason: 'Reason',
    confirm: 'Confirmation',
    plan: 'Remediation plan',
    dasApprovalRef: 'DAS approval of the amended schedule',
    approvedOn: 'DAS approved on',
    plannedEndDate: 'Planned end date',
  };
  const labelFor = (path: string): string | null => labelsOf(idPrefix, labels)(path) ?? milestoneLabel(path, `${idPrefix}.milestones`);

  const submit = (): void => {
    if (choice === 'removal') {
      if (!confirmed) return decide.refuse(`${idPrefix}.confirm`, 'Confirm that this ends the program.');
      void decide.send(commandPath(program.programId, 'hr-decision/removal'), { effectiveOn, reason }, (decided) =>
        onDone(
          decided,
          decided.ended
            ? `Removal confirmed: the program of trainee ${decided.traineeEmployeeId} ended on ${decided.ended.on}.`
            : `Removal confirmed: the program of trainee ${decided.traineeEmployeeId} ends at the start of ${effectiveOn}.`,
        ),
      );
      return;
    }
    const changed = plannedEndDate !== program.schedule.plannedEndDate;
    const milestonesChanged =
      JSON.stringify(milestones) !== JSON.stringify(program.milestones.map(({ id, title, dueDate }) => ({ id, title, dueDate })));
    void decide.send(
      commandPath(program.programId, 'hr-decision/remediation'),
      {
        plan,
        dasApprovalRef,
        approvedOn,
        ...(changed || !milestonesChanged ? { plannedEndDate } : {}),
        ...(milestonesChanged ? { milestones } : {}),
      },
      (decided) =>
        onDone(decided, `Remediation recorded under ${dasApprovalRef}. The program goes on and needs a new satisfactory rating.`),
    );
  };

  return (
    <CommandForm
      label="HR decision after an unsatisfactory rating"
      command={decide}
      labelFor={labelFor}
      onSubmit={submit}
      submitLabel={choice === 'removal' ? 'Confirm removal' : 'Record remediation'}
      submitClass={choice === 'removal' ? 'button button-danger' : 'button'}
    >
      <fieldset class="choice">
        <legend>Decision</legend>
        <label class="checkbox">
          <input
            type="radio"
            name={`${idPrefix}-choice`}
            value="remediation"
            checked={choice === 'remediation'}
            onChange={() => setChoice('remediation')}
          />
          Remediation, with a DAS-approved amendment of the schedule
        </label>
        <label class="checkbox">
          <input
            type="radio"
            name={`${idPrefix}-choice`}
            value="removal"
            checked={choice === 'removal'}
            onChange={() => setChoice('removal')}
          />
          Removal from the program (C.G.S. 5-230)
        </label>
      </fieldset>
      {choice === 'removal' ? (
        <>
          <TextField
            path={`${idPrefix}.effectiveOn`}
            label={labels.effectiveOn ?? ''}
            type="date"
            value={effectiveOn}
            onValue={setEffectiveOn}
            issues={issues}
            hint={`From the rating date to ${program.latestCompletionDate}. A date ahead keeps the program open until the start of that day.`}
          />
          <TextAreaField path={`${idPrefix}.reason`} label="Reason" value={reason} onValue={setReason} issues={issues} />
          <Confirmation
            id={fieldId(`${idPrefix}.confirm`)}
            checked={confirmed}
            onChange={setConfirmed}
            label="I understand that this ends the program"
          >
            Removal cannot be undone: no reclassification follows, and the trainee, supervisor, program manager, agency HR and DAS are sent
            a notice.
          </Confirmation>
        </>
      ) : (
        <>
          <TextAreaField path={`${idPrefix}.plan`} label={labels.plan ?? ''} value={plan} onValue={setPlan} issues={issues} />
          <TextField
            path={`${idPrefix}.dasApprovalRef`}
            label={labels.dasApprovalRef ?? ''}
            value={dasApprovalRef}
            onValue={setRef}
            issues={issues}
            hint="A new DAS approval, dated on or after the current one and not in the future."
          />
          <TextField
            path={`${idPrefix}.approvedOn`}
            label={labels.approvedOn ?? ''}
            type="date"
            value={approvedOn}
            onValue={setApprovedOn}
            issues={issues}
          />
          <TextField
            path={`${idPrefix}.plannedEndDate`}
            label={labels.plannedEndDate ?? ''}
            type="date"
            value={plannedEndDate}
            onValue={setPlannedEndDate}
            issues={issues}
            hint={`No later than the cap, ${program.latestCompletionDate}.`}
          />
          <MilestonesEditor path={`${idPrefix}.milestones`} milestones={milestones} onChange={setMilestones} issues={issues} />
        </>
      )}
    </CommandForm>
  );
}

/**
 * The frame of a correction (a sign-off or a leave recorded in error): one field, why, and the
 * command's answer. What was corrected stays in the history.
 */
function CorrectionForm({
  kind,
  idPrefix,
  label,
  path,
  body,
  labels = {},
  submitLabel,
  cancelLabel,
  onCancel,
  accepted,
}: {
  kind: 'retraction' | 'cancellation';
  idPrefix: string;
  label: string;
  path: string;
  body: Record<string, string>;
  /** Labels of the body's other fields, for issues the API names them in. */
  labels?: Record<string, string>;
  submitLabel: string;
  cancelLabel: string;
  onCancel?: (() => void) | undefined;
  accepted: (program: ProgramView) => void;
}): JSX.Element {
  const reasonLabel = 'Why it was recorded in error';
  const [reason, setReason] = useState('');
  const correction = useCommand(kind, idPrefix);
  const form = useFocusOnOpen(onCancel !== undefined);
  return (
    <CommandForm
      label={label}
      command={correction}
      labelFor={labelsOf(idPrefix, { reason: reasonLabel, ...labels })}
      onSubmit={() => void correction.send(path, { ...body, reason }, accepted)}
      submitLabel={submitLabel}
      onCancel={onCancel}
      cancelLabel={cancelLabel}
      inline
      formRef={form}
    >
      <TextAreaField path={`${idPrefix}.reason`} label={reasonLabel} value={reason} onValue={setReason} issues={correction.issues} />
    </CommandForm>
  );
}

/** A correction: a sign-off recorded in error is retracted; it stays in the history and the milestone is open again. */
export function RetractionForm({
  programId,
  milestone,
  onDone,
  onCancel,
  idPrefix,
}: CommandFormProps & { milestone: { id: string; title: string } }): JSX.Element {
  return (
    <CorrectionForm
      kind="retraction"
      idPrefix={idPrefix}
      label={`Retract the sign-off of milestone ${milestone.id}`}
      path={commandPath(programId, `milestones/${encodeURIComponent(milestone.id)}/retraction`)}
      body={{}}
      submitLabel="Retract the sign-off"
      cancelLabel="Keep the sign-off"
      onCancel={onCancel}
      accepted={(program) =>
        onDone(program, `The sign-off of milestone ${milestone.id} is retracted; the milestone is open again. The history keeps both.`)
      }
    />
  );
}

/** A correction: leave recorded in error is cancelled; the first anniversary is reckoned again without it. */
export function LeaveCancellationForm({
  programId,
  leave,
  onDone,
  onCancel,
  idPrefix,
}: CommandFormProps & { leave: { from: string; to: string } }): JSX.Element {
  return (
    <CorrectionForm
      kind="cancellation"
      idPrefix={idPrefix}
      label={`Cancel the leave from ${leave.from} to ${leave.to}`}
      path={commandPath(programId, 'leaves/cancellations')}
      body={leave}
      labels={{ from: 'Leave' }}
      submitLabel="Cancel the leave"
      cancelLabel="Keep the leave"
      onCancel={onCancel}
      accepted={(program) =>
        onDone(
          program,
          `The leave from ${leave.from} to ${leave.to} is cancelled. The first anniversary is ${program.earliestReclassificationDate}.`,
        )
      }
    />
  );
}

/** The trainee reports on their progress over a period, named by its last day. */
export function ProgressReportForm({ program, onDone }: { program: ProgramView; onDone: OnDone }): JSX.Element {
  const idPrefix = 'report';
  const [periodEnding, setPeriodEnding] = useState(todayInNewYork());
  const [summary, setSummary] = useState('');
  const report = useCommand('report', idPrefix);
  const submit = (): void =>
    void report.send(commandPath(program.programId, 'progress-reports'), { periodEnding, summary }, (submitted) => {
      setSummary('');
      onDone(submitted, `Your progress report for the period ending ${periodEnding} is submitted. Your program manager reviews it.`);
    });
  return (
    <CommandForm
      label="Submit a progress report"
      command={report}
      labelFor={labelsOf(idPrefix, { periodEnding: 'Period ending', summary: 'Your report' })}
      onSubmit={submit}
      submitLabel="Submit the report"
    >
      <TextField
        path={`${idPrefix}.periodEnding`}
        label="Period ending"
        type="date"
        value={periodEnding}
        onValue={setPeriodEnding}
        issues={report.issues}
        hint="The last day of the period the report covers."
      />
      <TextAreaField
        path={`${idPrefix}.summary`}
        label="Your report"
        value={summary}
        onValue={setSummary}
        issues={report.issues}
        hint="What you did, learned and plan next; up to 4,000 characters."
      />
    </CommandForm>
  );
}

/** The program manager or supervisor reviews a progress report. */
export function ReviewForm({
  programId,
  periodEnding,
  onDone,
  onCancel,
  idPrefix,
}: CommandFormProps & { periodEnding: string }): JSX.Element {
  const [reviewedOn, setReviewedOn] = useState(todayInNewYork());
  const [comments, setComments] = useState('');
  const review = useCommand('review', idPrefix);
  const form = useFocusOnOpen(onCancel !== undefined);
  const submit = (): void =>
    void review.send(
      commandPath(programId, `progress-reports/${encodeURIComponent(periodEnding)}/review`),
      { reviewedOn, comments: textOrAbsent(comments) },
      (program) => onDone(program, `The progress report for the period ending ${periodEnding} is reviewed.`),
    );
  return (
    <CommandForm
      label={`Review the progress report for the period ending ${periodEnding}`}
      command={review}
      labelFor={labelsOf(idPrefix, { reviewedOn: 'Reviewed on', comments: 'Comments' })}
      onSubmit={submit}
      submitLabel="Record the review"
      onCancel={onCancel}
      inline
      formRef={form}
    >
      <TextField
        path={`${idPrefix}.reviewedOn`}
        label="Reviewed on"
        type="date"
        value={reviewedOn}
        onValue={setReviewedOn}
        issues={review.issues}
      />
      <TextAreaField
        path={`${idPrefix}.comments`}
        label="Comments (optional)"
        value={comments}
        onValue={setComments}
        issues={review.issues}
      />
    </CommandForm>
  );
}

/** A warning and the box that confirms it has been read, for commands that end a program. */
function Confirmation({
  id,
  checked,
  onChange,
  label,
  children,
}: {
  id: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: string;
  children: ComponentChildren;
}): JSX.Element {
  return (
    <div class="warning">
      <p>{children}</p>
      <label class="checkbox">
        <input type="checkbox" id={id} checked={checked} onChange={(event) => onChange(event.currentTarget.checked)} />
        {label}
      </label>
    </div>
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
  if (!prefix) return [...issues];
  return issues.map((issue) => ({ ...issue, path: issue.path ? `${prefix}.${issue.path}` : '' }));
}

function labelsOf(prefix: string, labels: Record<string, string>): (path: string) => string | null {
  return (path) => (path.startsWith(`${prefix}.`) ? (labels[path.slice(prefix.length + 1)] ?? null) : null);
}
