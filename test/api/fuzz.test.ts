/**
 * Arbitrary JSON at every write endpoint, sent by a caller the endpoint accepts (so it gets past
 * authorization to the parsers, the schemas and the rules): never a 5xx, never a stack trace, and
 * every answer one the OpenAPI document names (the harness checks each response against it).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths } from '../../domain/dates.js';
import type { EnrollmentInput } from '../../domain/schemas.js';
import { enrollmentFixture } from '../integration/harness.js';
import { eventually, startApiStack, today, uniqueId, type ApiResponse, type ApiStack } from './harness.js';

let stack: ApiStack;
const supervisorId = uniqueId('sup');
const traineeId = uniqueId('E');
const tokens: Record<'hr' | 'supervisor' | 'das' | 'trainee', string> = { hr: '', supervisor: '', das: '', trainee: '' };
/** A program of each endpoint's own, so one fuzzed withdrawal does not close another's target. */
const programs = new Map<string, string>();
/** Every program a fuzzed enrollment or import created: each must reach the event log. */
const accepted = new Set<string>();

const enrollment = (): EnrollmentInput => enrollmentFixture(today(), { supervisorId, agency: uniqueId('FUZZ') });

interface WriteEndpoint {
  name: string;
  path: (programId: string) => string;
  role: keyof typeof tokens;
  valid: () => Record<string, unknown>;
}

const ENDPOINTS: WriteEndpoint[] = [
  { name: 'POST /v1/programs', path: () => '/v1/programs', role: 'hr', valid: () => ({ ...enrollment() }) },
  { name: 'POST /v1/programs/import', path: () => '/v1/programs/import', role: 'hr', valid: () => ({ ...enrollment() }) },
  {
    name: 'POST …/sign-off',
    path: (id) => `/v1/programs/${id}/milestones/m1/sign-off`,
    role: 'supervisor',
    valid: () => ({ signedOn: today(), comments: 'ok' }),
  },
  {
    name: 'POST …/schedule-amendments',
    path: (id) => `/v1/programs/${id}/schedule-amendments`,
    role: 'das',
    valid: () => ({ dasApprovalRef: 'DAS-FUZZ-1', approvedOn: today(), plannedEndDate: addMonths(today(), 20) }),
  },
  {
    name: 'POST …/service-ratings',
    path: (id) => `/v1/programs/${id}/service-ratings`,
    role: 'supervisor',
    valid: () => ({ rating: 'satisfactory', ratedOn: today() }),
  },
  {
    name: 'POST …/leaves',
    path: (id) => `/v1/programs/${id}/leaves`,
    role: 'hr',
    valid: () => ({ from: addDays(today(), 10), to: addDays(today(), 12), kind: 'unpaid' }),
  },
  {
    name: 'POST …/withdrawal',
    path: (id) => `/v1/programs/${id}/withdrawal`,
    role: 'hr',
    valid: () => ({ effectiveOn: today(), reason: 'Fuzzed' }),
  },
  {
    name: 'POST …/progress-reports',
    path: (id) => `/v1/programs/${id}/progress-reports`,
    role: 'trainee',
    valid: () => ({ periodEnding: today(), summary: 'Fuzzed report' }),
  },
  {
    name: 'POST …/progress-reports/{periodEnding}/review',
    path: (id) => `/v1/programs/${id}/progress-reports/${today()}/review`,
    role: 'supervisor',
    valid: () => ({ reviewedOn: today(), comments: 'ok' }),
  },
  {
    name: 'POST …/retraction',
    path: (id) => `/v1/programs/${id}/milestones/m1/retraction`,
    role: 'supervisor',
    valid: () => ({ reason: 'Fuzzed' }),
  },
  {
    name: 'POST …/leaves/cancellations',
    path: (id) => `/v1/programs/${id}/leaves/cancellations`,
    role: 'hr',
    valid: () => ({ from: addDays(today(), 10), to: addDays(today(), 12), reason: 'Fuzzed' }),
  },
  {
    name: 'POST …/transfers',
    path: (id) => `/v1/programs/${id}/transfers`,
    role: 'hr',
    valid: () => ({ effectiveOn: today(), agency: 'FUZZ-AGENCY', supervisorId: 'sup-fuzz' }),
  },
];

beforeAll(async () => {
  stack = await startApiStack();
  await stack.addStaff(supervisorId, 'sup-fuzz');
  tokens.hr = await stack.token('hr-0001', 'hr');
  tokens.supervisor = await stack.token(supervisorId, 'supervisor');
  tokens.das = await stack.token('das-0001', 'das');
  tokens.trainee = await stack.token(traineeId, 'trainee');
  for (const endpoint of ENDPOINTS) {
    // The trainee's own program for the trainee's endpoint, so the fuzzed bodies get past authorization.
    const body =
      endpoint.role === 'trainee' ? { ...enrollment(), trainee: { ...enrollment().trainee, employeeId: traineeId } } : enrollment();
    const created = await stack.call('POST', '/v1/programs', { token: tokens.hr, body });
    programs.set(endpoint.name, (created.body as { programId: string }).programId);
  }
});

afterAll(async () => {
  await stack?.stop();
});

/** Any UTF-16 code unit, with NUL and lone surrogates (which PostgreSQL cannot store) made likely. */
const utf16Unit = fc.oneof(
  { weight: 30, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\ud800', '\udfff', ' ') },
);

/** A valid body with one field replaced, removed, or one field added: close enough to reach the rules. */
const nearlyValid = (valid: () => Record<string, unknown>) =>
  fc.oneof(
    fc.tuple(fc.nat(), fc.jsonValue()).map(([index, value]) => {
      const body = valid();
      const key = Object.keys(body)[index % Object.keys(body).length] ?? 'x';
      return { ...body, [key]: value };
    }),
    fc.nat().map((index) => {
      const body = valid();
      const key = Object.keys(body)[index % Object.keys(body).length] ?? 'x';
      return Object.fromEntries(Object.entries(body).filter(([k]) => k !== key));
    }),
    fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue()).map(([key, value]) => ({ ...valid(), [key]: value })),
    // Any UTF-16 text (NUL, lone surrogates, …) in a text field: well formed, so it may be accepted,
    // and what is accepted must be storable.
    fc.tuple(fc.nat(), fc.string({ unit: utf16Unit, minLength: 1, maxLength: 30 })).map(([index, text]) => {
      const body = valid();
      const textKeys = Object.keys(body).filter((k) => typeof body[k] === 'string' && !/^\d{4}-\d{2}-\d{2}$/.test(String(body[k])));
      const key = textKeys[index % Math.max(textKeys.length, 1)] ?? 'x';
      return { ...body, [key]: `x${text}` };
    }),
    // Dates that are well formed but anywhere in time.
    fc.tuple(fc.nat(), fc.date({ min: new Date('1900-01-01'), max: new Date('2200-12-31'), noInvalidDate: true })).map(([index, date]) => {
      const body = valid();
      const dateKeys = Object.keys(body).filter((k) => typeof body[k] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(String(body[k])));
      const key = dateKeys[index % Math.max(dateKeys.length, 1)] ?? 'x';
      return { ...body, [key]: date.toISOString().slice(0, 10) };
    }),
  );

function expectHandled(response: ApiResponse): void {
  const body = response.body as { programId?: unknown; results?: { programId?: unknown; status?: unknown }[] };
  if (response.status === 201 && typeof body.programId === 'string') accepted.add(body.programId);
  for (const row of body.results ?? []) if (row.status === 'created' && typeof row.programId === 'string') accepted.add(row.programId);
  expect(response.status).toBeGreaterThanOrEqual(200);
  expect(response.status).toBeLessThan(500);
  if (response.status >= 400)
    expect(response.body).toMatchObject({
      error: { code: expect.stringMatching(/^[a-z0-9]+(-[a-z0-9]+)*$/), message: expect.any(String) },
    });
  expect(response.text).not.toMatch(/\bat .+:\d+:\d+\)?$|stack/m);
}

describe('fuzzing the write endpoints', () => {
  it.each(ENDPOINTS)('$name answers any JSON with a 2xx or 4xx, never a 5xx or a stack trace', async (endpoint) => {
    const path = endpoint.path(programs.get(endpoint.name) ?? 'p-missing');
    const send = async (body: unknown, contentType?: string): Promise<void> => {
      // The import takes an array of rows; wrap objects so they reach the row checks too.
      const payload = endpoint.name.includes('import') && !Array.isArray(body) && contentType === undefined ? [body] : body;
      expectHandled(
        await stack.call('POST', path, { token: tokens[endpoint.role], body: payload, ...(contentType ? { contentType } : {}) }),
      );
    };
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), (body) => send(body)),
      { numRuns: 50 },
    );
    await fc.assert(
      fc.asyncProperty(nearlyValid(endpoint.valid), (body) => send(body)),
      { numRuns: 50 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), (text) => send(text, 'application/json')),
      { numRuns: 20 },
    );
  });

  it('accepts any storable text in the free-text fields, and records every program it accepted', async () => {
    const anyText = fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ unit: utf16Unit, minLength: 1, maxLength: 20 }));
    await fc.assert(
      fc.asyncProperty(anyText, anyText, anyText, async (name, functionalRole, agency) => {
        const base = enrollment();
        const body = { ...base, trainee: { ...base.trainee, name }, functionalRole, agency };
        const response = await stack.call('POST', '/v1/programs', { token: tokens.hr, body });
        expectHandled(response);
        const storable = [name, functionalRole, agency].every(
          (text) => text.trim() !== '' && !/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text),
        );
        if (storable) expect(response.status).toBe(201);
        else expect(response.status).toBe(400);
      }),
      { numRuns: 40 },
    );
    expect(accepted.size).toBeGreaterThan(0);
    const ids = [...accepted];
    const recorded = await eventually(
      async () =>
        (
          await stack.db.query<{ program_id: string }>(
            "SELECT program_id FROM program_events WHERE type = 'enrolled' AND program_id = ANY($1::text[])",
            [ids],
          )
        ).rows,
      (rows) => rows.length === ids.length,
      'every accepted program in the event log',
    );
    expect(recorded).toHaveLength(ids.length);
  });

  it('refuses the NUL character, which PostgreSQL cannot store, with 400 naming the field', async () => {
    const body = { ...enrollment(), functionalRole: 'Trainee\u0000' };
    const response = await stack.call('POST', '/v1/programs', { token: tokens.hr, body });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'invalid-input', issues: [{ path: 'functionalRole' }] } });
  });

  it('answers arbitrary path parameters with a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 80 }),
        fc.string({ minLength: 1, maxLength: 80 }),
        async (programId, milestoneId) => {
          const response = await stack.call(
            'POST',
            `/v1/programs/${encodeURIComponent(programId)}/milestones/${encodeURIComponent(milestoneId)}/sign-off`,
            {
              token: tokens.supervisor,
              body: { signedOn: today() },
            },
          );
          expectHandled(response);
          expect([400, 403, 404]).toContain(response.status);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('answers arbitrary CSV with a 200 per row or a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.string({ maxLength: 20 }), { maxLength: 20 }), { maxLength: 5 }),
        fc.boolean(),
        async (rows, withHeader) => {
          const header =
            'trainee.employeeId,trainee.name,trainee.email,agency,functionalRole,targetClassCode,supervisorId,programManagerId,appointmentDate,hoursPerWeek,schedule.dasApprovalRef,schedule.approvedOn,schedule.plannedEndDate,schedule.milestones,priorExperience.generalYears,priorExperience.specialYears,education.semesterHours,education.degrees';
          const csv = [...(withHeader ? [header] : []), ...rows.map((r) => r.join(','))].join('\n');
          expectHandled(await stack.call('POST', '/v1/programs/import', { token: tokens.hr, body: csv, contentType: 'text/csv' }));
        },
      ),
      { numRuns: 50 },
    );
  });
});
