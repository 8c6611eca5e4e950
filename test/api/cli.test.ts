/**
 * The command line's API-facing commands end to end: `token` signs what the API accepts, `import`
 * goes over HTTP with a progress bar and is safe to run again, `list` reads the read model.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, runCli } from '../../client/cli.js';
import type { EnrollmentInput } from '../../domain/schemas.js';
import { enrollmentFixture } from '../integration/harness.js';
import { eventually, startApiStack, today, uniqueId, type ApiStack } from './harness.js';

const execFileAsync = promisify(execFile);

let stack: ApiStack;
let dir: string;
const agency = uniqueId('CLI');

beforeAll(async () => {
  [stack, dir] = await Promise.all([startApiStack(), mkdtemp(join(tmpdir(), 'lap-cli-'))]);
});

afterAll(async () => {
  await stack?.stop();
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const progress = new PassThrough();
  const drawn: string[] = [];
  progress.on('data', (chunk: Buffer) => drawn.push(chunk.toString()));
  const code = await runCli(argv, stack.programs, stack.db, { out: (l) => out.push(l), err: (l) => err.push(l) }, { apiUrl: stack.baseUrl, authSecret: stack.secret, progress });
  return { code, out: out.join('\n'), err: err.join('\n'), progress: drawn.join('') };
}

const HEADER =
  'trainee.employeeId,trainee.name,trainee.email,agency,functionalRole,targetClassCode,supervisorId,programManagerId,appointmentDate,hoursPerWeek,schedule.dasApprovalRef,schedule.approvedOn,schedule.plannedEndDate,schedule.milestones,priorExperience.generalYears,priorExperience.specialYears,education.semesterHours,education.degrees';

const csvRow = (e: EnrollmentInput): string =>
  [
    e.trainee.employeeId, `"${e.trainee.name}"`, e.trainee.email, e.agency, `"${e.functionalRole}"`, e.targetClassCode, e.supervisorId,
    e.programManagerId, e.appointmentDate, e.hoursPerWeek, e.schedule.dasApprovalRef, e.schedule.approvedOn, e.schedule.plannedEndDate,
    `"${e.schedule.milestones.map((m) => `${m.id}|${m.title}|${m.dueDate}`).join(';')}"`,
    e.priorExperience.generalYears, e.priorExperience.specialYears, e.education.semesterHours, e.education.degrees.join(';'),
  ].join(',');

describe('the command line over the API', () => {
  it('previews an enrollment file: every rule it breaks, and the program as it would be, with nothing started', async () => {
    const fixture = enrollmentFixture(today());
    const file = join(dir, 'preview.json');
    await writeFile(file, JSON.stringify({ ...fixture, programManagerId: fixture.trainee.employeeId }));
    const previewed = await run('preview', file, '--as', 'hr-0001');
    expect(previewed.code).toBe(EXIT.rule);
    expect(previewed.out).toContain('supervisor-is-trainee (programManagerId)');
    expect(previewed.out).toContain('checklist');
    const json = JSON.parse((await run('preview', file, '--as', 'hr-0001', '--json')).out) as { violations: unknown[]; program: { programId: string } };
    expect(json.violations).toHaveLength(1);
    expect(json.program.programId).toBe('preview');
  });

  it('shows a program with its reclassification checklist and the day it would be reclassified', async () => {
    const { programId } = await stack.programs.enroll(enrollmentFixture(today()), { id: 'hr-0001', role: 'hr' });
    const shown = await run('show', programId);
    expect(shown.code).toBe(EXIT.ok);
    expect(shown.out).toContain('checklist');
    expect(shown.out).toMatch(/\[ \] milestones-signed-off\s+Open: m1 \(due/);
    expect(shown.out).toMatch(/\[ \] service-rated-satisfactory\s+No service rating yet/);
    expect(shown.out).toMatch(/\[ \] minimum-period-served\s+The minimum period is served on \d{4}-\d{2}-\d{2}/);
    expect(shown.out).toMatch(/reclassifies on\s+\d{4}-\d{2}-\d{2} \(if the rest is done in time\)/);
  });

  it('runs as compiled JavaScript under plain node (npm run cli): a program shown from its workflow', async () => {
    await execFileAsync(process.execPath, ['--import', 'tsx', 'client/build-cli.ts']);
    const { programId } = await stack.programs.enroll(enrollmentFixture(today()), { id: 'hr-0001', role: 'hr' });
    const env = { PATH: process.env.PATH, APP_ENV: 'development', TEMPORAL_ADDRESS: stack.env.address, DATABASE_URL: process.env.TEST_DATABASE_URL };
    const { stdout } = await execFileAsync(process.execPath, ['dist/cli/cli.mjs', 'show', programId, '--json'], { env });
    expect(JSON.parse(stdout)).toMatchObject({ programId, status: 'active', version: expect.any(Number) });
  });

  it('mints a token the API accepts, for the roles asked', async () => {
    const minted = await run('token', '--sub', 'hr-0042', '--role', 'hr', '--role', 'auditor', '--ttl', '10m', '--json');
    expect(minted.code).toBe(EXIT.ok);
    const { token, roles } = JSON.parse(minted.out) as { token: string; roles: string[] };
    expect(roles).toEqual(['hr', 'auditor']);
    expect((await stack.call('GET', '/v1/target-classes', { token })).status).toBe(200);

    expect((await run('token', '--sub', 'hr-0042', '--role', 'root')).code).toBe(EXIT.invalid);
    expect((await run('token', '--role', 'hr')).code).toBe(EXIT.invalid);
    expect((await run('token', '--sub', 'hr-0042', '--role', 'hr', '--ttl', 'a while')).code).toBe(EXIT.invalid);
  });

  it('imports a CSV file in chunks with a progress bar, reports the bad row, and runs again without duplicates', async () => {
    const rows = Array.from({ length: 7 }, () => csvRow(enrollmentFixture(today(), { agency })));
    rows.splice(3, 0, csvRow(enrollmentFixture(today(), { agency })).replace(',40,', ',forty,'));
    const file = join(dir, 'trainees.csv');
    await writeFile(file, [HEADER, ...rows].join('\n'));

    const first = await run('import', file, '--as', 'hr-0001', '--chunk-size', '3');
    expect(first.code).toBe(EXIT.invalid);
    expect(first.progress).toMatch(/importing .* 8\/8 rows/);
    const lines = first.out.split('\n');
    expect(lines[0]).toMatch(/^row\s+status\s+program\s+problem$/);
    expect(lines.filter((l) => /^\d+\s+created\s+p-/.test(l))).toHaveLength(7);
    expect(lines.find((l) => l.startsWith('4 '))).toMatch(/^4\s+invalid\s+invalid-input; hoursPerWeek: /);
    expect(first.out).toContain('7 created, 0 already enrolled, 1 invalid, 0 rejected, 0 failed');

    const again = await run('import', file, '--as', 'hr-0001', '--chunk-size', '5', '--json');
    expect(again.code).toBe(EXIT.invalid);
    const { summary } = JSON.parse(again.out) as { summary: Record<string, number> };
    expect(summary).toEqual({ rows: 8, created: 0, alreadyEnrolled: 7, invalid: 1, rejected: 0, failed: 0 });
  });

  it('imports a JSON file, and says what is wrong when it cannot', async () => {
    const file = join(dir, 'trainees.json');
    await writeFile(file, JSON.stringify([enrollmentFixture(today(), { agency }), enrollmentFixture(today(), { agency, hoursPerWeek: 20 })]));
    const imported = await run('import', file, '--as', 'hr-0001');
    expect(imported.code).toBe(EXIT.rule);
    expect(imported.out).toMatch(/2\s+rejected\s+not-full-time/);

    expect((await run('import', file)).code).toBe(EXIT.invalid); // no --as, no --token
    const forbidden = await run('import', file, '--token', await stack.token('sup-1', 'supervisor'));
    expect(forbidden.code).toBe(EXIT.failure);
    expect(forbidden.err).toContain('403 forbidden');
    expect((await run('import', join(dir, 'missing.csv'), '--as', 'hr-0001')).code).toBe(EXIT.invalid);
  });

  it('lists programs as a table, or as JSON, with filters and pages', async () => {
    await eventually(
      async () => (await run('list', '--agency', agency, '--json')).out,
      (out) => (JSON.parse(out) as { items: unknown[] }).items.length >= 8,
      'the read model to hold the imported programs',
    );
    const table = await run('list', '--agency', agency, '--limit', '3');
    expect(table.code).toBe(EXIT.ok);
    const [header, rule, ...rest] = table.out.split('\n');
    expect(header).toMatch(/^program\s+status\s+agency\s+class\s+appointed\s+earliest\s+latest\s+signed$/);
    expect(rule).toMatch(/^-+/);
    expect(rest.filter((l) => l.startsWith('p-'))).toHaveLength(3);
    expect(table.out).toMatch(/more: --cursor \S+/);

    expect((await run('list', '--status', 'sleeping')).code).toBe(EXIT.invalid);
    expect((await run('list', '--limit', '1000')).code).toBe(EXIT.invalid);
    expect((await run('list', '--cursor', 'not-a-cursor')).code).toBe(EXIT.invalid);
  });
});
