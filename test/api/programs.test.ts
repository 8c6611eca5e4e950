/**
 * The HTTP API end to end: the real server on an ephemeral port, the Temporal dev server, the
 * worker, PostgreSQL and the read-model projector. Every response is checked against the OpenAPI
 * document the server serves (see harness.ts).
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiServer } from '../../api/server.js';
import { createProgramClient } from '../../client/programs.js';
import { addDays, addMonths } from '../../domain/dates.js';
import { workflowIdFor } from '../../workflows/definitions.js';
import type { EnrollmentInput } from '../../domain/schemas.js';
import { enrollmentFixture } from '../integration/harness.js';
import { eventually, startApiStack, today, uniqueId, type ApiResponse, type ApiStack } from './harness.js';
import { IMPORT_CSV_COLUMNS, importCsvRow } from '../fixtures/import-csv.js';

let stack: ApiStack;
let hrToken: string;
let dasToken: string;
const supervisorId = uniqueId('sup');
const managerId = uniqueId('pm');
const agency = uniqueId('AG');
let supervisorToken: string;

beforeAll(async () => {
  stack = await startApiStack();
  await stack.addStaff(supervisorId, managerId);
  [hrToken, dasToken, supervisorToken] = await Promise.all([
    stack.token('hr-0001', 'hr'),
    stack.token('das-0001', 'das'),
    stack.token(supervisorId, 'supervisor'),
  ]);
});

afterAll(async () => {
  await stack?.stop();
});

const enrollment = (appointmentDate: string, overrides: Partial<EnrollmentInput> = {}): EnrollmentInput =>
  enrollmentFixture(appointmentDate, { agency, supervisorId, programManagerId: managerId, ...overrides });

interface ProgramBody {
  programId: string;
  status: string;
  version: number;
  milestones: { id: string; status: string; signedOffBy?: string }[];
  reclassification: { effectiveOn: string; noticeId: string } | null;
}

const program = (response: ApiResponse): ProgramBody => response.body as ProgramBody;
const error = (response: ApiResponse) =>
  (response.body as { error: { code: string; message: string; issues?: { path: string; message: string; code?: string }[] } }).error;

async function enroll(body: EnrollmentInput): Promise<ProgramBody> {
  const response = await stack.call('POST', '/v1/programs', { token: hrToken, body });
  expect(response.status).toBe(201);
  return program(response);
}

/**
 * Enrollments whose openings differ: today; two years back (milestones overdue, the first anniversary
 * passed: the opening includes the clock's events); no qualification (a shortfall).
 */
const openingCases = (): EnrollmentInput[] => [
  enrollment(today()),
  enrollment(addMonths(today(), -24)),
  {
    ...enrollment(addMonths(today(), -3)),
    priorExperience: { generalYears: 0, specialYears: 0 },
    education: { semesterHours: 0, degrees: [] },
  },
];

async function eventTypes(programId: string): Promise<string[]> {
  const response = await stack.call('GET', `/v1/programs/${programId}/events`, { token: hrToken });
  expect(response.status).toBe(200);
  return (response.body as { items: { type: string }[] }).items.map((e) => e.type);
}

describe('the service endpoints', () => {
  it('serves an OpenAPI 3.1 document that validates against the OpenAPI schema', async () => {
    const response = await stack.call('GET', '/v1/openapi.json');
    expect(response.status).toBe(200);
    const validator = new Validator();
    const result = await validator.validate({ ...stack.openapi });
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(Object.keys(stack.openapi.paths)).toEqual(
      expect.arrayContaining([
        '/v1/programs',
        '/v1/programs/import',
        '/v1/programs/{programId}/milestones/{milestoneId}/sign-off',
        '/v1/notices/{noticeId}',
      ]),
    );
  });

  it('answers health with 200 when the API, Temporal and PostgreSQL answer, without a token', async () => {
    const response = await stack.call('GET', '/v1/health');
    expect(response).toMatchObject({ status: 200, body: { status: 'ok', checks: { api: 'ok', temporal: 'ok', postgres: 'ok' } } });
  });

  it('answers health with 503, naming what is down, when Temporal does not answer', async () => {
    const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' }) });
    const app = await buildApiServer({
      programs: createProgramClient({ client: unreachable }),
      db: stack.db,
      temporal: unreachable,
      authSecret: stack.secret,
    });
    try {
      const response = await app.inject({ method: 'GET', url: '/v1/health' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: 'unavailable', checks: { api: 'ok', temporal: 'unavailable', postgres: 'ok' } });
    } finally {
      await app.close();
    }
  });

  it('lists the approved target classes with their minimum qualifications', async () => {
    const response = await stack.call('GET', '/v1/target-classes', { token: await stack.token('E000001', 'trainee') });
    expect(response.status).toBe(200);
    const items = (response.body as { items: { code: string; payPlan: string; salaryGroup: string | null }[] }).items;
    expect(items.find((c) => c.code === '5257MP')).toMatchObject({ payPlan: 'MP', salaryGroup: 'MP 63' });
  });
});

describe('a program driven through the API', () => {
  it('previews an enrollment with nothing started: its dates, checklist and every rule it breaks', async () => {
    const body = enrollment(addMonths(today(), -2));
    const seen = await stack.call('POST', '/v1/programs/preview', { token: dasToken, body });
    expect(seen.status).toBe(200);
    const preview = seen.body as {
      program: ProgramBody & { checklist: { requirement: string; met: boolean }[]; trainee: unknown };
      violations: unknown[];
    };
    expect(preview.violations).toEqual([]);
    expect(preview.program).toMatchObject({
      status: 'active',
      appointmentDate: body.appointmentDate,
      trainee: { employeeId: body.trainee.employeeId, name: body.trainee.name },
    });
    expect(preview.program.checklist.map((c) => [c.requirement, c.met])).toEqual([
      ['milestones-signed-off', false],
      ['service-rated-satisfactory', false],
      ['minimum-period-served', false],
      ['meets-target-class-qualifications', true],
    ]);
    const bad = { ...body, supervisorId: body.trainee.employeeId, schedule: { ...body.schedule, approvedOn: addDays(today(), 3) } };
    const refused = await stack.call('POST', '/v1/programs/preview', { token: hrToken, body: bad });
    expect(refused.status).toBe(200);
    expect((refused.body as { violations: { code: string; field: string }[] }).violations.map((v) => [v.code, v.field])).toEqual([
      ['schedule-approved-in-future', 'schedule.approvedOn'],
      ['supervisor-is-trainee', 'supervisorId'],
      ['schedule-approved-after-appointment', 'schedule.approvedOn'],
    ]);
    expect((await stack.call('POST', '/v1/programs/preview', { token: supervisorToken, body })).status).toBe(403);
    expect((await stack.call('POST', '/v1/programs/preview', { token: hrToken, body: { ...body, hoursPerWeek: 'forty' } })).status).toBe(
      400,
    );
    // Nothing was enrolled.
    const listed = await stack.call('GET', `/v1/programs?agency=${encodeURIComponent(body.agency)}&limit=200`, { token: hrToken });
    expect(
      (listed.body as { items: { traineeEmployeeId: string }[] }).items.some((p) => p.traineeEmployeeId === body.trainee.employeeId),
    ).toBe(false);
  });

  it('goes from enrollment to reclassification when the first anniversary has passed', async () => {
    const appointed = addMonths(today(), -13);
    const created = await enroll(enrollment(appointed));
    expect(created.status).toBe('active');
    // Migrated in after its due dates: the milestones are already overdue.
    expect(created.milestones.map((m) => m.status)).toEqual(['overdue', 'overdue', 'overdue']);

    let current = created;
    for (const milestone of created.milestones) {
      const signed = await stack.call('POST', `/v1/programs/${created.programId}/milestones/${milestone.id}/sign-off`, {
        token: supervisorToken,
        body: { signedOn: today(), comments: 'Reviewed with the program manager.' },
      });
      expect(signed.status).toBe(200);
      current = program(signed);
      expect(current.milestones.find((m) => m.id === milestone.id)).toMatchObject({ status: 'signed-off', signedOffBy: supervisorId });
    }
    expect(current.status).toBe('active'); // the service rating is still missing

    const rated = await stack.call('POST', `/v1/programs/${created.programId}/service-ratings`, {
      token: await stack.token(managerId, 'program-manager'),
      body: { rating: 'satisfactory', ratedOn: today() },
    });
    expect(rated.status).toBe(200);
    expect(program(rated)).toMatchObject({ status: 'reclassified', reclassification: { effectiveOn: today() } });
    const noticeId = program(rated).reclassification?.noticeId ?? '';

    // The event log, the notices and the read model follow.
    const types = await eventually(
      () => eventTypes(created.programId),
      (t) => t.includes('reclassification-notice-issued'),
      'the reclassification event',
    );
    expect(types.slice(0, 2)).toEqual(['enrolled', 'schedule-approved']);
    expect(types.filter((t) => t === 'milestone-signed-off')).toHaveLength(3);
    const events = await stack.call('GET', `/v1/programs/${created.programId}/events`, { token: hrToken });
    const signOffs = (events.body as { items: { type: string; actor: { id: string; role: string } }[] }).items.filter(
      (e) => e.type === 'milestone-signed-off',
    );
    expect(signOffs.map((e) => e.actor)).toEqual(Array(3).fill({ id: supervisorId, role: 'supervisor' }));

    const notices = await eventually(
      () => stack.call('GET', `/v1/programs/${created.programId}/notices`, { token: hrToken }),
      (r) => (r.body as { items: { noticeId: string }[] }).items.some((n) => n.noticeId === noticeId),
      'the reclassification notice',
    );
    expect((notices.body as { items: { kind: string }[] }).items.map((n) => n.kind)).toContain('reclassification');

    const notice = await stack.call('GET', `/v1/notices/${encodeURIComponent(noticeId)}`, { token: hrToken });
    expect(notice.status).toBe(200);
    expect(notice.body).toMatchObject({ noticeId, kind: 'reclassification', programId: created.programId });
    expect((notice.body as { body: string }).body).toContain('No additional working test period is required.');
    const pdf = await stack.call('GET', `/v1/notices/${encodeURIComponent(noticeId)}`, {
      token: hrToken,
      headers: { accept: 'application/pdf' },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.text.startsWith('%PDF-')).toBe(true);
    expect(
      (await stack.call('GET', `/v1/notices/${encodeURIComponent(noticeId)}`, { token: hrToken, headers: { accept: 'image/png' } })).status,
    ).toBe(406);

    const listed = await eventually(
      () => stack.call('GET', `/v1/programs?agency=${agency}&status=reclassified`, { token: hrToken }),
      (r) => (r.body as { items: { programId: string }[] }).items.some((p) => p.programId === created.programId),
      'the read model to show the reclassification',
    );
    expect(listed.status).toBe(200);
    const read = await stack.call('GET', `/v1/programs/${created.programId}`, { token: supervisorToken });
    expect(program(read)).toMatchObject({ status: 'reclassified', reclassification: { noticeId } });

    // A closed program takes no further command: a conflicting state.
    const late = await stack.call('POST', `/v1/programs/${created.programId}/leaves`, {
      token: hrToken,
      body: { from: today(), to: today(), kind: 'sick' },
    });
    expect(late.status).toBe(409);
    expect(error(late).code).toBe('program-closed');
  });

  it('answers an enrollment with the program exactly as its workflow has it, rules for past dates applied', async () => {
    for (const body of openingCases()) {
      const response = await stack.call('POST', '/v1/programs', { token: hrToken, body });
      expect(response.status).toBe(201);
      const created = program(response);
      const fromWorkflow = await stack.programs.show(created.programId);
      expect(response.body).toEqual(JSON.parse(JSON.stringify(fromWorkflow)));
      expect(response.headers.get('etag')).toBe(`"${fromWorkflow.version}"`);
    }
  });

  it('has an enrollment’s opening events in the log as it answers, and its workflow records the same ones again without a conflict', async () => {
    for (const body of openingCases()) {
      const before = Date.now();
      const created = await enroll(body);
      const answered = Date.now();
      const logged = async () =>
        (
          await stack.db.query<{ version: number; event_id: string; occurred_at: Date }>(
            'SELECT version, event_id, occurred_at FROM program_events WHERE program_id = $1 ORDER BY version',
            [created.programId],
          )
        ).rows;
      // Every event of the program the 201 answered with: the read model can have it as answered.
      const opening = await logged();
      expect(opening.length).toBe(created.version);
      expect(opening.map((e) => e.version)).toEqual(opening.map((_, i) => i + 1));
      for (const { occurred_at } of opening) {
        expect(occurred_at.getTime()).toBeGreaterThanOrEqual(before - 1);
        expect(occurred_at.getTime()).toBeLessThanOrEqual(answered + 1);
      }
      // The workflow's own recording of every event it has, the opening ones among them: completed,
      // never failed (a conflict with the events recorded here would fail it), and nothing doubled.
      const handle = stack.env.client.workflow.getHandle(workflowIdFor(created.programId));
      const history = await eventually(
        async () => (await handle.fetchHistory()).events ?? [],
        (events) =>
          events.some(
            (e) =>
              e.activityTaskCompletedEventAttributes || e.activityTaskFailedEventAttributes || e.workflowExecutionFailedEventAttributes,
          ),
        `the first recording of ${created.programId}`,
        60_000,
      );
      expect(history.some((e) => e.activityTaskFailedEventAttributes || e.workflowExecutionFailedEventAttributes)).toBe(false);
      const all = await logged();
      expect(all.map((e) => e.version)).toEqual(Array.from({ length: created.version }, (_, i) => i + 1));
      expect(all.slice(0, opening.length)).toEqual(opening);
      expect((await handle.describe()).status.name).toBe('RUNNING');
    }
  });

  it('reads a program it has just enrolled, before the read model has it', async () => {
    const created = await enroll(enrollment(today()));
    const read = await stack.call('GET', `/v1/programs/${created.programId}`, { token: hrToken });
    expect(read.status).toBe(200);
    expect(program(read).programId).toBe(created.programId);
    expect(read.headers.get('content-type')).toContain('application/json');
  });
});

describe('progress reports', () => {
  it('takes the trainee’s report and the program manager’s review, each once, and refuses anyone else', async () => {
    const body = enrollment(addMonths(today(), -3));
    const created = await enroll(body);
    const base = `/v1/programs/${created.programId}/progress-reports`;
    const trainee = await stack.token(body.trainee.employeeId, 'trainee');
    const otherTrainee = await stack.token(uniqueId('E'), 'trainee');
    const manager = await stack.token(managerId, 'program-manager');
    const report = { periodEnding: today(), summary: 'Drafted two step-one grievance answers.' };

    expect((await stack.call('POST', base, { token: otherTrainee, body: report })).status).toBe(403);
    expect((await stack.call('POST', base, { token: hrToken, body: report })).status).toBe(403);
    const future = await stack.call('POST', base, { token: trainee, body: { ...report, periodEnding: addDays(today(), 1) } });
    expect([future.status, error(future).code]).toEqual([422, 'date-in-future']);
    const submitted = await stack.call('POST', base, { token: trainee, body: report });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ progressReports: [{ ...report, submittedOn: today(), submittedBy: body.trainee.employeeId }] });
    expect((await stack.call('POST', base, { token: trainee, body: report })).status).toBe(200);
    const changed = await stack.call('POST', base, { token: trainee, body: { ...report, summary: 'Another text' } });
    expect([changed.status, error(changed).code]).toEqual([422, 'progress-report-exists']);

    const reviewPath = `${base}/${today()}/review`;
    expect((await stack.call('POST', reviewPath, { token: trainee, body: { reviewedOn: today() } })).status).toBe(403);
    const reviewed = await stack.call('POST', reviewPath, {
      token: manager,
      body: { reviewedOn: today(), comments: 'Clear and complete.' },
    });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body).toMatchObject({
      progressReports: [{ periodEnding: today(), reviewedOn: today(), reviewedBy: managerId, reviewComments: 'Clear and complete.' }],
    });
    expect((await stack.call('POST', reviewPath, { token: supervisorToken, body: { reviewedOn: today() } })).status).toBe(200);
    const noReport = await stack.call('POST', `${base}/${addDays(today(), -40)}/review`, { token: manager, body: { reviewedOn: today() } });
    expect([noReport.status, error(noReport).code]).toEqual([422, 'unknown-progress-report']);

    const types = await eventually(
      () => eventTypes(created.programId),
      (t) => t.includes('progress-report-reviewed'),
      'the review in the event log',
    );
    expect(types.filter((t) => t.startsWith('progress-report'))).toEqual(['progress-report-submitted', 'progress-report-reviewed']);
  });
});

describe('corrections', () => {
  it('retracts a sign-off and cancels leave with new events that point at the ones they correct; nothing recorded is changed', async () => {
    const created = await enroll(enrollment(addMonths(today(), -2)));
    const base = `/v1/programs/${created.programId}`;
    expect(
      (await stack.call('POST', `${base}/milestones/m1/sign-off`, { token: supervisorToken, body: { signedOn: today() } })).status,
    ).toBe(200);
    const leave = { from: addDays(today(), -20), to: addDays(today(), -6), kind: 'unpaid' };
    const recorded = await stack.call('POST', `${base}/leaves`, { token: hrToken, body: leave });
    const movedAnniversary = (recorded.body as { earliestReclassificationDate: string }).earliestReclassificationDate;

    // Bad input changes nothing.
    const extra = await stack.call('POST', `${base}/milestones/m1/retraction`, {
      token: supervisorToken,
      body: { reason: 'x', status: 'pending' },
    });
    expect(extra.status).toBe(400);
    const notSigned = await stack.call('POST', `${base}/milestones/m2/retraction`, {
      token: supervisorToken,
      body: { reason: 'Wrong milestone' },
    });
    expect([notSigned.status, error(notSigned).code]).toEqual([422, 'milestone-not-signed-off']);
    const unknownLeave = await stack.call('POST', `${base}/leaves/cancellations`, {
      token: hrToken,
      body: { from: today(), to: today(), reason: 'Typo' },
    });
    expect([unknownLeave.status, error(unknownLeave).code, error(unknownLeave).issues?.[0]?.path]).toEqual([422, 'unknown-leave', 'from']);

    const retraction = { reason: 'Signed off against the wrong trainee' };
    const retracted = await stack.call('POST', `${base}/milestones/m1/retraction`, { token: supervisorToken, body: retraction });
    expect(retracted.status).toBe(200);
    expect(program(retracted).milestones.find((m) => m.id === 'm1')).toEqual(expect.objectContaining({ status: 'pending' }));
    expect((await stack.call('POST', `${base}/milestones/m1/retraction`, { token: supervisorToken, body: retraction })).status).toBe(200);
    const cancelled = await stack.call('POST', `${base}/leaves/cancellations`, {
      token: hrToken,
      body: { from: leave.from, to: leave.to, reason: 'Entered twice' },
    });
    expect(cancelled.status).toBe(200);
    const anniversary = (cancelled.body as { earliestReclassificationDate: string }).earliestReclassificationDate;
    expect(anniversary < movedAnniversary).toBe(true);

    const log = await eventually(
      () => stack.call('GET', `${base}/events`, { token: hrToken }),
      (r) => (r.body as { items: { type: string }[] }).items.some((e) => e.type === 'leave-cancelled'),
      'the corrections in the event log',
    );
    type Logged = { id: string; type: string; actor: { id: string }; reason?: string; data: { corrects?: string } };
    const items = (log.body as { items: Logged[] }).items;
    const byType = (type: string) => items.filter((e) => e.type === type);
    expect(byType('sign-off-retracted')).toHaveLength(1);
    expect(byType('sign-off-retracted')[0]).toMatchObject({
      actor: { id: supervisorId },
      reason: retraction.reason,
      data: { corrects: byType('milestone-signed-off')[0]?.id },
    });
    expect(byType('leave-cancelled')[0]).toMatchObject({ actor: { id: 'hr-0001' }, data: { corrects: byType('leave-recorded')[0]?.id } });
    // The corrected events are still there, as they were.
    expect(byType('milestone-signed-off')).toHaveLength(1);
    expect(byType('leave-recorded')).toHaveLength(1);
  });
});

describe('a transfer', () => {
  it('moves a program to another agency and supervisor: the new supervisor sees and acts on it, the former one no longer does', async () => {
    const body0 = enrollment(addMonths(today(), -2));
    const created = await enroll(body0);
    const newAgency = uniqueId('AG');
    const newSupervisor = uniqueId('sup');
    await stack.addStaff(newSupervisor);
    const newSupervisorToken = await stack.token(newSupervisor, 'supervisor');
    const path = `/v1/programs/${created.programId}/transfers`;

    // Bad input changes nothing: nothing to change is 400; the trainee as their own supervisor is 422.
    const nothing = await stack.call('POST', path, { token: hrToken, body: { effectiveOn: today() } });
    expect(nothing.status).toBe(400);
    expect(error(nothing).issues?.[0]?.path).toBe('agency');
    // A staff id the directory does not list would leave the notices to them with no address.
    const nobody = await stack.call('POST', path, {
      token: hrToken,
      body: { effectiveOn: today(), supervisorId: uniqueId('sup'), programManagerId: managerId },
    });
    expect([nobody.status, error(nobody).code, error(nobody).issues?.map((i) => i.path)]).toEqual([
      422,
      'unknown-staff-member',
      ['supervisorId'],
    ]);
    // The trainee may be in the directory too (as staff of another program); supervising themselves is still refused.
    await stack.addStaff(body0.trainee.employeeId);
    const self = await stack.call('POST', path, { token: hrToken, body: { effectiveOn: today(), supervisorId: body0.trainee.employeeId } });
    expect([self.status, error(self).code]).toEqual([422, 'supervisor-is-trainee']);
    const future = await stack.call('POST', path, { token: hrToken, body: { effectiveOn: addDays(today(), 1), agency: newAgency } });
    expect([future.status, error(future).code, error(future).issues?.[0]?.path]).toEqual([422, 'date-in-future', 'effectiveOn']);

    const body = { effectiveOn: today(), agency: newAgency, supervisorId: newSupervisor, reason: 'Reassigned to the Department of Labor' };
    const moved = await stack.call('POST', path, { token: hrToken, body });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      agency: newAgency,
      supervisorId: newSupervisor,
      programManagerId: managerId,
      status: created.status,
    });
    expect((await stack.call('POST', path, { token: hrToken, body })).status).toBe(200); // the same transfer again: no second event

    const listed = (token: string, listAgency: string) =>
      stack
        .call('GET', `/v1/programs?agency=${listAgency}&limit=200`, { token })
        .then((r) => (r.body as { items: { programId: string }[] }).items.map((p) => p.programId));
    await eventually(
      () => listed(hrToken, newAgency),
      (ids) => ids.includes(created.programId),
      'the read model to list the program under its new agency',
    );
    expect(await listed(hrToken, agency)).not.toContain(created.programId);
    expect(await listed(newSupervisorToken, newAgency)).toEqual([created.programId]);
    expect(await listed(supervisorToken, newAgency)).toEqual([]);
    expect((await stack.call('GET', `/v1/programs/${created.programId}`, { token: supervisorToken })).status).toBe(404);

    const signOff = (token: string) =>
      stack.call('POST', `/v1/programs/${created.programId}/milestones/m1/sign-off`, { token, body: { signedOn: today() } });
    expect((await signOff(supervisorToken)).status).toBe(403);
    expect((await signOff(newSupervisorToken)).status).toBe(200);

    const events = await eventually(
      () => stack.call('GET', `/v1/programs/${created.programId}/events`, { token: hrToken }),
      (r) => (r.body as { items: { type: string }[] }).items.some((e) => e.type === 'milestone-signed-off'),
      'the sign-off in the event log',
    );
    const items = (events.body as { items: { type: string; actor: unknown; data: unknown }[] }).items;
    expect(items.filter((e) => e.type === 'transferred')).toEqual([
      expect.objectContaining({
        actor: { id: 'hr-0001', role: 'hr' },
        data: {
          effectiveOn: today(),
          from: { agency, supervisorId, programManagerId: managerId },
          to: { agency: newAgency, supervisorId: newSupervisor, programManagerId: managerId },
        },
      }),
    ]);
    expect(items.find((e) => e.type === 'milestone-signed-off')?.actor).toEqual({ id: newSupervisor, role: 'supervisor' });
  });
});

describe('input', () => {
  it('rejects extra fields such as status or supervisorId in a sign-off with 400, and changes nothing', async () => {
    const created = await enroll(enrollment(today()));
    const before = await stack.programs.show(created.programId);
    for (const extra of [{ status: 'signed-off' }, { supervisorId: 'sup-intruder' }, { signedOffBy: 'sup-intruder' }]) {
      const response = await stack.call('POST', `/v1/programs/${created.programId}/milestones/m1/sign-off`, {
        token: supervisorToken,
        body: { signedOn: today(), ...extra },
      });
      expect(response.status).toBe(400);
      expect(error(response)).toMatchObject({ code: 'invalid-input', issues: [{ path: Object.keys(extra)[0] }] });
    }
    const after = await stack.programs.show(created.programId);
    expect(after.version).toBe(before.version);
    expect(after.milestones.find((m) => m.id === 'm1')?.status).toBe('pending');
    expect(await eventTypes(created.programId)).not.toContain('milestone-signed-off');
  });

  it('names the field of a schema error, and the rule of a rule violation with 422', async () => {
    const bad = await stack.call('POST', '/v1/programs', {
      token: hrToken,
      body: { ...enrollment(today()), trainee: { employeeId: 'E1', name: 'A', email: 'not-an-email' } },
    });
    expect(bad.status).toBe(400);
    expect(error(bad).issues).toEqual([expect.objectContaining({ path: 'trainee.email' })]);

    const base = enrollment(today());
    const tooLong = await stack.call('POST', '/v1/programs', {
      token: hrToken,
      body: { ...base, schedule: { ...base.schedule, plannedEndDate: addMonths(today(), 37) } },
    });
    expect(tooLong.status).toBe(422);
    expect(error(tooLong)).toMatchObject({
      code: 'exceeds-statutory-maximum',
      issues: [{ path: 'schedule.plannedEndDate', code: 'exceeds-statutory-maximum' }],
    });

    const created = await enroll(enrollment(today()));
    const pastCap = await stack.call('POST', `/v1/programs/${created.programId}/schedule-amendments`, {
      token: dasToken,
      body: { dasApprovalRef: 'DAS-AMEND-1', approvedOn: today(), plannedEndDate: addMonths(today(), 40) },
    });
    expect(pastCap.status).toBe(422);
    expect(error(pastCap).code).toBe('exceeds-statutory-maximum');
    const tooShort = await stack.call('POST', `/v1/programs/${created.programId}/schedule-amendments`, {
      token: dasToken,
      body: {
        dasApprovalRef: 'DAS-AMEND-2',
        approvedOn: today(),
        plannedEndDate: addMonths(today(), 6),
        milestones: [{ id: 'm1', title: 'Only one', dueDate: addMonths(today(), 3) }],
      },
    });
    expect(tooShort.status).toBe(422);
    expect(error(tooShort).code).toBe('below-minimum-length');
    const amended = await stack.call('POST', `/v1/programs/${created.programId}/schedule-amendments`, {
      token: dasToken,
      body: { dasApprovalRef: 'DAS-AMEND-3', approvedOn: today(), plannedEndDate: addMonths(today(), 24) },
    });
    expect(amended.status).toBe(200);
    expect(amended.body).toMatchObject({ schedule: { dasApprovalRef: 'DAS-AMEND-3', plannedEndDate: addMonths(today(), 24) } });

    const unknown = await stack.call('POST', `/v1/programs/${created.programId}/milestones/m9/sign-off`, {
      token: supervisorToken,
      body: { signedOn: today() },
    });
    expect(unknown.status).toBe(422);
    expect(error(unknown)).toMatchObject({ code: 'unknown-milestone', issues: [{ path: 'milestoneId' }] });
  });

  it('signs off the same milestone twice with 200 and one event', async () => {
    const created = await enroll(enrollment(today()));
    const path = `/v1/programs/${created.programId}/milestones/m1/sign-off`;
    const first = await stack.call('POST', path, { token: supervisorToken, body: { signedOn: today() } });
    const again = await stack.call('POST', path, { token: supervisorToken, body: { signedOn: today() } });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(program(again).version).toBe(program(first).version);
    const types = await eventually(
      () => eventTypes(created.programId),
      (t) => t.includes('milestone-signed-off'),
      'the sign-off',
    );
    expect(types.filter((t) => t === 'milestone-signed-off')).toHaveLength(1);
  });

  it('gives one program for the same Idempotency-Key twice, and 409 for another enrollment under that key', async () => {
    const key = uniqueId('enroll');
    const body = enrollment(today());
    const first = await stack.call('POST', '/v1/programs', { token: hrToken, body, headers: { 'idempotency-key': key } });
    const again = await stack.call('POST', '/v1/programs', { token: hrToken, body, headers: { 'idempotency-key': key } });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(program(again).programId).toBe(program(first).programId);
    const types = await eventually(
      () => eventTypes(program(first).programId),
      (t) => t.includes('schedule-approved'),
      'the enrollment',
    );
    expect(types.filter((t) => t === 'enrolled')).toHaveLength(1);

    const other = await stack.call('POST', '/v1/programs', {
      token: hrToken,
      body: enrollment(today()),
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(409);
    expect(error(other).code).toBe('idempotency-key-reused');
    const badKey = await stack.call('POST', '/v1/programs', { token: hrToken, body, headers: { 'idempotency-key': 'has spaces' } });
    expect(badKey.status).toBe(400);
    expect(error(badKey).issues?.[0]?.path).toBe('idempotency-key');
  });

  it('keeps one open program per employee (decision 5): the same trainee twice without a key is 409 naming the open program, and allowed again once it closes', async () => {
    const body = enrollment(today());
    const [first, second] = await Promise.all([
      stack.call('POST', '/v1/programs', { token: hrToken, body }),
      stack.call('POST', '/v1/programs', { token: hrToken, body }),
    ]);
    // Sent at once, one wins the reservation and the other is refused: never two programs.
    expect([first.status, second.status].sort()).toEqual([201, 409]);
    const [created, refused] = first.status === 201 ? [first, second] : [second, first];
    const open = program(created).programId;
    expect(error(refused)).toMatchObject({ code: 'trainee-already-enrolled' });
    expect(error(refused).message).toContain(open);
    const later = await stack.call('POST', '/v1/programs', { token: hrToken, body });
    expect([later.status, error(later).code]).toEqual([409, 'trainee-already-enrolled']);

    const ended = await stack.call('POST', `/v1/programs/${open}/withdrawal`, {
      token: hrToken,
      body: { effectiveOn: today(), reason: 'Resigned' },
    });
    expect(program(ended).status).toBe('ended');
    await eventually(
      () => stack.programs.handle(open).describe(),
      (d) => d.status.name === 'COMPLETED',
      'the program to close',
    );
    const again = await stack.call('POST', '/v1/programs', { token: hrToken, body });
    expect(again.status).toBe(201);
    expect(program(again).programId).not.toBe(open);
  });

  it('refuses bodies that are too large, of another media type, or not JSON, with 4xx', async () => {
    const created = await enroll(enrollment(today()));
    const path = `/v1/programs/${created.programId}/withdrawal`;
    const huge = await stack.call('POST', path, { token: hrToken, body: { effectiveOn: today(), reason: 'x'.repeat(300_000) } });
    expect(huge.status).toBe(413);
    expect(error(huge).code).toBe('payload-too-large');
    const text = await stack.call('POST', path, { token: hrToken, body: 'effectiveOn=today', contentType: 'text/plain' });
    expect(text.status).toBe(415);
    const broken = await stack.call('POST', path, { token: hrToken, body: '{"effectiveOn": ', contentType: 'application/json' });
    expect(broken.status).toBe(400);
    expect(error(broken).code).toBe('malformed-body');
    const empty = await stack.call('POST', path, { token: hrToken, body: '', contentType: 'application/json' });
    expect(empty.status).toBe(400);
    const prototype = await stack.call('POST', path, {
      token: hrToken,
      body: '{"__proto__": {"admin": true}}',
      contentType: 'application/json',
    });
    expect(prototype.status).toBe(400);
  });
});

describe('listing', () => {
  it('filters and pages, refuses an altered cursor and a page past the cap', async () => {
    const listAgency = uniqueId('LIST');
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add((await enroll(enrollment(addDays(today(), -i), { agency: listAgency }))).programId);
    const page = (query: string) => stack.call('GET', `/v1/programs?agency=${listAgency}&${query}`, { token: hrToken });
    const items = (r: ApiResponse) => r.body as { items: { programId: string }[]; nextCursor: string | null };
    await eventually(
      () => page('limit=200'),
      (r) => items(r).items.length === 3,
      'the read model to list three programs',
    );

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response: ApiResponse = await page(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      seen.push(...items(response).items.map((p) => p.programId));
      cursor = items(response).nextCursor;
    } while (cursor);
    expect(new Set(seen)).toEqual(ids);
    expect(seen).toHaveLength(3);

    expect(items(await page('targetClass=LRPM')).items).toEqual([]);
    const all = (items(await page('limit=200')).items as unknown as { programId: string; latestCompletionDate: string }[])
      .map((p) => p.latestCompletionDate)
      .sort();
    const capBefore = all[2] ?? '';
    expect(all[0]).not.toBe(capBefore); // three appointments a day apart: three latest completion dates
    expect(items(await page(`capBefore=${capBefore}`)).items).toHaveLength(2);
    const altered = await page('cursor=bm90LWEtY3Vyc29y');
    expect(altered.status).toBe(400);
    expect(error(altered).code).toBe('invalid-cursor');
    const tooMany = await page('limit=1000');
    expect(tooMany.status).toBe(400);
    expect(error(tooMany).issues?.[0]?.path).toBe('limit');
    expect((await page('colour=blue')).status).toBe(400);
    expect((await page('status=asleep')).status).toBe(400);
  });
});

describe('bulk import', () => {
  const header = IMPORT_CSV_COLUMNS.join(',');
  const csvRow = importCsvRow;

  type ImportBody = {
    results: { row: number; status: string; programId?: string; error?: { code: string; issues?: { path: string }[] } }[];
    summary: Record<string, number>;
  };

  it('reports a malformed CSV row while the other rows are enrolled, and re-running duplicates nothing', async () => {
    const good = [enrollment(today()), enrollment(today()), enrollment(today())];
    const malformed = csvRow(enrollment(today())).replace(today(), '2026-02-30'); // no such date
    const shortRow = 'E-short,"Only Three",fields';
    const partTime = csvRow(enrollment(today(), { hoursPerWeek: 35 }));
    const csv = [header, csvRow(good[0]!), malformed, csvRow(good[1]!), shortRow, partTime, csvRow(good[2]!)].join('\n');

    const first = await stack.call('POST', '/v1/programs/import', { token: hrToken, body: csv, contentType: 'text/csv' });
    expect(first.status).toBe(200);
    const { results, summary } = first.body as ImportBody;
    expect(results.map((r) => [r.row, r.status])).toEqual([
      [1, 'created'],
      [2, 'invalid'],
      [3, 'created'],
      [4, 'invalid'],
      [5, 'rejected'],
      [6, 'created'],
    ]);
    expect(results[1]?.error?.issues?.[0]?.path).toBe('appointmentDate');
    expect(results[3]?.error?.code).toBe('invalid-csv-row');
    expect(results[4]?.error?.code).toBe('not-full-time');
    expect(summary).toEqual({ rows: 6, created: 3, alreadyEnrolled: 0, invalid: 2, rejected: 1, failed: 0 });
    for (const created of results.filter((r) => r.status === 'created')) {
      const read = await stack.call('GET', `/v1/programs/${created.programId}`, { token: hrToken });
      expect(read.status).toBe(200);
    }

    const again = await stack.call('POST', '/v1/programs/import', { token: hrToken, body: csv, contentType: 'text/csv; charset=utf-8' });
    const rerun = (again.body as ImportBody).results;
    expect(rerun.map((r) => r.status)).toEqual([
      'already-enrolled',
      'invalid',
      'already-enrolled',
      'invalid',
      'rejected',
      'already-enrolled',
    ]);
    expect(rerun.filter((r) => r.programId).map((r) => r.programId)).toEqual(results.filter((r) => r.programId).map((r) => r.programId));
  });

  it('imports a JSON array the same way, and refuses a CSV whose header is wrong', async () => {
    const rows = [enrollment(today()), { ...enrollment(today()), status: 'reclassified' }];
    const response = await stack.call('POST', '/v1/programs/import', { token: hrToken, body: rows });
    expect(response.status).toBe(200);
    expect((response.body as ImportBody).results.map((r) => r.status)).toEqual(['created', 'invalid']);
    expect((response.body as ImportBody).results[1]?.error?.issues?.[0]?.path).toBe('status');

    const badHeader = await stack.call('POST', '/v1/programs/import', {
      token: hrToken,
      body: `${header.replace('agency', 'agencyName')}\n${csvRow(enrollment(today()))}`,
      contentType: 'text/csv',
    });
    expect(badHeader.status).toBe(400);
    expect(error(badHeader).code).toBe('invalid-csv-header');
    expect((await stack.call('POST', '/v1/programs/import', { token: hrToken, body: { not: 'an array' } })).status).toBe(400);
    expect((await stack.call('POST', '/v1/programs/import', { token: hrToken, body: [] })).status).toBe(400);
  });

  it('reports an unclosed quote as one unreadable row after the rows before it', async () => {
    const before = enrollment(today());
    const csv = [header, csvRow(before), `E-broken,"Unclosed name,${'x,'.repeat(16)}x`].join('\n');
    const response = await stack.call('POST', '/v1/programs/import', { token: hrToken, body: csv, contentType: 'text/csv' });
    expect(response.status).toBe(200);
    expect((response.body as ImportBody).results.map((r) => [r.row, r.status])).toEqual([
      [1, 'created'],
      [2, 'invalid'],
    ]);
  });
});
