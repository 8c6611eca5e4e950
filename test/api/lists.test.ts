/**
 * Finding and sorting programs (shared/API.md 1.1 "Lists"): `q` by part of a name or an employee
 * id, `sort` with keyset paging in each order, the date bounds (`reclassifiesFrom`/`Before`,
 * `capFrom`/`Before`), `supervisor` and `overdue` (so each dashboard chart bar's count is the length
 * of the list it links to), and the whole filtered list, or a program's events, as CSV.
 */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths } from '../../domain/dates.js';
import type { EnrollmentInput } from '../../domain/schemas.js';
import { enrollmentFixture } from '../integration/harness.js';
import { eventually, startApiStack, today, uniqueId, type ApiResponse, type ApiStack } from './harness.js';

let stack: ApiStack;
let hrToken: string;
let supervisorToken: string;
const supervisorId = uniqueId('sup');
const otherSupervisorId = uniqueId('sup');
const managerId = uniqueId('pm');
const agency = uniqueId('FIND');

interface Listed {
  programId: string;
  trainee: { employeeId: string; name: string };
  appointmentDate: string;
  earliestReclassificationDate: string;
  latestCompletionDate: string;
}
const page = (response: ApiResponse) => response.body as { items: Listed[]; nextCursor: string | null };
const error = (response: ApiResponse) =>
  (response.body as { error: { code: string; message: string; issues?: { path: string; message: string }[] } }).error;

// Five trainees appointed a month apart, named so that name order, date order and id order all differ.
const people = [
  { name: 'Maria Delgado-Quinn', months: -1, supervisor: supervisorId },
  { name: 'Ade Okafor', months: -5, supervisor: supervisorId },
  { name: 'Zoë Quinlan', months: -3, supervisor: otherSupervisorId },
  { name: 'Bo "Beau" Lindqvist, Jr.', months: -2, supervisor: supervisorId },
  { name: 'Chris Quint', months: -4, supervisor: supervisorId },
];
const enrolled: { programId: string; employeeId: string; name: string }[] = [];

beforeAll(async () => {
  stack = await startApiStack();
  await stack.addStaff(supervisorId, otherSupervisorId, managerId);
  [hrToken, supervisorToken] = await Promise.all([stack.token('hr-0001', 'hr'), stack.token(supervisorId, 'supervisor')]);
  for (const [index, person] of people.entries()) {
    const employeeId = `E${agency.slice(-6).toUpperCase()}${index}`;
    const body: EnrollmentInput = enrollmentFixture(addMonths(today(), person.months), {
      agency,
      supervisorId: person.supervisor,
      programManagerId: managerId,
      trainee: { employeeId, name: person.name, email: 'trainee@example.gov' },
    });
    const response = await stack.call('POST', '/v1/programs', { token: hrToken, body });
    expect(response.status).toBe(201);
    enrolled.push({ programId: (response.body as Listed).programId, employeeId, name: person.name });
  }
  await eventually(
    () => list(`agency=${agency}`),
    (r) => page(r).items.length === people.length,
    'the read model to list the programs',
  );
});

afterAll(async () => {
  await stack?.stop();
});

const list = (query: string, token = hrToken, headers: Record<string, string> = {}) =>
  stack.call('GET', `/v1/programs?${query}`, { token, headers });

/** Every page of a list, following the cursor, `limit` at a time. */
async function allPages(query: string, limit: number): Promise<Listed[]> {
  const seen: Listed[] = [];
  let cursor: string | null = null;
  do {
    const response: ApiResponse = await list(`${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(response.status).toBe(200);
    seen.push(...page(response).items);
    cursor = page(response).nextCursor;
  } while (cursor);
  return seen;
}

describe('q: part of a name or an employee id', () => {
  it('finds trainees by part of a word of their name, in any case', async () => {
    const found = page(await list(`agency=${agency}&q=QUIN`)).items.map((p) => p.trainee.name);
    expect(found.sort()).toEqual(['Chris Quint', 'Maria Delgado-Quinn', 'Zoë Quinlan']);
    expect(page(await list(`agency=${agency}&q=${encodeURIComponent('zoë')}`)).items.map((p) => p.trainee.name)).toEqual(['Zoë Quinlan']);
  });

  it('finds a trainee by part of the employee id', async () => {
    const target = enrolled[3];
    const found = page(await list(`agency=${agency}&q=${target?.employeeId.slice(2).toLowerCase()}`)).items;
    expect(found.map((p) => p.programId)).toEqual([target?.programId]);
  });

  it('takes % and _ as themselves, not as patterns', async () => {
    expect(page(await list(`agency=${agency}&q=%25`)).items).toEqual([]);
    expect(page(await list(`agency=${agency}&q=_`)).items).toEqual([]);
  });

  it('answers any search text with a 200 or a 400 naming q, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 120 }),
        fc.constantFrom('', 'trainee.name', '-earliestReclassificationDate'),
        async (q, sort) => {
          const response = await list(`agency=${agency}&q=${encodeURIComponent(q)}${sort ? `&sort=${sort}` : ''}`);
          if (response.status === 400) expect(error(response).issues?.[0]?.path).toBe('q');
          else expect(response.status).toBe(200);
        },
      ),
      // The first example is the one a CI run once found: a NUL was named 'query.q'.
      {
        numRuns: 60,
        examples: [
          ['\u0000', ''],
          ['%', 'trainee.name'],
        ],
      },
    );
  });

  it("searches only the caller's own programs for a supervisor", async () => {
    const found = page(await list('q=quin', supervisorToken)).items.map((p) => p.trainee.name);
    expect(found.sort()).toEqual(['Chris Quint', 'Maria Delgado-Quinn']);
  });
});

describe('sort', () => {
  const cases: [string, (p: Listed) => string][] = [
    ['earliestReclassificationDate', (p) => p.earliestReclassificationDate],
    ['latestCompletionDate', (p) => p.latestCompletionDate],
    ['appointmentDate', (p) => p.appointmentDate],
    ['trainee.name', (p) => p.trainee.name],
  ];
  for (const [field, value] of cases) {
    for (const descending of [false, true]) {
      const sort = `${descending ? '-' : ''}${field}`;
      it(`orders by ${sort} and pages two at a time without gaps or repeats`, async () => {
        const whole = page(await list(`agency=${agency}&sort=${sort}&limit=200`)).items;
        const expected = [...whole].sort((a, b) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : 0));
        if (descending) expected.reverse();
        // The names start with five different letters, so any collation orders them alike.
        expect(whole.map(value)).toEqual(expected.map(value));
        const paged = await allPages(`agency=${agency}&sort=${sort}`, 2);
        expect(paged.map((p) => p.programId)).toEqual(whole.map((p) => p.programId));
      });
    }
  }

  it('sorts by earliest reclassification, earliest first (the trainee appointed first)', async () => {
    const names = page(await list(`agency=${agency}&sort=earliestReclassificationDate`)).items.map((p) => p.trainee.name);
    expect(names).toEqual(['Ade Okafor', 'Chris Quint', 'Zoë Quinlan', 'Bo "Beau" Lindqvist, Jr.', 'Maria Delgado-Quinn']);
  });

  it('refuses an unknown sort with a 400 naming the field', async () => {
    const response = await list(`agency=${agency}&sort=salary`);
    expect(response.status).toBe(400);
    expect(error(response).issues?.[0]?.path).toBe('sort');
    expect(error(response).message).toMatch(/sort/i);
  });

  it('refuses a cursor issued under another sort', async () => {
    const first = page(await list(`agency=${agency}&sort=appointmentDate&limit=2`)).nextCursor ?? '';
    const response = await list(`agency=${agency}&sort=trainee.name&limit=2&cursor=${encodeURIComponent(first)}`);
    expect(response.status).toBe(400);
    expect(error(response).code).toBe('invalid-cursor');
  });
});

describe('reclassifiesBefore', () => {
  it('lists the programs whose earliest reclassification date is before the date', async () => {
    const dates = page(await list(`agency=${agency}&sort=earliestReclassificationDate`)).items.map((p) => p.earliestReclassificationDate);
    const cut = dates[2] ?? '';
    const found = page(await list(`agency=${agency}&reclassifiesBefore=${cut}`)).items;
    expect(found.map((p) => p.earliestReclassificationDate).sort()).toEqual(dates.slice(0, 2));
    const bad = await list(`agency=${agency}&reclassifiesBefore=2026-02-30`);
    expect(bad.status).toBe(400);
    expect(error(bad).issues?.[0]?.path).toBe('reclassifiesBefore');
  });
});

describe('reclassifiesFrom and capFrom', () => {
  it('are inclusive lower bounds, with the before bounds a period, and page without gaps or repeats', async () => {
    const dates = page(await list(`agency=${agency}&sort=earliestReclassificationDate`)).items.map((p) => p.earliestReclassificationDate);
    const from = dates[1] ?? '';
    const found = await allPages(`agency=${agency}&reclassifiesFrom=${from}&sort=earliestReclassificationDate`, 1);
    expect(found.map((p) => p.earliestReclassificationDate)).toEqual(dates.slice(1));
    const period = page(
      await list(`agency=${agency}&reclassifiesFrom=${from}&reclassifiesBefore=${dates[3] ?? ''}&sort=earliestReclassificationDate`),
    ).items;
    expect(period.map((p) => p.earliestReclassificationDate)).toEqual(dates.slice(1, 3));

    const caps = page(await list(`agency=${agency}`)).items.map((p) => p.latestCompletionDate);
    const capFrom = caps[2] ?? '';
    expect((await allPages(`agency=${agency}&capFrom=${capFrom}`, 2)).map((p) => p.latestCompletionDate)).toEqual(caps.slice(2));
    expect(
      page(await list(`agency=${agency}&capFrom=${caps[1] ?? ''}&capBefore=${caps[2] ?? ''}`)).items.map((p) => p.latestCompletionDate),
    ).toEqual([caps[1]]);
  });

  it('refuses a date that is not a calendar date with a 400 naming the field', async () => {
    for (const field of ['reclassifiesFrom', 'capFrom']) {
      const bad = await list(`agency=${agency}&${field}=2026-13-01`);
      expect(bad.status).toBe(400);
      expect(error(bad).issues?.[0]?.path).toBe(field);
    }
  });
});

describe('supervisor', () => {
  it("lists the programs of that supervisor; a supervisor's own list stays their own", async () => {
    const theirs = page(await list(`agency=${agency}&supervisor=${otherSupervisorId}`)).items;
    expect(theirs.map((p) => p.trainee.name)).toEqual(['Zoë Quinlan']);
    expect(page(await list(`agency=${agency}&supervisor=${supervisorId}`)).items).toHaveLength(4);
    // The program manager of every program supervises none of them.
    expect(page(await list(`agency=${agency}&supervisor=${managerId}`)).items).toEqual([]);
    const scoped = await list(`supervisor=${otherSupervisorId}`, supervisorToken);
    expect(scoped.status).toBe(200);
    expect(page(scoped).items).toEqual([]);
  });

  it('refuses an empty staff id with a 400 naming the field', async () => {
    const bad = await list(`agency=${agency}&supervisor=`);
    expect(bad.status).toBe(400);
    expect(error(bad).issues?.[0]?.path).toBe('supervisor');
  });
});

describe('overdue, and the dashboard chart bars', () => {
  const overdueAgency = uniqueId('OVR');
  const supervisorA = uniqueId('sup');
  const supervisorB = uniqueId('sup');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    await stack.addStaff(supervisorA, supervisorB);
    // Seven months in: m1 overdue. Ten months in: m1 and m2 overdue (supervisor A manages it). Four months in: none.
    const plans = [
      { key: 'seven', months: -7, supervisorId: supervisorA, programManagerId: managerId },
      { key: 'ten', months: -10, supervisorId: supervisorB, programManagerId: supervisorA },
      { key: 'four', months: -4, supervisorId: supervisorA, programManagerId: managerId },
    ];
    for (const plan of plans) {
      const body = enrollmentFixture(addMonths(today(), plan.months), {
        agency: overdueAgency,
        supervisorId: plan.supervisorId,
        programManagerId: plan.programManagerId,
      });
      const response = await stack.call('POST', '/v1/programs', { token: hrToken, body });
      expect(response.status).toBe(201);
      ids[plan.key] = (response.body as Listed).programId;
    }
    await eventually(
      () => list(`agency=${overdueAgency}`),
      (r) => {
        const items = (r.body as { items: { milestones: { status: string }[] }[] }).items;
        return items.length === 3 && items.reduce((n, p) => n + p.milestones.filter((m) => m.status === 'overdue').length, 0) === 3;
      },
      'three programs with three overdue milestones in the read model',
    );
  });

  it('overdue=true lists the open programs with at least one overdue milestone, in JSON and in CSV', async () => {
    const found = page(await list(`agency=${overdueAgency}&overdue=true`)).items.map((p) => p.programId);
    expect(found.sort()).toEqual([ids.seven, ids.ten].sort());
    const csv = await list(`agency=${overdueAgency}&overdue=true&supervisor=${supervisorA}`, hrToken, { accept: 'text/csv' });
    expect((parse(csv.text, { columns: true }) as Record<string, string>[]).map((r) => r.programId)).toEqual([ids.seven]);
    const bad = await list(`agency=${overdueAgency}&overdue=yes`);
    expect(bad.status).toBe(400);
    expect(error(bad).issues?.[0]?.path).toBe('overdue');
  });

  it('each chart bar counts exactly the programs its link lists', async () => {
    const answer = await stack.call('GET', `/v1/dashboard/charts?agency=${overdueAgency}`, { token: hrToken });
    expect(answer.status).toBe(200);
    interface Period {
      from: string;
      before: string;
      active: number;
      awaitingMinimum: number;
    }
    interface Bar {
      key: string;
      programs: number;
    }
    const charts = answer.body as {
      reclassificationsByMonth: Period[];
      capsByQuarter: Period[];
      overdueByAgency: { items: Bar[] };
      overdueBySupervisor: { items: Bar[] };
    };
    // The links as ui/src/components/charts.tsx builds them, each with the count its bar shows.
    const links: [string, number][] = [];
    for (const p of charts.reclassificationsByMonth) {
      links.push([
        `status=active&agency=${overdueAgency}&reclassifiesFrom=${p.from}&reclassifiesBefore=${p.before}&sort=earliestReclassificationDate`,
        p.active,
      ]);
      links.push([
        `status=awaiting-minimum&agency=${overdueAgency}&reclassifiesFrom=${p.from}&reclassifiesBefore=${p.before}&sort=earliestReclassificationDate`,
        p.awaitingMinimum,
      ]);
    }
    for (const p of charts.capsByQuarter) {
      links.push([`status=active&agency=${overdueAgency}&capFrom=${p.from}&capBefore=${p.before}&sort=latestCompletionDate`, p.active]);
    }
    for (const bar of charts.overdueByAgency.items)
      links.push([`status=active&agency=${bar.key}&overdue=true&sort=latestCompletionDate`, bar.programs]);
    for (const bar of charts.overdueBySupervisor.items) {
      links.push([`status=active&agency=${overdueAgency}&supervisor=${bar.key}&overdue=true&sort=latestCompletionDate`, bar.programs]);
    }
    expect(charts.overdueBySupervisor.items.map((b) => b.key).sort()).toEqual([supervisorA, supervisorB].sort());
    expect(links.filter(([, count]) => count > 0).length).toBeGreaterThanOrEqual(6);
    for (const [query, count] of links) {
      const listed = await allPages(query, 1);
      expect({ query, listed: listed.length }).toEqual({ query, listed: count });
    }
  });
});

describe('Accept: text/csv', () => {
  it('gives the whole filtered list in the asked order, one row per program, whatever the page size', async () => {
    const response = await list(`agency=${agency}&q=quin&sort=-appointmentDate&limit=1`, hrToken, { accept: 'text/csv' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="programs\.csv"/);
    const rows = parse(response.text, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.traineeName)).toEqual(['Maria Delgado-Quinn', 'Zoë Quinlan', 'Chris Quint']);
    expect(rows[0]).toMatchObject({ agency, status: 'active', supervisorId, milestonesTotal: '3' });
    const whole = page(await list(`agency=${agency}&q=quin&sort=-appointmentDate`)).items;
    expect(rows.map((r) => r.programId)).toEqual(whole.map((p) => p.programId));
    expect(rows.map((r) => r.earliestReclassificationDate)).toEqual(whole.map((p) => p.earliestReclassificationDate));
  });

  it('quotes commas and quotes in names so the file reads back as written', async () => {
    const response = await list(`agency=${agency}&q=beau`, hrToken, { accept: 'text/csv' });
    const rows = parse(response.text, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.traineeName)).toEqual(['Bo "Beau" Lindqvist, Jr.']);
  });

  it('streams more programs than a page holds', async () => {
    const response = await list('sort=trainee.name', hrToken, { accept: 'text/csv' });
    const rows = parse(response.text, { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThanOrEqual(people.length);
    expect(new Set(rows.map((r) => r.programId)).size).toBe(rows.length);
  });

  it('is a header row only when nothing matches, and a 400 for a bad filter', async () => {
    const empty = await list(`agency=${agency}&q=nobody-by-this-name`, hrToken, { accept: 'text/csv' });
    expect(empty.status).toBe(200);
    expect(empty.text.trim().split('\r\n')).toHaveLength(1);
    expect(empty.text).toMatch(/^programId,employeeId,traineeName,/);
    const bad = await list(`agency=${agency}&sort=nonsense`, hrToken, { accept: 'text/csv' });
    expect(bad.status).toBe(400);
  });

  it("gives a program's event history as CSV, oldest first", async () => {
    const programId = enrolled[0]?.programId ?? '';
    const json = await stack.call('GET', `/v1/programs/${programId}/events`, { token: hrToken });
    const csv = await stack.call('GET', `/v1/programs/${programId}/events`, { token: hrToken, headers: { accept: 'text/csv' } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toContain(`events-${programId}.csv`);
    const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
    const events = (json.body as { items: { version: number; type: string; data: unknown }[] }).items;
    expect(rows.map((r) => r.type)).toEqual(events.map((e) => e.type));
    expect(rows.map((r) => Number(r.version))).toEqual(events.map((e) => e.version));
    expect(JSON.parse(rows[0]?.data ?? 'null')).toEqual(events[0]?.data);
    const other = await stack.call('GET', `/v1/programs/${enrolled[2]?.programId}/events`, {
      token: supervisorToken,
      headers: { accept: 'text/csv' },
    });
    expect(other.status).toBe(404);
  });
});
