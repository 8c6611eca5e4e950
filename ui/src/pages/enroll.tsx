/**
 * Enroll one trainee (HR). The form posts what was typed, and the API's validation is the only
 * one: its 400 (shape) and 422 (program rule) answers name each field, shown beside it. One
 * Idempotency-Key per filled-in form, so a double submit enrolls once.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, getJson, postJson, programPath } from '../api.js';
import type { Issue, ProgramView, TargetClass } from '../api-types.js';
import { ErrorSummary, fieldId, numberOrAbsent, SelectField, TextField } from '../components/forms.js';
import { milestoneLabel, MilestonesEditor, type MilestoneDraft } from '../components/milestones.js';
import { PageHeading } from '../components/page.js';
import { EnrollmentPreviewPanel, useEnrollmentPreview } from '../components/preview.js';
import { StaffPicker } from '../components/staff.js';
import { navigate } from '../router.js';
import { setFlash } from './program.js';

const LABELS: Record<string, string> = {
  'trainee.employeeId': 'Employee id',
  'trainee.name': 'Name',
  'trainee.email': 'Email',
  agency: 'Agency',
  functionalRole: 'Functional role',
  targetClassCode: 'Target class',
  supervisorId: 'Supervisor',
  programManagerId: 'Program manager',
  appointmentDate: 'Appointment date',
  hoursPerWeek: 'Hours per week',
  'schedule.dasApprovalRef': 'DAS approval reference',
  'schedule.approvedOn': 'Schedule approved on',
  'schedule.plannedEndDate': 'Planned end date',
  'priorExperience.generalYears': 'General experience (years)',
  'priorExperience.specialYears': 'Special experience (years)',
  'education.semesterHours': 'College semester hours',
  'education.degrees': 'Degrees',
};

type Scalars = Record<string, string>;

const EMPTY: Scalars = {
  'trainee.employeeId': '',
  'trainee.name': '',
  'trainee.email': '',
  agency: '',
  functionalRole: '',
  targetClassCode: '',
  supervisorId: '',
  programManagerId: '',
  appointmentDate: '',
  hoursPerWeek: '40',
  'schedule.dasApprovalRef': '',
  'schedule.approvedOn': '',
  'schedule.plannedEndDate': '',
  'priorExperience.generalYears': '0',
  'priorExperience.specialYears': '0',
  'education.semesterHours': '0',
};

const DEGREES = [
  { value: 'bachelor', label: "Bachelor's" },
  { value: 'master', label: "Master's" },
  { value: 'law', label: 'Law' },
] as const;

const labelFor = (path: string): string | null =>
  LABELS[path] ?? (path.startsWith('education.degrees') ? 'Degrees' : milestoneLabel(path, 'schedule.milestones'));

export function EnrollPage(): JSX.Element {
  const [values, setValues] = useState<Scalars>(EMPTY);
  const [milestones, setMilestones] = useState<MilestoneDraft[]>([
    { id: 'm1', title: '', dueDate: '' },
    { id: 'm2', title: '', dueDate: '' },
    { id: 'm3', title: '', dueDate: '' },
  ]);
  const [degrees, setDegrees] = useState<string[]>([]);
  const [classes, setClasses] = useState<TargetClass[]>([]);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per enrollment the person means to send: kept when the answer was lost (sending again is a
  // retry, not a second program), new after any answer (a corrected form is another request).
  const [idempotencyKey, setIdempotencyKey] = useState(() => `ui-${crypto.randomUUID()}`);
  const issues: Issue[] = problem?.issues ?? [];
  const degreeMessages = issues.filter((i) => i.path.startsWith('education.degrees')).map((i) => i.message);

  useEffect(() => {
    getJson<{ items: TargetClass[] }>('/v1/target-classes')
      .then((answer) => setClasses(answer.items))
      .catch(() => setClasses([]));
  }, []);

  const field = (path: string) => ({
    path,
    label: LABELS[path] ?? path,
    value: values[path] ?? '',
    onValue: (value: string) => setValues({ ...values, [path]: value }),
    issues,
  });

  const v = (path: string): string => values[path] ?? '';
  const body = {
    trainee: { employeeId: v('trainee.employeeId'), name: v('trainee.name'), email: v('trainee.email') },
    agency: v('agency'),
    functionalRole: v('functionalRole'),
    targetClassCode: v('targetClassCode'),
    supervisorId: v('supervisorId'),
    programManagerId: v('programManagerId'),
    appointmentDate: v('appointmentDate'),
    hoursPerWeek: numberOrAbsent(v('hoursPerWeek')),
    schedule: {
      dasApprovalRef: v('schedule.dasApprovalRef'),
      approvedOn: v('schedule.approvedOn'),
      plannedEndDate: v('schedule.plannedEndDate'),
      milestones,
    },
    priorExperience: {
      generalYears: numberOrAbsent(v('priorExperience.generalYears')),
      specialYears: numberOrAbsent(v('priorExperience.specialYears')),
    },
    education: { semesterHours: numberOrAbsent(v('education.semesterHours')), degrees },
  };
  // The consequences as HR types: the same decision the enrollment will get, with nothing started.
  const preview = useEnrollmentPreview(body);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    try {
      const program = await postJson<ProgramView>('/v1/programs', body, { headers: { 'idempotency-key': idempotencyKey } });
      setFlash(`Enrolled ${program.trainee.name} (${program.traineeEmployeeId}). The program is ${program.status}.`);
      navigate(programPath(program.programId));
    } catch (error) {
      const problem =
        error instanceof ApiProblem ? error : new ApiProblem(0, { code: 'error', message: 'The enrollment could not be sent.' });
      if (problem.status !== 0) setIdempotencyKey(`ui-${crypto.randomUUID()}`);
      setProblem(problem);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading title="Enroll a trainee" />
      <p class="lede">The API checks every field and every program rule; its messages appear next to the fields.</p>
      {problem && <ErrorSummary problem={problem} issues={issues} labelFor={labelFor} />}
      <form class="form" noValidate onSubmit={(event) => void submit(event)} aria-label="Enrollment">
        <fieldset>
          <legend>Trainee</legend>
          <TextField {...field('trainee.employeeId')} />
          <TextField {...field('trainee.name')} autoComplete="off" />
          <TextField {...field('trainee.email')} type="email" inputMode="email" />
        </fieldset>
        <fieldset>
          <legend>Position</legend>
          <TextField {...field('agency')} hint="The agency code, e.g. OPM." />
          <TextField {...field('functionalRole')} hint="e.g. Agency Labor Relations Specialist Trainee." />
          <SelectField
            {...field('targetClassCode')}
            options={[{ value: '', label: 'Choose a class' }, ...classes.map((c) => ({ value: c.code, label: `${c.code} ${c.title}` }))]}
          />
          <StaffPicker {...field('supervisorId')} />
          <StaffPicker {...field('programManagerId')} />
          <TextField {...field('appointmentDate')} type="date" />
          <TextField {...field('hoursPerWeek')} type="number" inputMode="numeric" hint="Trainees work full time: 40 hours." />
        </fieldset>
        <fieldset>
          <legend>DAS-approved schedule</legend>
          <TextField {...field('schedule.dasApprovalRef')} />
          <TextField {...field('schedule.approvedOn')} type="date" hint="On or before the appointment date." />
          <TextField
            {...field('schedule.plannedEndDate')}
            type="date"
            hint="At least one year after the appointment, at most three (C.G.S. 5-234)."
          />
          <MilestonesEditor path="schedule.milestones" milestones={milestones} onChange={setMilestones} issues={issues} />
        </fieldset>
        <fieldset>
          <legend>Experience and education</legend>
          <TextField {...field('priorExperience.generalYears')} type="number" inputMode="decimal" step="0.5" />
          <TextField {...field('priorExperience.specialYears')} type="number" inputMode="decimal" step="0.5" />
          <TextField {...field('education.semesterHours')} type="number" inputMode="numeric" />
          <fieldset
            class="checkboxes"
            id={fieldId('education.degrees')}
            tabIndex={-1}
            aria-describedby={degreeMessages.length ? `${fieldId('education.degrees')}-error` : undefined}
          >
            <legend>Degrees</legend>
            {degreeMessages.length > 0 && (
              <p class="field-error" id={`${fieldId('education.degrees')}-error`}>
                {degreeMessages.join(' ')}
              </p>
            )}
            {DEGREES.map((degree) => (
              <label key={degree.value} class="checkbox">
                <input
                  type="checkbox"
                  name="education.degrees"
                  value={degree.value}
                  checked={degrees.includes(degree.value)}
                  onChange={(event) =>
                    setDegrees(event.currentTarget.checked ? [...degrees, degree.value] : degrees.filter((d) => d !== degree.value))
                  }
                />
                {degree.label}
              </label>
            ))}
          </fieldset>
        </fieldset>
        <button type="submit" class="button" disabled={busy}>
          Enroll
        </button>
      </form>
      <EnrollmentPreviewPanel preview={preview} />
    </>
  );
}
