/**
 * Decision 7 (DOMAIN.md, 2026-11-29): an unsatisfactory rating is decided by HR, not by the clock.
 * HR confirms removal with a date, or records remediation with a DAS-approved amendment; until then
 * HR is reminded weekly and the decision is escalated to DAS after the policy's working days.
 */
import { describe, expect, it } from 'vitest';
import { loadNoticeTemplates } from '../../activities/notice-rendering.js';
import { rowsFromCsv } from '../../api/import.js';
import { enrollmentSchema } from '../../domain/schemas.js';
import { defaultPolicy, enrollmentPolicy, type PolicySettings } from '../../domain/policy.js';
import { execute, type ProgramCommand } from '../../domain/program.js';
import { checkEnrollment } from '../../domain/rules.js';
import { findTargetClass } from '../../domain/target-classes.js';
import { programView } from '../../domain/view.js';
import { enrollmentFixture, HR, reminderPolicy, runProgram, schedule, SUPERVISOR, type ScriptedCommand } from '../notices/program-run.js';

const EDITION_2: PolicySettings = enrollmentPolicy(defaultPolicy);
const RATED_ON = '2025-08-01'; // a Friday
const DECIDE_FROM = '2025-08-04'; // the Monday the supervisor records it

const rateUnsatisfactory: ScriptedCommand = {
  on: DECIDE_FROM,
  command: { type: 'rate-service', rating: 'unsatisfactory', ratedOn: RATED_ON, comments: 'after fair trial' },
  actor: SUPERVISOR,
};
const signOff = (milestoneId: string, on: string): ScriptedCommand => ({
  on,
  command: { type: 'sign-off-milestone', milestoneId, signedOn: on },
  actor: SUPERVISOR,
});
const byHr = (on: string, command: ProgramCommand): ScriptedCommand => ({ on, command, actor: HR });

const hrNotices = (run: ReturnType<typeof runProgram>) =>
  schedule(run.notices).filter(([, kind]) => kind.startsWith('hr-decision') || kind === 'program-ended' || kind === 'remediation-recorded');

describe('decision 7: HR decides after an unsatisfactory rating', () => {
  it('keeps the program open on the rating, asks HR, reminds weekly and escalates to DAS after 10 working days', () => {
    const run = runProgram(enrollmentFixture(), {
      policy: EDITION_2,
      script: [signOff('m1', '2025-06-25'), rateUnsatisfactory],
      until: '2025-09-02',
    });
    expect(run.state.status).toBe('active');
    expect(run.state.ended).toBeNull();
    // 10 working days from Monday 4 August: 5–8, 11–15, 18 August.
    expect(run.state.hrDecision).toMatchObject({
      ratedOn: RATED_ON,
      requestedOn: DECIDE_FROM,
      escalatesOn: '2025-08-18',
      escalatedOn: '2025-08-18',
    });
    expect(hrNotices(run)).toEqual([
      [DECIDE_FROM, 'hr-decision-required'],
      ['2025-08-11', 'hr-decision-reminder'],
      ['2025-08-18', 'hr-decision-escalated'],
      ['2025-08-25', 'hr-decision-reminder-escalated'],
      ['2025-09-01', 'hr-decision-reminder-escalated'],
    ]);
    const templates = loadNoticeTemplates();
    const [required, , escalated] = run.notices.filter((n) => n.kind.startsWith('hr-decision'));
    expect(templates.render(required!).recipients.map((r) => r.role)).toEqual(['agency-hr']);
    expect(templates.render(escalated!).recipients.map((r) => r.role)).toEqual(['agency-hr', 'das']);
    expect(templates.render(required!).body).toContain('escalated to DAS on August 18, 2025');
    const view = programView(run.state, '2025-09-02');
    expect(view.hrDecision).toEqual({ ratedOn: RATED_ON, requestedOn: DECIDE_FROM, escalatesOn: '2025-08-18', escalated: true });
    expect(view.checklist.find((c) => c.requirement === 'service-rated-satisfactory')).toEqual({
      requirement: 'service-rated-satisfactory',
      met: false,
      detail: `Rated unsatisfactory on ${RATED_ON}; HR's decision (removal or remediation) is pending since ${DECIDE_FROM}.`,
    });
  });

  it('counts the escalation in working days, leaving out legal holidays', () => {
    // Rated and recorded on Friday 29 August 2025: Labor Day (1 September) is not a working day.
    const run = runProgram(enrollmentFixture(), {
      policy: EDITION_2,
      script: [{ on: '2025-08-29', command: { type: 'rate-service', rating: 'unsatisfactory', ratedOn: '2025-08-29' }, actor: SUPERVISOR }],
      until: '2025-08-29',
    });
    expect(run.state.hrDecision?.escalatesOn).toBe('2025-09-15');
  });

  it('ends the program at the start of the removal date HR confirms, with the notice, and not before', () => {
    const effectiveOn = '2025-09-15';
    const run = runProgram(enrollmentFixture(), {
      policy: EDITION_2,
      script: [
        rateUnsatisfactory,
        byHr('2025-08-08', { type: 'confirm-removal', effectiveOn, reason: 'Removal after fair trial (C.G.S. 5-230)' }),
      ],
    });
    expect(run.state).toMatchObject({ status: 'ended', ended: { on: effectiveOn, reason: 'unsatisfactory-service' } });
    expect(run.checkpoints.find((c) => c.today === '2025-09-14')?.state.status ?? 'active').toBe('active');
    // The decision stops the reminders: nothing more to HR after 8 August but the ending itself.
    expect(hrNotices(run)).toEqual([
      [DECIDE_FROM, 'hr-decision-required'],
      [effectiveOn, 'program-ended'],
    ]);
    expect(run.events.find((e) => e.type === 'removal-confirmed')).toMatchObject({
      reason: 'Removal after fair trial (C.G.S. 5-230)',
      data: { ratedOn: RATED_ON, effectiveOn },
    });
    const ended = run.notices.find((n) => n.kind === 'program-ended')!;
    expect(loadNoticeTemplates().render(ended).body).toContain('unsatisfactory service rating (C.G.S. 5-230)');
  });

  it('ends at once a removal HR dates on or before today, from the rating date on', () => {
    const run = runProgram(enrollmentFixture(), { policy: EDITION_2, script: [rateUnsatisfactory], until: '2025-08-10' });
    const result = execute(run.state, { type: 'confirm-removal', effectiveOn: RATED_ON, reason: 'Removal' }, HR, { today: '2025-08-10' });
    expect(result.ok && result.events.map((e) => e.type)).toEqual(['removal-confirmed', 'program-ended']);
    expect(result.ok && result.state.ended).toEqual({ on: RATED_ON, reason: 'unsatisfactory-service' });
    const before = execute(run.state, { type: 'confirm-removal', effectiveOn: '2025-07-31', reason: 'Removal' }, HR, {
      today: '2025-08-10',
    });
    expect(before.ok ? [] : before.violations.map((v) => [v.code, v.field])).toEqual([['removal-date-outside-program', 'effectiveOn']]);
    const past = execute(run.state, { type: 'confirm-removal', effectiveOn: '2028-03-03', reason: 'Removal' }, HR, { today: '2025-08-10' });
    expect(past.ok ? [] : past.violations.map((v) => v.code)).toEqual(['removal-date-outside-program']);
  });

  it('takes remediation with a DAS-approved amendment; the program goes on, needs a new satisfactory rating, and reclassifies', () => {
    const remediation: ProgramCommand = {
      type: 'record-remediation',
      plan: 'Six weeks of paired casework with a senior specialist',
      dasApprovalRef: 'DAS-2025-0990',
      approvedOn: '2025-08-12',
      milestones: [
        { id: 'm1', title: 'Contract administration rotation', dueDate: '2025-06-30' },
        { id: 'm2', title: 'Grievance and arbitration casework', dueDate: '2025-09-30' },
        { id: 'r1', title: 'Remediation casework', dueDate: '2025-11-30' },
      ],
    };
    const run = runProgram(enrollmentFixture(), {
      policy: EDITION_2,
      script: [
        signOff('m1', '2025-06-25'),
        rateUnsatisfactory,
        byHr('2025-08-14', remediation),
        signOff('m2', '2025-09-25'),
        signOff('r1', '2025-11-20'),
        { on: '2025-11-21', command: { type: 'rate-service', rating: 'satisfactory', ratedOn: '2025-11-21' }, actor: SUPERVISOR },
      ],
    });
    expect(run.state).toMatchObject({ status: 'reclassified', reclassification: { effectiveOn: '2026-03-03' }, hrDecision: null });
    expect(run.state.schedule.dasApprovalRef).toBe('DAS-2025-0990');
    const types = run.events.map((e) => e.type);
    expect(types.slice(types.indexOf('remediation-recorded'), types.indexOf('remediation-recorded') + 2)).toEqual([
      'remediation-recorded',
      'schedule-amended',
    ]);
    expect(hrNotices(run)).toEqual([
      [DECIDE_FROM, 'hr-decision-required'],
      ['2025-08-11', 'hr-decision-reminder'],
      ['2025-08-14', 'remediation-recorded'],
    ]);
    // Between remediation and the new rating the checklist says what is missing.
    const between = run.checkpoints.find((c) => c.today >= '2025-10-01')!.state;
    expect(programView(between, '2025-10-01').checklist.find((c) => c.requirement === 'service-rated-satisfactory')?.detail).toBe(
      `Rated unsatisfactory on ${RATED_ON}; HR recorded remediation, and a new satisfactory rating is needed.`,
    );
    expect(loadNoticeTemplates().render(run.notices.find((n) => n.kind === 'remediation-recorded')!).body).toContain('DAS-2025-0990');
  });

  it('refuses remediation without an amendment, another rating while HR decides, and a decision nobody asked for', () => {
    const pending = runProgram(enrollmentFixture(), { policy: EDITION_2, script: [rateUnsatisfactory], until: '2025-08-05' }).state;
    const codes = (command: ProgramCommand, actor = HR) => {
      const result = execute(pending, command, actor, { today: '2025-08-05' });
      return result.ok ? [] : result.violations.map((v) => [v.code, v.field]);
    };
    expect(codes({ type: 'record-remediation', plan: 'p', dasApprovalRef: 'DAS-X', approvedOn: '2025-08-05' })).toEqual([
      ['remediation-amendment-missing', 'milestones'],
    ]);
    expect(
      codes({
        type: 'record-remediation',
        plan: 'p',
        dasApprovalRef: 'DAS-2025-0142',
        approvedOn: '2025-08-05',
        plannedEndDate: '2026-12-31',
      }),
    ).toEqual([['das-approval-ref-reused', 'dasApprovalRef']]);
    expect(
      codes({ type: 'record-remediation', plan: 'p', dasApprovalRef: 'DAS-X', approvedOn: '2025-08-05', plannedEndDate: '2028-06-01' }),
    ).toEqual([['exceeds-statutory-maximum', 'plannedEndDate']]);
    expect(codes({ type: 'rate-service', rating: 'satisfactory', ratedOn: '2025-08-05' }, SUPERVISOR)).toEqual([
      ['hr-decision-pending', 'rating'],
    ]);
    const open = runProgram(enrollmentFixture(), { policy: EDITION_2, until: '2025-08-05' }).state;
    const nothing = execute(open, { type: 'confirm-removal', effectiveOn: '2025-08-05', reason: 'x' }, HR, { today: '2025-08-05' });
    expect(nothing.ok ? [] : nothing.violations.map((v) => v.code)).toEqual(['hr-decision-not-pending']);
  });

  it('still ends a program enrolled before the decision at the rating itself', () => {
    const run = runProgram(enrollmentFixture(), { policy: reminderPolicy, script: [rateUnsatisfactory] });
    expect(run.state).toMatchObject({ status: 'ended', ended: { on: DECIDE_FROM, reason: 'unsatisfactory-service' } });
    expect(run.events.some((e) => e.type === 'hr-decision-requested')).toBe(false);
  });
});

describe('decision 10: a migrated program brings its past', () => {
  const migrated = enrollmentFixture({
    priorRecords: {
      leaves: [{ from: '2025-04-07', to: '2025-04-18', kind: 'unpaid' }],
      signOffs: [
        { milestoneId: 'm1', signedOn: '2025-06-27', signedOffBy: 'sup-old' },
        { milestoneId: 'm2', signedOn: '2025-09-29', signedOffBy: SUPERVISOR.id },
      ],
      serviceRatings: [{ rating: 'satisfactory', ratedOn: '2025-08-29', ratedBy: 'sup-old' }],
    },
  });

  it('applies the prior records as dated events: no overdue notice, the minimum period reached on the moved anniversary, then reclassified', () => {
    // Enrolled two years after the appointment, with everything done long ago.
    const run = runProgram(migrated, { policy: EDITION_2, enrolledOn: '2027-03-01', until: '2027-03-01' });
    expect(run.state.status).toBe('reclassified');
    expect(run.state.reclassification?.effectiveOn).toBe('2027-03-01');
    // Twelve calendar days of unpaid leave before the anniversary move it from 3 to 15 March 2026.
    expect(run.events.find((e) => e.type === 'minimum-period-reached')?.data).toEqual({ on: '2026-03-15' });
    const kinds = run.notices.map((n) => n.kind);
    expect(kinds.filter((k) => k.startsWith('milestone') || k.startsWith('overdue'))).toEqual([]);
    expect(run.state.milestones.map((m) => [m.id, m.status, m.signedOffBy, m.signedOffOn])).toEqual([
      ['m1', 'signed-off', 'sup-old', '2025-06-27'],
      ['m2', 'signed-off', SUPERVISOR.id, '2025-09-29'],
    ]);
    expect(run.events.filter((e) => e.reason?.startsWith('migrated')).map((e) => e.type)).toEqual([
      'leave-recorded',
      'milestone-signed-off',
      'service-rated',
      'milestone-signed-off',
    ]);
  });

  it('refuses prior records after today, outside the program, of unknown milestones or overlapping', () => {
    const bad = enrollmentFixture({
      priorRecords: {
        signOffs: [
          { milestoneId: 'm9', signedOn: '2025-05-01', signedOffBy: 'sup-1' },
          { milestoneId: 'm1', signedOn: '2026-01-05', signedOffBy: 'sup-1' },
        ],
        serviceRatings: [{ rating: 'satisfactory', ratedOn: '2025-01-01', ratedBy: 'sup-1' }],
        leaves: [
          { from: '2025-04-07', to: '2025-04-18', kind: 'unpaid' },
          { from: '2025-04-10', to: '2025-04-11', kind: 'sick' },
        ],
      },
    });
    expect(checkEnrollment(bad, findTargetClass('5257MP'), EDITION_2, '2026-01-01').map((v) => [v.code, v.field])).toEqual([
      ['unknown-prior-milestone', 'priorRecords.signOffs[0].milestoneId'],
      ['prior-record-in-future', 'priorRecords.signOffs[1].signedOn'],
      ['prior-record-outside-program', 'priorRecords.serviceRatings[0].ratedOn'],
      ['leave-overlaps', 'priorRecords.leaves[1].from'],
    ]);
  });
});

describe("decision 10: the CSV import carries a migrated program's past in optional columns", () => {
  const header =
    'trainee.employeeId,trainee.name,trainee.email,agency,functionalRole,targetClassCode,supervisorId,programManagerId,appointmentDate,hoursPerWeek,schedule.dasApprovalRef,schedule.approvedOn,schedule.plannedEndDate,schedule.milestones,priorExperience.generalYears,priorExperience.specialYears,education.semesterHours,education.degrees';
  const row =
    'E1,Ann Lee,ann@example.gov,OPM,LR,5257MP,sup-1,pm-1,2025-03-03,40,DAS-1,2025-02-20,2026-09-02,m1|Grievances|2025-06-30;m2|Contract|2025-09-30,4,2,120,bachelor';

  it('reads sign-offs, ratings and leave as `a|b|c` entries, each a valid part of the enrollment', () => {
    const [parsed] = rowsFromCsv(
      `${header},priorRecords.signOffs,priorRecords.serviceRatings,priorRecords.leaves\n${row},m1|2025-06-27|sup-old;m2|2025-09-29|sup-1,satisfactory|2025-08-29|sup-old,2025-04-07|2025-04-18|unpaid\n`,
    );
    const value = parsed && 'value' in parsed ? parsed.value : null;
    expect(enrollmentSchema.parse(value).priorRecords).toEqual({
      signOffs: [
        { milestoneId: 'm1', signedOn: '2025-06-27', signedOffBy: 'sup-old' },
        { milestoneId: 'm2', signedOn: '2025-09-29', signedOffBy: 'sup-1' },
      ],
      serviceRatings: [{ rating: 'satisfactory', ratedOn: '2025-08-29', ratedBy: 'sup-old' }],
      leaves: [{ from: '2025-04-07', to: '2025-04-18', kind: 'unpaid' }],
    });
  });

  it('keeps the columns optional: a file without them imports as before', () => {
    const [parsed] = rowsFromCsv(`${header}\n${row}\n`);
    expect(enrollmentSchema.parse(parsed && 'value' in parsed ? parsed.value : null).priorRecords).toBeUndefined();
  });
});
