/**
 * The event log and the programs projection against a real PostgreSQL, in a scratch database of this
 * file's own (so a rebuild here touches no other test's rows).
 */
import { ApplicationFailure } from '@temporalio/common';
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { EventConflictError, appendEvents } from '../../db/event-store.js';
import { createProjector, type Projector } from '../../db/projections.js';
import { migrate } from '../../db/migrate.js';
import { createQueries } from '../../db/queries.js';
import { addDays, addMonths, civilDateInNewYork } from '../../domain/dates.js';
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
import { programView } from '../../domain/view.js';
import { createScratchDatabase, enrollmentFixture, hr, supervisor, type ScratchDatabase } from './harness.js';

let scratch: ScratchDatabase;
let db: pg.Pool;
let projector: Projector;

beforeAll(async () => {
  scratch = await createScratchDatabase('event_store');
  db = scratch.pool;
  projector = createProjector(db, { batchSize: 50 });
});

afterAll(async () => {
  await scratch?.drop();
});

beforeEach(async () => {
  // program_events refuses TRUNCATE (append-only), so each test starts from a fresh schema.
  await scratch.reset();
});

const SYSTEM: Actor = { id: 'system', role: 'system' };

/** A program's whole event stream, produced by the domain as the workflow would produce it. */
function simulateProgram(programId: string, appointment: string, steps: readonly Step[]): ProgramEvent[] {
  const opened = decideEnrollment(enrollmentFixture(appointment), findTargetClass('5257MP'), defaultPolicy, hr);
  if (!opened.ok) throw new Error('fixture enrollment was rejected');
  const events = stamp(programId, 0, opened.events, `${appointment}T14:00:00.000Z`);
  let state = replay(events) as ProgramState;
  // Steps come in any order; the program's clock only moves forward.
  const days = steps.map((s) => s.day).sort((a, b) => a - b);
  steps.forEach((step, index) => {
    const today = addDays(appointment, days[index] ?? step.day);
    const planned = commandFor(step, state, today);
    if (!planned) return;
    const result = execute(state, planned.command, planned.actor, { today });
    if (!result.ok || result.events.length === 0) return; // rejected or a repeat: nothing recorded
    events.push(...stamp(programId, state.version, result.events, `${today}T14:00:00.000Z`));
    state = replay(events) as ProgramState;
  });
  return events;
}

const DAS: Actor = { id: 'das-0001', role: 'das' };
const PROGRAM_MANAGER: Actor = { id: 'pm-0001', role: 'program-manager' };

/** The command a step stands for, on the program as it is, and who gives it. */
function commandFor(step: Step, state: ProgramState, today: string): { command: ProgramCommand; actor: Actor } | null {
  // 1 is the first milestone; past the last one it wraps around.
  const milestoneAt = (n: number) => state.milestones[(n - 1) % Math.max(state.milestones.length, 1)];
  switch (step.kind) {
    case 'tick':
      return { command: { type: 'advance-clock' }, actor: SYSTEM };
    case 'sign-off': {
      const milestone = milestoneAt(step.milestone);
      return milestone ? { command: { type: 'sign-off-milestone', milestoneId: milestone.id, signedOn: today }, actor: supervisor } : null;
    }
    case 'retract': {
      const milestone = milestoneAt(step.milestone);
      return milestone
        ? { command: { type: 'retract-sign-off', milestoneId: milestone.id, reason: 'signed off in error' }, actor: hr }
        : null;
    }
    case 'rate':
      return {
        command: { type: 'rate-service', rating: step.satisfactory ? 'satisfactory' : 'unsatisfactory', ratedOn: today },
        actor: supervisor,
      };
    case 'amend': {
      // Keeps some milestones (the others are deleted), moves the first kept one, may add a new one.
      const kept = state.milestones.filter((_, i) => step.keep[i % step.keep.length] ?? true);
      const milestones = kept.map((m, i) =>
        i === 0 ? { id: m.id, title: m.title, dueDate: addDays(today, step.shiftDays) } : { id: m.id, title: m.title, dueDate: m.dueDate },
      );
      if (step.add) milestones.push({ id: `a${state.version}`, title: 'Added by amendment', dueDate: addDays(today, 30 + step.shiftDays) });
      return {
        command: {
          type: 'amend-schedule',
          dasApprovalRef: `DAS-2026-${String(state.version).padStart(4, '0')}`,
          approvedOn: today,
          ...(step.extendMonths > 0 ? { plannedEndDate: addMonths(state.appointmentDate, 12 + step.extendMonths) } : {}),
          milestones,
          reason: 'schedule change',
        },
        actor: DAS,
      };
    }
    case 'leave':
      return { command: { type: 'record-leave', from: today, to: addDays(today, step.length), kind: step.leaveKind }, actor: hr };
    case 'cancel-leave': {
      const leave = state.leaves[step.which % Math.max(state.leaves.length, 1)];
      return leave ? { command: { type: 'cancel-leave', from: leave.from, to: leave.to, reason: 'recorded in error' }, actor: hr } : null;
    }
    case 'transfer':
      return {
        command: {
          type: 'transfer',
          effectiveOn: today,
          ...(step.agency ? { agency: 'DAS' } : { supervisorId: `sup-${step.to}` }),
          reason: 'reorganization',
        },
        actor: hr,
      };
    case 'withdraw':
      return { command: { type: 'withdraw', effectiveOn: today, reason: 'resigned' }, actor: hr };
    case 'report':
      return {
        command: { type: 'submit-progress-report', periodEnding: today, summary: 'Casework and rotation progress.' },
        actor: { id: state.enrollment.trainee.employeeId, role: 'trainee' },
      };
    case 'review': {
      const report = state.progressReports?.[step.which % Math.max(state.progressReports.length, 1)];
      return report
        ? { command: { type: 'review-progress-report', periodEnding: report.periodEnding, reviewedOn: today }, actor: PROGRAM_MANAGER }
        : null;
    }
  }
}

type Step = { day: number } & (
  | { kind: 'tick' }
  | { kind: 'sign-off' | 'retract'; milestone: number }
  | { kind: 'rate'; satisfactory: boolean }
  | { kind: 'amend'; keep: boolean[]; add: boolean; shiftDays: number; extendMonths: number }
  | { kind: 'leave'; length: number; leaveKind: 'unpaid' | 'sick' | 'workers-comp' | 'other' }
  | { kind: 'cancel-leave' | 'review'; which: number }
  | { kind: 'transfer'; agency: boolean; to: number }
  | { kind: 'withdraw' }
  | { kind: 'report' }
);

const day = fc.integer({ min: 0, max: 1100 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('tick' as const), day }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom('sign-off' as const, 'retract' as const),
      milestone: fc.integer({ min: 1, max: 6 }),
      day,
    }),
    weight: 4,
  },
  fc.record({
    kind: fc.constant('rate' as const),
    satisfactory: fc.oneof({ arbitrary: fc.constant(true), weight: 9 }, { arbitrary: fc.constant(false), weight: 1 }),
    day,
  }),
  fc.record({
    kind: fc.constant('amend' as const),
    keep: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
    add: fc.boolean(),
    shiftDays: fc.integer({ min: 1, max: 200 }),
    extendMonths: fc.integer({ min: 0, max: 20 }),
    day,
  }),
  fc.record({
    kind: fc.constant('leave' as const),
    length: fc.integer({ min: 0, max: 90 }),
    leaveKind: fc.constantFrom('unpaid' as const, 'sick' as const, 'workers-comp' as const, 'other' as const),
    day,
  }),
  fc.record({ kind: fc.constantFrom('cancel-leave' as const, 'review' as const), which: fc.nat(3), day }),
  fc.record({ kind: fc.constant('transfer' as const), agency: fc.boolean(), to: fc.integer({ min: 2, max: 9 }), day }),
  fc.record({ kind: fc.constant('withdraw' as const), day }),
  fc.record({ kind: fc.constant('report' as const), day }),
);

async function readModel() {
  const programs = await db.query(
    'SELECT program_id, version, status, latest_completion_date::text, overdue_milestones, view FROM rm_programs ORDER BY program_id',
  );
  const milestones = await db.query('SELECT * FROM rm_milestones ORDER BY program_id, milestone_id');
  return { programs: programs.rows, milestones: milestones.rows };
}

describe('the event log', () => {
  it('keeps one row per event when the same events are appended twice', async () => {
    const events = simulateProgram('p-dup', '2026-01-05', [{ kind: 'sign-off', milestone: 1, day: 30 }]);
    expect(await appendEvents(db, events)).toEqual({ appended: events.length });
    expect(await appendEvents(db, events)).toEqual({ appended: 0 });
    expect(await appendEvents(db, events.slice(1, 2))).toEqual({ appended: 0 });
    const { rows } = await db.query('SELECT event_id FROM program_events WHERE program_id = $1 ORDER BY version', ['p-dup']);
    expect(rows.map((r) => r.event_id)).toEqual(events.map((e) => e.id));
  });

  it('refuses a different event under an id already taken, and a second event at the same version', async () => {
    const [first] = simulateProgram('p-conflict', '2026-01-05', []);
    if (!first) throw new Error('no events');
    await appendEvents(db, [first]);
    await expect(appendEvents(db, [first])).resolves.toEqual({ appended: 0 });
    // Same id and type, other data: not "the same event again".
    const otherData = { ...first, data: { ...(first.data as object), agency: 'DAS' } };
    await expect(appendEvents(db, [otherData])).rejects.toMatchObject({ name: 'EventConflictError', conflict: 'same-id-other-content' });
    await expect(appendEvents(db, [{ ...first, type: 'withdrawn' }])).rejects.toMatchObject({ conflict: 'same-id-other-content' });
    await expect(appendEvents(db, [{ ...first, actor: { id: 'hr-9999', role: 'hr' } }])).rejects.toBeInstanceOf(EventConflictError);
    await expect(appendEvents(db, [{ ...first, id: 'p-conflict/other' }])).rejects.toMatchObject({
      name: 'EventConflictError',
      conflict: 'same-version-other-id',
      eventId: 'p-conflict/other',
    });
    const { rows } = await db.query('SELECT event_id FROM program_events WHERE program_id = $1', ['p-conflict']);
    expect(rows).toEqual([{ event_id: first.id }]);
  });

  it('stops the recording activity on a conflict with a non-retryable failure, not a retry loop', async () => {
    const [first] = simulateProgram('p-conflict-activity', '2026-01-05', []);
    if (!first) throw new Error('no events');
    const { recordEvents } = createActivities({ db });
    await recordEvents([first]);
    const otherData = { ...first, data: { ...(first.data as object), agency: 'DAS' } } as unknown as ProgramEvent;
    for (const conflicting of [otherData, { ...first, id: 'p-conflict-activity/other' }]) {
      const failure = await recordEvents([conflicting]).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: 'event-conflict', nonRetryable: true });
      expect((failure as ApplicationFailure).cause).toBeInstanceOf(EventConflictError);
    }
  });

  it('is append-only: UPDATE and DELETE are refused', async () => {
    await appendEvents(db, simulateProgram('p-frozen', '2026-01-05', []));
    await expect(db.query("UPDATE program_events SET type = 'withdrawn' WHERE program_id = 'p-frozen'")).rejects.toThrow(/append-only/);
    await expect(db.query("DELETE FROM program_events WHERE program_id = 'p-frozen'")).rejects.toThrow(/append-only/);
  });
});

describe('the read-model migration', () => {
  it('orders events recorded before it by program and version, so the projection can read them', async () => {
    await scratch.pool.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await migrate(scratch.url, { count: 1 });
    const events = simulateProgram('p-old', '2026-01-05', [{ kind: 'sign-off', milestone: 2, day: 40 }]);
    for (const event of [...events].reverse()) await appendEvents(db, [event]); // recorded newest first
    await migrate(scratch.url);
    expect(await projector.catchUp()).toBe(events.length);
    expect((await createQueries(db).getProgram('p-old'))?.version).toBe(events.length);
  });
});

describe('the programs projection', () => {
  it('builds the program and milestone rows the queries serve', async () => {
    const events = simulateProgram('p-read', '2026-01-05', [
      { kind: 'sign-off', milestone: 1, day: 100 },
      { kind: 'tick', day: 300 },
    ]);
    await appendEvents(db, events);
    expect(await projector.catchUp()).toBe(events.length);
    const queries = createQueries(db);
    const program = await queries.getProgram('p-read');
    // Served with the checklist as of today.
    expect(program).toEqual(programView(replay(events) as ProgramState, civilDateInNewYork(Date.now())));
    expect(program?.milestones.map((m) => m.status)).toEqual(['signed-off', 'overdue', 'pending']);
    const { rows } = await db.query(
      "SELECT milestone_id, status, signed_off_by FROM rm_milestones WHERE program_id = 'p-read' ORDER BY milestone_id",
    );
    expect(rows).toEqual([
      { milestone_id: 'm1', status: 'signed-off', signed_off_by: supervisor.id },
      { milestone_id: 'm2', status: 'overdue', signed_off_by: null },
      { milestone_id: 'm3', status: 'pending', signed_off_by: null },
    ]);
    expect((await queries.atRisk('2026-11-01')).map((r) => [r.program.programId, r.reasons])).toEqual([['p-read', ['overdue-milestones']]]);
    expect(await queries.countsByStatus()).toMatchObject({ active: 1, reclassified: 0 });
    expect(await queries.programEvents('p-read')).toHaveLength(events.length);
  });

  it('serves rows projected before progress reports existed with an empty list of them', async () => {
    const events = simulateProgram('p-before-reports', '2026-01-05', [{ kind: 'tick', day: 10 }]);
    await appendEvents(db, events);
    await projector.catchUp();
    // As a row written by the projection of an earlier release looks.
    await db.query("UPDATE rm_programs SET view = view - 'progressReports' WHERE program_id = 'p-before-reports'");
    const queries = createQueries(db);
    expect((await queries.getProgram('p-before-reports'))?.progressReports).toEqual([]);
    const listed = await queries.listPrograms({ limit: 200 });
    expect(listed.items.find((p) => p.programId === 'p-before-reports')?.progressReports).toEqual([]);
    // Back as this release writes it, for the rebuild comparisons below.
    await db.query("UPDATE rm_programs SET view = jsonb_set(view, '{progressReports}', '[]') WHERE program_id = 'p-before-reports'");
  });

  it('does not pass an event whose transaction commits after a later one, and skips nothing once it does', async () => {
    const early = simulateProgram('p-early', '2026-02-02', []);
    const late = simulateProgram('p-late', '2026-02-03', []);
    const holder = await db.connect();
    try {
      await holder.query('BEGIN');
      await appendEvents(holder, early); // takes its transaction id and positions first…
      await appendEvents(db, late); // …while this later transaction commits first
      expect(await projector.runOnce()).toBe(0);
      expect((await readModel()).programs).toEqual([]);
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
    expect(await projector.catchUp()).toBe(early.length + late.length);
    expect((await readModel()).programs.map((p) => p.program_id)).toEqual(['p-early', 'p-late']);
  });

  it('rebuilt from zero equals the model built incrementally, over every command kind, with duplicates and redeliveries', async () => {
    const seen = new Set<string>();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(stepArb, { maxLength: 12 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
        async (programSteps, deliveryPlan) => {
          // A fresh schema now and then (it takes a while); the runs in between add programs of their own.
          if (run++ % 25 === 0) await scratch.reset();
          const streams = programSteps.map((steps, i) => simulateProgram(`p-${run}-${i}`, addMonths('2025-06-10', i), steps));
          for (const event of streams.flat()) seen.add(event.type);
          const ids = new Set(streams.map((s) => s[0]?.programId));
          // Deliver each stream in order, in batches of varying size; some batches are delivered again.
          const cursors = streams.map(() => 0);
          let planIndex = 0;
          while (cursors.some((c, i) => c < (streams[i]?.length ?? 0))) {
            const pick = deliveryPlan[planIndex++ % deliveryPlan.length] ?? 0;
            let i = pick % streams.length;
            while ((cursors[i] ?? 0) >= (streams[i]?.length ?? 0)) i = (i + 1) % streams.length; // skip finished streams
            const stream = streams[i] ?? [];
            const from = cursors[i] ?? 0;
            const to = Math.min(stream.length, from + 1 + (pick % 4));
            await appendEvents(db, stream.slice(from, to));
            if (pick % 3 === 0) await appendEvents(db, stream.slice(Math.max(0, from - 2), to)); // redelivery
            cursors[i] = to;
            if (pick % 2 === 0) await projector.runOnce();
          }
          await projector.catchUp();
          const incremental = await readModel();
          expect(incremental.programs.filter((p) => ids.has(p.program_id)).map((p) => p.view)).toEqual(
            streams.map((s) => programView(replay(s) as ProgramState)),
          );
          // Now and then with the indexes dropped during the load and built after, as for a large log,
          // and reads of 20 events, so a program's events span several.
          const rebuilding = run % 20 === 1 ? createProjector(db, { batchSize: 1, deferIndexesFrom: 0 }) : projector;
          const { applied } = await rebuilding.rebuild();
          const { rows: counted } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM program_events');
          expect(applied).toBe(counted[0]?.n);
          expect(await readModel()).toEqual(incremental);
          // The rebuild leaves the checkpoint at the end of the log, so nothing is read twice.
          const { rows } = await db.query(
            `SELECT (c.last_transaction_id, c.last_position) = (e.transaction_id, e.position) AS at_end
               FROM projection_checkpoints c,
                    (SELECT transaction_id, position FROM program_events ORDER BY transaction_id DESC, position DESC LIMIT 1) e`,
          );
          expect(rows).toEqual([{ at_end: true }]);
        },
      ),
      { numRuns: 200 },
    );
    // Every kind of command made it into some run, each with the events it records.
    for (const type of [
      'milestone-signed-off',
      'sign-off-retracted',
      'schedule-amended',
      'service-rated',
      'leave-recorded',
      'leave-cancelled',
      'transferred',
      'withdrawn',
      'progress-report-submitted',
      'progress-report-reviewed',
      'program-ended',
    ]) {
      expect(seen, type).toContain(type);
    }
    // 200 runs of real rebuilds: a few seconds on an idle machine, minutes with every core busy.
  }, 900_000);

  it('rebuilds text that COPY escapes (backslashes, tabs, line breaks, quotes) exactly as the live projector wrote it', async () => {
    const awkward = 'Zoë \\ O\'Neil\t"Jr."\r\nline 2 \\N \\\\ 名';
    // The trainee's name and a milestone's title, as the log may hold them.
    const inJson = JSON.stringify(awkward).slice(1, -1);
    const events = simulateProgram('p-awkward', '2026-04-06', [{ kind: 'sign-off', milestone: 1, day: 30 }]).map(
      (event) =>
        JSON.parse(
          JSON.stringify(event).replaceAll('Jordan Example', inJson).replaceAll('Contract administration', inJson),
        ) as typeof event,
    );
    expect(JSON.stringify(events)).toContain(inJson);
    await appendEvents(db, events);
    await projector.catchUp();
    const incremental = await readModel();
    const served = await createQueries(db).getProgram('p-awkward');
    expect(served?.trainee.name).toBe(awkward);
    // The bulk path (COPY) for every program, with the indexes built after.
    await createProjector(db, { deferIndexesFrom: 0 }).rebuild();
    expect(await readModel()).toEqual(incremental);
    expect((await createQueries(db).getProgram('p-awkward'))?.trainee.name).toBe(awkward);
  });

  it('rebuilds while events keep arriving, and the live projector then picks up the rest', async () => {
    const before = simulateProgram('p-before', '2026-03-02', [{ kind: 'sign-off', milestone: 1, day: 10 }]);
    const during = simulateProgram('p-during', '2026-03-03', [{ kind: 'rate', satisfactory: true, day: 20 }]);
    await appendEvents(db, before);
    await projector.catchUp();
    let appending: Promise<unknown> | undefined;
    await projector.rebuild(() => {
      appending ??= appendEvents(db, during);
    });
    // The append started during the rebuild has committed before the projector is asked to catch up.
    expect(appending).toBeDefined();
    await appending;
    await projector.catchUp();
    const ids = (await readModel()).programs.map((p) => [p.program_id, p.version]);
    expect(ids).toEqual([
      ['p-before', before.length],
      ['p-during', during.length],
    ]);
    const indexes = await db.query("SELECT indexname FROM pg_indexes WHERE tablename = 'rm_programs' ORDER BY indexname");
    expect(indexes.rows.map((r) => r.indexname)).toContain('rm_programs_status');
  });

  it('stops a rebuild at a gap in the log, mid-load, and leaves the live read model as it was', async () => {
    // Many programs in small batches, so reads and writes of the load are under way when the gap is met.
    const whole = Array.from({ length: 12 }, (_, i) =>
      simulateProgram(`p-gap-${String(i).padStart(2, '0')}`, '2026-04-06', [{ kind: 'sign-off', milestone: 1, day: 10 }]),
    );
    for (const events of whole) await appendEvents(db, events);
    await projector.catchUp();
    const live = await readModel();
    const broken = simulateProgram('p-gap-99', '2026-04-07', [
      { kind: 'sign-off', milestone: 1, day: 10 },
      { kind: 'sign-off', milestone: 2, day: 20 },
    ]);
    await appendEvents(
      db,
      broken.filter((e) => e.version !== 2),
    );
    const rebuilding = createProjector(db, { batchSize: 1, deferIndexesFrom: 0 });
    await expect(rebuilding.rebuild()).rejects.toThrow(/program p-gap-99: event version 3 follows 1; the log has a gap/);
    expect(await readModel()).toEqual(live);
  });
});
