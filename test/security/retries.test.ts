/**
 * Retries that never apply twice and edits that never overwrite each other (shared/API.md 1.1),
 * against the real stack: a late retry of a correction or a transfer under its Idempotency-Key
 * changes nothing, even after the program moved on; a command with a stale If-Match is a 412 and
 * changes nothing. Each is checked through the API and in the event log (program_events).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths } from '../../domain/dates.js';
import type { EnrollmentInput } from '../../domain/schemas.js';
import { enrollmentFixture } from '../integration/harness.js';
import { eventually, startApiStack, today, uniqueId, type ApiResponse, type ApiStack } from '../api/harness.js';

let stack: ApiStack;
let hr: string;
let supervisor: string;
const supervisorId = uniqueId('sup');
const managerId = uniqueId('pm');

type Program = {
  programId: string;
  version: number;
  supervisorId: string;
  milestones: { id: string; status: string }[];
  earliestReclassificationDate: string;
};
const program = (response: ApiResponse): Program => response.body as Program;
const errorOf = (response: ApiResponse) => (response.body as { error: { code: string; issues?: { path: string }[] } }).error;

beforeAll(async () => {
  stack = await startApiStack();
  await stack.addStaff(supervisorId, managerId);
  hr = await stack.token('hr-0001', 'hr');
  supervisor = await stack.token(supervisorId, 'supervisor');
});

afterAll(async () => {
  await stack?.stop();
});

async function enroll(): Promise<Program> {
  const base = enrollmentFixture(addMonths(today(), -8), { supervisorId, programManagerId: managerId });
  const body: EnrollmentInput = { ...base, trainee: { ...base.trainee, employeeId: uniqueId('E') } };
  const created = await stack.call('POST', '/v1/programs', { token: hr, body });
  expect(created.status).toBe(201);
  return program(created);
}

/** The event types recorded for the program, once the log has caught up with the program's version. */
async function loggedTypes(programId: string, version: number): Promise<string[]> {
  const { rows } = await eventually(
    () => stack.db.query<{ type: string }>('SELECT type FROM program_events WHERE program_id = $1 ORDER BY version', [programId]),
    (result) => result.rows.length >= version,
    `program_events up to version ${version}`,
  );
  return rows.map((r) => r.type);
}

const count = (types: string[], type: string): number => types.filter((t) => t === type).length;

describe('a late retry under its Idempotency-Key', () => {
  it('of a retraction, after the milestone was signed off again, gives the first answer and retracts nothing', async () => {
    const { programId } = await enroll();
    const base = `/v1/programs/${programId}`;
    const signOff = { signedOn: today() };
    expect((await stack.call('POST', `${base}/milestones/m1/sign-off`, { token: supervisor, body: signOff })).status).toBe(200);
    const retract = { token: hr, body: { reason: 'Signed off in error' }, headers: { 'idempotency-key': uniqueId('retract') } };
    const first = await stack.call('POST', `${base}/milestones/m1/retraction`, retract);
    expect(first.status).toBe(200);
    const again = await stack.call('POST', `${base}/milestones/m1/sign-off`, { token: supervisor, body: signOff });
    expect(program(again).milestones.find((m) => m.id === 'm1')?.status).toBe('signed-off');

    const retried = await stack.call('POST', `${base}/milestones/m1/retraction`, retract);
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(first.body);
    // Even with the API's record of the answer lost, Temporal knows the Update by its id and applies nothing.
    await stack.db.query('UPDATE idempotency_keys SET status = NULL WHERE key = $1', [retract.headers['idempotency-key']]);
    const retriedAgain = await stack.call('POST', `${base}/milestones/m1/retraction`, retract);
    expect(retriedAgain.status).toBe(200);
    const now = await stack.programs.show(programId);
    expect(now.milestones.find((m) => m.id === 'm1')?.status).toBe('signed-off');
    expect(now.version).toBe(program(again).version);
    const types = await loggedTypes(programId, now.version);
    expect(count(types, 'sign-off-retracted')).toBe(1);
    expect(count(types, 'milestone-signed-off')).toBe(2);
  });

  it('of a leave cancellation, after the leave was recorded again, cancels nothing', async () => {
    const { programId } = await enroll();
    const base = `/v1/programs/${programId}`;
    const leave = { from: addDays(today(), -20), to: addDays(today(), -10), kind: 'unpaid' };
    expect((await stack.call('POST', `${base}/leaves`, { token: hr, body: leave })).status).toBe(200);
    const cancel = {
      token: hr,
      body: { from: leave.from, to: leave.to, reason: 'Entered for the wrong trainee' },
      headers: { 'idempotency-key': uniqueId('cancel') },
    };
    expect((await stack.call('POST', `${base}/leaves/cancellations`, cancel)).status).toBe(200);
    const recordedAgain = await stack.call('POST', `${base}/leaves`, { token: hr, body: leave });
    expect(recordedAgain.status).toBe(200);
    const anniversary = program(recordedAgain).earliestReclassificationDate;

    expect((await stack.call('POST', `${base}/leaves/cancellations`, cancel)).status).toBe(200);
    const shown = await eventually(
      () => stack.call('GET', base, { token: hr }),
      (r) => program(r).version >= program(recordedAgain).version,
      'the read model at the second leave',
    );
    expect(program(shown).earliestReclassificationDate).toBe(anniversary);
    const types = await loggedTypes(programId, program(recordedAgain).version);
    expect(count(types, 'leave-cancelled')).toBe(1);
    expect(count(types, 'leave-recorded')).toBe(2);
    expect(types.at(-1)).not.toBe('leave-cancelled');
  });

  it('of a transfer, after the trainee was moved back, moves nobody', async () => {
    const { programId } = await enroll();
    const path = `/v1/programs/${programId}/transfers`;
    const otherSupervisor = uniqueId('sup');
    await stack.addStaff(otherSupervisor);
    const away = {
      token: hr,
      body: { effectiveOn: today(), supervisorId: otherSupervisor, reason: 'Reassigned' },
      headers: { 'idempotency-key': uniqueId('transfer') },
    };
    expect(program(await stack.call('POST', path, away)).supervisorId).toBe(otherSupervisor);
    const back = await stack.call('POST', path, {
      token: hr,
      body: { effectiveOn: today(), supervisorId, reason: 'Reassignment withdrawn' },
    });
    expect(program(back).supervisorId).toBe(supervisorId);

    expect((await stack.call('POST', path, away)).status).toBe(200);
    const current = await stack.programs.show(programId);
    expect(current.supervisorId).toBe(supervisorId);
    expect(current.version).toBe(program(back).version);
    expect(count(await loggedTypes(programId, current.version), 'transferred')).toBe(2);
  });
});

describe('an Idempotency-Key used again with another body', () => {
  it('is a 409 idempotency-key-reused on enrollment and on a command, and changes nothing', async () => {
    const key = uniqueId('enroll');
    const base = enrollmentFixture(addMonths(today(), -1), { supervisorId, programManagerId: managerId });
    const body: EnrollmentInput = { ...base, trainee: { ...base.trainee, employeeId: uniqueId('E') } };
    const first = await stack.call('POST', '/v1/programs', { token: hr, body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    const same = await stack.call('POST', '/v1/programs', { token: hr, body, headers: { 'idempotency-key': key } });
    expect([same.status, program(same).programId]).toEqual([201, program(first).programId]);
    // The same trainee, appointment and class with a changed name: today's code answered 201 and dropped the change.
    const changed = { ...body, trainee: { ...body.trainee, name: 'Someone Else' } };
    const reused = await stack.call('POST', '/v1/programs', { token: hr, body: changed, headers: { 'idempotency-key': key } });
    expect([reused.status, errorOf(reused).code]).toEqual([409, 'idempotency-key-reused']);
    expect(errorOf(reused).issues?.[0]?.path).toBe('Idempotency-Key');

    const commandKey = uniqueId('leave');
    const leavePath = `/v1/programs/${program(first).programId}/leaves`;
    const leave = { from: addDays(today(), -3), to: addDays(today(), -2), kind: 'sick' };
    expect((await stack.call('POST', leavePath, { token: hr, body: leave, headers: { 'idempotency-key': commandKey } })).status).toBe(200);
    const other = await stack.call('POST', leavePath, {
      token: hr,
      body: { ...leave, kind: 'unpaid' },
      headers: { 'idempotency-key': commandKey },
    });
    expect([other.status, errorOf(other).code]).toEqual([409, 'idempotency-key-reused']);
    const after = await stack.programs.show(program(first).programId);
    const types = await loggedTypes(after.programId, after.version);
    expect(count(types, 'leave-recorded')).toBe(1);
  });
});

describe('If-Match', () => {
  it('applies a command at the ETag’s version, and refuses a stale one with 412 version-mismatch, changing nothing', async () => {
    const { programId } = await enroll();
    const base = `/v1/programs/${programId}`;
    const read = await eventually(
      () => stack.call('GET', base, { token: supervisor }),
      (r) => r.status === 200,
      'the program in the read model',
    );
    const etag = read.headers.get('etag');
    expect(etag).toBe(`"${program(read).version}"`);

    const first = await stack.call('POST', `${base}/milestones/m1/sign-off`, {
      token: supervisor,
      body: { signedOn: today() },
      headers: { 'if-match': etag ?? '' },
    });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe(`"${program(first).version}"`);
    // A second person, with the page they opened before the first sign-off.
    const stale = await stack.call('POST', `${base}/milestones/m2/sign-off`, {
      token: supervisor,
      body: { signedOn: today() },
      headers: { 'if-match': etag ?? '' },
    });
    expect([stale.status, errorOf(stale).code]).toEqual([412, 'version-mismatch']);

    const now = await stack.programs.show(programId);
    expect(now.version).toBe(program(first).version);
    expect(now.milestones.find((m) => m.id === 'm2')?.status).not.toBe('signed-off');
    const types = await loggedTypes(programId, now.version);
    expect(count(types, 'milestone-signed-off')).toBe(1);
    const fresh = await stack.call('POST', `${base}/milestones/m2/sign-off`, {
      token: supervisor,
      body: { signedOn: today() },
      headers: { 'if-match': `"${now.version}"` },
    });
    expect(fresh.status).toBe(200);
  });
});

describe('an imported program’s id', () => {
  it('is not a hash anyone can recompute from the employee id, appointment date and class, and the same row again finds it', async () => {
    const base = enrollmentFixture(addMonths(today(), -1), { supervisorId, programManagerId: managerId });
    const row: EnrollmentInput = { ...base, trainee: { ...base.trainee, employeeId: uniqueId('E') } };
    const imported = await stack.call('POST', '/v1/programs/import', { token: hr, body: [row] });
    const [result] = (imported.body as { results: { status: string; programId: string }[] }).results;
    expect(result?.status).toBe('created');
    const unsalted = `p-${createHash('sha256').update(`import:${row.trainee.employeeId}:${row.appointmentDate}:${row.targetClassCode}`).digest('hex').slice(0, 32)}`;
    expect(result?.programId).not.toBe(unsalted);
    const again = await stack.call('POST', '/v1/programs/import', { token: hr, body: [row] });
    expect((again.body as { results: { status: string; programId: string }[] }).results[0]).toEqual({
      row: 1,
      status: 'already-enrolled',
      programId: result?.programId,
      trainee: { employeeId: row.trainee.employeeId, name: row.trainee.name },
    });
  });
});

describe('HR of some agencies (the agencies claim)', () => {
  it('lists, reads and acts on its agencies’ programs only: 404 to read another’s, 403 to act on it or enroll in it', async () => {
    const mine = uniqueId('AGA');
    const theirs = uniqueId('AGB');
    const enrollIn = async (agency: string) => {
      const base = enrollmentFixture(addMonths(today(), -1), { agency, supervisorId, programManagerId: managerId });
      const created = await stack.call('POST', '/v1/programs', {
        token: hr,
        body: { ...base, trainee: { ...base.trainee, employeeId: uniqueId('E') } },
      });
      return program(created).programId;
    };
    const [ownId, otherId] = [await enrollIn(mine), await enrollIn(theirs)];
    const { mintToken } = await import('../../api/auth.js');
    const agencyHr = await mintToken(stack.secret, { sub: 'hr-agency-0001', roles: ['hr'], ttl: '1h', agencies: [mine] });

    const listed = await eventually(
      () => stack.call('GET', `/v1/programs?agency=${mine}`, { token: agencyHr }),
      (r) => (r.body as { items: unknown[] }).items.length === 1,
      'the own agency’s program listed',
    );
    expect((listed.body as { items: { programId: string }[] }).items.map((p) => p.programId)).toEqual([ownId]);
    await eventually(
      () => stack.call('GET', `/v1/programs/${otherId}`, { token: hr }),
      (r) => r.status === 200,
      'the other program projected',
    );
    expect((await stack.call('GET', `/v1/programs?agency=${theirs}`, { token: agencyHr })).body).toMatchObject({ items: [] });
    expect((await stack.call('GET', `/v1/programs/${otherId}`, { token: agencyHr })).status).toBe(404);
    expect((await stack.call('GET', `/v1/programs/${ownId}`, { token: agencyHr })).status).toBe(200);
    const leave = { from: addDays(today(), -3), to: addDays(today(), -2), kind: 'sick' };
    expect((await stack.call('POST', `/v1/programs/${otherId}/leaves`, { token: agencyHr, body: leave })).status).toBe(403);
    expect((await stack.call('POST', `/v1/programs/${ownId}/leaves`, { token: agencyHr, body: leave })).status).toBe(200);
    const base = enrollmentFixture(addMonths(today(), -1), { agency: theirs, supervisorId, programManagerId: managerId });
    expect(
      (
        await stack.call('POST', '/v1/programs', {
          token: agencyHr,
          body: { ...base, trainee: { ...base.trainee, employeeId: uniqueId('E') } },
        })
      ).status,
    ).toBe(403);
  });
});
