/**
 * The dashboard's reads that do not scan the read model: counts kept by the database as programs
 * change status and agency (and after a rebuild swaps the table), and the at-risk list read from two
 * partial indexes, both equal to the plain queries over every row. Real PostgreSQL, a scratch
 * database of this file's own.
 */
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendEvents } from '../../db/event-store.js';
import { listenForAppends } from '../../db/notifications.js';
import { createProjector, type Projector } from '../../db/projections.js';
import { createQueries } from '../../db/queries.js';
import { addDays, addMonths } from '../../domain/dates.js';
import { defaultPolicy } from '../../domain/policy.js';
import {
  decideEnrollment,
  execute,
  replay,
  stamp,
  type Actor,
  type ProgramCommand,
  type ProgramEvent,
  type ProgramState,
} from '../../domain/program.js';
import { findTargetClass } from '../../domain/target-classes.js';
import { eventually } from '../api/harness.js';
import { createScratchDatabase, enrollmentFixture, hr, supervisor, type ScratchDatabase } from './harness.js';

let scratch: ScratchDatabase;
let db: pg.Pool;
let projector: Projector;

beforeAll(async () => {
  scratch = await createScratchDatabase('read_paths');
  db = scratch.pool;
  projector = createProjector(db, { batchSize: 7 });
});

afterAll(async () => {
  await scratch?.drop();
});

beforeEach(async () => {
  await scratch.reset();
});

const SYSTEM: Actor = { id: 'system', role: 'system' };
const TODAY = '2027-06-01';

/** One program's stream from enrollment, with the commands given, as the workflow records it. */
class ProgramStream {
  readonly events: ProgramEvent[];
  private state: ProgramState;
  private appended = 0;

  constructor(
    readonly programId: string,
    appointment: string,
    agency: string,
  ) {
    const opened = decideEnrollment({ ...enrollmentFixture(appointment), agency }, findTargetClass('5257MP'), defaultPolicy, hr);
    if (!opened.ok) throw new Error('fixture enrollment was rejected');
    this.events = stamp(programId, 0, opened.events, `${appointment}T14:00:00.000Z`);
    this.state = replay(this.events) as ProgramState;
  }

  run(command: ProgramCommand, actor: Actor, today: string): this {
    const result = execute(this.state, command, actor, { today });
    if (!result.ok) throw new Error(`${command.type} refused: ${JSON.stringify(result.violations)}`);
    this.events.push(...stamp(this.programId, this.state.version, result.events, `${today}T14:00:00.000Z`));
    this.state = replay(this.events) as ProgramState;
    return this;
  }

  /** The events not appended yet, or the first `count` of them. */
  next(count = Number.POSITIVE_INFINITY): ProgramEvent[] {
    const fresh = this.events.slice(this.appended, this.appended + count);
    this.appended += fresh.length;
    return fresh;
  }
}

/** Programs of three agencies in every state the dashboard counts, some overdue, some near the cap. */
function cohort(): ProgramStream[] {
  const streams: ProgramStream[] = [];
  for (let i = 0; i < 18; i++) {
    const agency = ['OPM', 'DOL', 'DCF'][i % 3] ?? 'OPM';
    // Appointments from 34 months before TODAY (cap within 90 days) to 2 months before.
    const appointment = addMonths(TODAY, -34 + 2 * i);
    const stream = new ProgramStream(`p-${String(i).padStart(2, '0')}`, appointment, agency);
    if (i % 4 === 1)
      stream.run({ type: 'withdraw', effectiveOn: addDays(appointment, 30), reason: 'Resigned' }, hr, addDays(appointment, 30));
    if (i % 4 === 2) {
      for (const m of ['m1', 'm2', 'm3'])
        stream.run(
          { type: 'sign-off-milestone', milestoneId: m, signedOn: addDays(appointment, 20) },
          supervisor,
          addDays(appointment, 20),
        );
      stream.run({ type: 'rate-service', rating: 'satisfactory', ratedOn: addDays(appointment, 25) }, supervisor, addDays(appointment, 25));
    }
    stream.run({ type: 'advance-clock' }, SYSTEM, TODAY);
    streams.push(stream);
  }
  return streams;
}

async function countsByScan(agency?: string): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string; n: string }>(
    'SELECT status, count(*) AS n FROM rm_programs WHERE ($1::text IS NULL OR agency = $1) GROUP BY status',
    [agency ?? null],
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

const nonZero = (counts: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));

async function expectCountsMatchTheRows(): Promise<void> {
  const queries = createQueries(db);
  for (const agency of [undefined, 'OPM', 'DOL', 'DCF', 'NONE']) {
    expect(nonZero(await queries.countsByStatus(agency ? { agency } : {}))).toEqual(await countsByScan(agency));
  }
}

describe('the dashboard counts', () => {
  it('follow every status and agency change the projector writes, batch by batch, and survive a rebuild', async () => {
    const streams = cohort();
    // Half the log first, then the rest, so rows are inserted and then updated.
    for (const stream of streams) await appendEvents(db, stream.next(2));
    await projector.catchUp();
    await expectCountsMatchTheRows();
    for (const stream of streams) await appendEvents(db, stream.next());
    await projector.catchUp();
    await expectCountsMatchTheRows();
    expect(Object.values(await countsByScan()).reduce((a, b) => a + b, 0)).toBe(streams.length);
    expect(Object.keys(await countsByScan()).sort()).toEqual(expect.arrayContaining(['active', 'ended']));

    // A transfer moves a program to another agency's count; a withdrawal moves it to `ended`.
    const moved = streams.find((s) => s.programId === 'p-00') as ProgramStream;
    moved.run({ type: 'transfer', effectiveOn: TODAY, agency: 'DCF' }, hr, TODAY);
    const withdrawn = streams.find((s) => s.programId === 'p-04') as ProgramStream;
    withdrawn.run({ type: 'withdraw', effectiveOn: TODAY, reason: 'Resigned' }, hr, TODAY);
    await appendEvents(db, [...moved.next(), ...withdrawn.next()]);
    await projector.catchUp();
    await expectCountsMatchTheRows();

    await projector.rebuild();
    await expectCountsMatchTheRows();
    // The table the rebuild swapped in keeps the trainee's name for search and sort (a generated column).
    const { rows: unnamed } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM rm_programs WHERE trainee_name = ''`);
    expect(Number(unnamed[0]?.n)).toBe(0);
    const byName = await createQueries(db).listPrograms({ q: 'JORDAN EX', sort: '-trainee.name', limit: 200 });
    expect(byName.items).toHaveLength(streams.length);
    // The triggers are on the table the rebuild swapped in: a later change is counted too.
    const again = streams.find((s) => s.programId === 'p-08') as ProgramStream;
    again.run({ type: 'withdraw', effectiveOn: TODAY, reason: 'Resigned' }, hr, TODAY);
    await appendEvents(db, again.next());
    await projector.catchUp();
    await expectCountsMatchTheRows();
  });
});

describe('the at-risk list', () => {
  it('is the open programs with a cap within 90 days or an overdue milestone, earliest cap first, within the limit', async () => {
    for (const stream of cohort()) await appendEvents(db, stream.next());
    await projector.catchUp();
    const queries = createQueries(db);
    for (const [agency, limit] of [
      [undefined, 100],
      [undefined, 3],
      ['DOL', 100],
      ['OPM', 2],
    ] as const) {
      const { rows } = await db.query<{ program_id: string }>(
        `SELECT program_id FROM rm_programs
          WHERE status IN ('active', 'awaiting-minimum') AND (latest_completion_date <= $1::date + 90 OR overdue_milestones > 0)
            AND ($2::text IS NULL OR agency = $2)
          ORDER BY latest_completion_date, program_id LIMIT $3`,
        [TODAY, agency ?? null, limit],
      );
      const listed = await queries.atRisk(TODAY, { ...(agency ? { agency } : {}), limit });
      expect(listed.map((p) => p.program.programId)).toEqual(rows.map((r) => r.program_id));
    }
    expect((await queries.atRisk(TODAY)).length).toBeGreaterThan(3);
  });
});

describe('the projector', () => {
  it('reads past a transaction held open in another database on the same server', async () => {
    const elsewhere = await createScratchDatabase('read_paths_elsewhere');
    const holder = await elsewhere.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_current_xact_id()'); // a transaction id, as a writer there has
      const stream = new ProgramStream('p-held', '2027-01-04', 'OPM');
      await appendEvents(db, stream.next());
      expect(await projector.runOnce()).toBe(stream.events.length);
      await holder.query('ROLLBACK');
    } finally {
      holder.release();
      await elsewhere.drop();
    }
  });

  it('reads past a session of this database idle in a transaction that has read the log but appended nothing', async () => {
    const idle = await db.connect();
    try {
      // A reader holding a snapshot (and so the server's xmin horizon), but with no transaction id: nothing to wait for.
      await idle.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await idle.query('SELECT count(*) FROM program_events');
      const stream = new ProgramStream('p-idle-reader', '2027-01-06', 'DAS');
      await appendEvents(db, stream.next());
      expect(await projector.runOnce()).toBe(stream.events.length);
      await idle.query('ROLLBACK');
    } finally {
      idle.release();
    }
  });

  it('wakes when events are appended instead of waiting for its next poll', async () => {
    const live = createProjector(db);
    const listener = listenForAppends(scratch.url, () => live.wake());
    try {
      await listener.listening;
      live.start(3_600_000); // one pass now, the next poll in an hour: only a notification brings the row sooner
      await live.idle();
      const stream = new ProgramStream('p-woken', '2027-01-05', 'DOL');
      await appendEvents(db, stream.next());
      await eventually(
        () => db.query('SELECT 1 FROM rm_programs WHERE program_id = $1', ['p-woken']),
        (r) => r.rowCount === 1,
        'the appended program in the read model',
      );
    } finally {
      await listener.stop();
      await live.stop();
    }
  });
});
