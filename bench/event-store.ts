/**
 * Event-store benchmark: appends N events (default 1,000,000) through the event store and rebuilds
 * the programs projection from them, each reported as events/s next to a baseline measured in the
 * same run: a plain COPY of the same rows into an unindexed table.
 *
 *   npx tsx bench/event-store.ts [events] [--concurrency 4] [--batch 1000] [--out result.json]
 *
 * Runs in a scratch database of its own (dropped at the end).
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrate } from '../db/migrate.js';
import { appendEvents } from '../db/event-store.js';
import { createProjector } from '../db/projections.js';
import { addDays, addMonths } from '../domain/dates.js';
import { defaultPolicy } from '../domain/policy.js';
import {
  decideEnrollment,
  execute,
  replay,
  stamp,
  type Actor,
  type ProgramCommand,
  type ProgramEvent,
  type ProgramState,
} from '../domain/program.js';
import type { Enrollment } from '../domain/rules.js';
import { findTargetClass } from '../domain/target-classes.js';
import { dropDatabase } from '../test/drop-database.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { concurrency: { type: 'string', default: '4' }, batch: { type: 'string', default: '1000' }, out: { type: 'string' } },
});
const totalEvents = Number(positionals[0] ?? 1_000_000);
const concurrency = Number(values.concurrency);
const batchSize = Number(values.batch);
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://lap:lap@127.0.0.1:5432/lap_test';

const hr: Actor = { id: 'hr-bench', role: 'hr' };
const supervisor: Actor = { id: 'sup-bench', role: 'supervisor' };
const system: Actor = { id: 'system', role: 'system' };

function enrollment(appointmentDate: string): Enrollment {
  return {
    trainee: { employeeId: 'E0000000', name: 'Bench Trainee', email: 'bench@example.gov' },
    agency: 'OPM',
    functionalRole: 'Agency Labor Relations Specialist Trainee',
    targetClassCode: '5257MP',
    supervisorId: supervisor.id,
    programManagerId: 'pm-bench',
    appointmentDate,
    hoursPerWeek: 40,
    schedule: {
      dasApprovalRef: 'DAS-BENCH',
      approvedOn: appointmentDate,
      plannedEndDate: addMonths(appointmentDate, 24),
      milestones: Array.from({ length: 6 }, (_, i) => ({
        id: `m${i + 1}`,
        title: `Rotation ${i + 1}`,
        dueDate: addMonths(appointmentDate, 3 * (i + 1)),
      })),
    },
    priorExperience: { generalYears: 5, specialYears: 2 },
    education: { semesterHours: 120, degrees: ['bachelor'] },
  };
}

/** A realistic stream: some milestones signed, some overdue, warnings, and an end. */
function templateStream(variant: number): ProgramEvent[] {
  const appointment = addDays('2024-01-08', variant * 7);
  const opened = decideEnrollment(enrollment(appointment), findTargetClass('5257MP'), defaultPolicy, hr);
  if (!opened.ok) throw new Error('bench enrollment rejected');
  const events = stamp('T', 0, opened.events, `${appointment}T14:00:00.000Z`);
  let state = replay(events) as ProgramState;
  const signed = variant % 7;
  const commands: [number, ProgramCommand, Actor][] = [];
  for (let m = 1; m <= signed; m++)
    commands.push([
      90 * m - 5,
      { type: 'sign-off-milestone', milestoneId: `m${m}`, signedOn: addDays(appointment, 90 * m - 5) },
      supervisor,
    ]);
  commands.push([170, { type: 'rate-service', rating: 'satisfactory', ratedOn: addDays(appointment, 170) }, supervisor]);
  for (let day = 30; day <= 1100; day += 30) commands.push([day, { type: 'advance-clock' }, system]);
  commands.sort((a, b) => a[0] - b[0]);
  for (const [day, command, actor] of commands) {
    const result = execute(state, command, actor, { today: addDays(appointment, day) });
    if (!result.ok || result.events.length === 0) continue;
    events.push(...stamp('T', state.version, result.events, `${addDays(appointment, day)}T14:00:00.000Z`));
    state = replay(events) as ProgramState;
  }
  return events;
}

const templates = Array.from({ length: 20 }, (_, i) => templateStream(i));

/** The events of program number `n`: a template under the program's own id. */
function programEvents(n: number): ProgramEvent[] {
  const programId = `bench-${n}`;
  const template = templates[n % templates.length] ?? [];
  return template.map((e) => ({ ...e, id: `${programId}/${e.version}`, programId }));
}

/**
 * Batches of about `size` events that never split a program: a workflow appends its program's
 * events one batch after another, so no two writers ever race on the same program.
 */
function* eventBatches(size: number): Generator<ProgramEvent[]> {
  let batch: ProgramEvent[] = [];
  let produced = 0;
  for (let n = 0; produced < totalEvents; n++) {
    const events = programEvents(n).slice(0, totalEvents - produced);
    batch.push(...events);
    produced += events.length;
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function writeCsv(path: string): Promise<void> {
  const out = createWriteStream(path);
  for (const batch of eventBatches(10_000)) {
    const chunk = batch
      .map((e) =>
        [
          e.id,
          e.programId,
          e.version,
          e.type,
          e.occurredAt,
          e.actor.id,
          e.actor.role,
          e.reason ?? null,
          JSON.stringify(e.data),
          e.schemaVersion,
        ]
          .map(csvField)
          .join(','),
      )
      .join('\n');
    if (!out.write(`${chunk}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

function psql(url: string, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', command], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql exited ${code}`))));
  });
}

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;
const rate = (events: number, s: number): string => `${Math.round(events / s).toLocaleString('en-US')} events/s`;

/**
 * Each timed phase starts from a checkpoint, so none of them pays for flushing what an earlier phase
 * (or an earlier benchmark on the same server) wrote. Needs pg_checkpoint (scripts/lib.sh grants it);
 * without it the phases run as they are, and the run says so.
 */
let mayCheckpoint = true;
async function checkpoint(): Promise<void> {
  if (!mayCheckpoint) return;
  try {
    await pool.query('CHECKPOINT');
  } catch (error) {
    mayCheckpoint = false;
    console.error(`[bench] no CHECKPOINT between phases (${(error as Error).message}); a phase may pay for an earlier one's writes`);
  }
}

const dbName = `lap_bench_${process.pid}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const benchUrl = url.toString();
const work = await mkdtemp(join(tmpdir(), 'lap-bench-'));
const pool = new pg.Pool({ connectionString: benchUrl, max: concurrency + 1 });
pool.on('error', () => {}); // connections are cut when the scratch database is dropped
try {
  await migrate(benchUrl);
  const csv = join(work, 'events.csv');
  await writeCsv(csv);

  // Baseline: COPY of the same rows into a table with no keys, indexes or triggers.
  await pool.query('CREATE TABLE bench_copy (LIKE program_events INCLUDING DEFAULTS)');
  await checkpoint();
  let start = process.hrtime.bigint();
  await psql(
    benchUrl,
    `\\copy bench_copy (event_id, program_id, version, type, occurred_at, actor_id, actor_role, reason, data, schema_version) FROM '${csv}' WITH (FORMAT csv)`,
  );
  const copySeconds = seconds(start);

  // Append through the event store, `concurrency` writers in batches of `batchSize`.
  const batches = eventBatches(batchSize);
  await checkpoint();
  start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let next = batches.next(); !next.done; next = batches.next()) await appendEvents(pool, next.value);
    }),
  );
  const appendSeconds = seconds(start);

  await checkpoint();
  start = process.hrtime.bigint();
  const { applied } = await createProjector(pool).rebuild();
  const rebuildSeconds = seconds(start);
  if (applied !== totalEvents) throw new Error(`rebuild applied ${applied} of ${totalEvents} events`);

  const result = {
    events: totalEvents,
    concurrency,
    batchSize,
    copy: { seconds: copySeconds, eventsPerSecond: totalEvents / copySeconds },
    append: { seconds: appendSeconds, eventsPerSecond: totalEvents / appendSeconds, ratioToCopy: copySeconds / appendSeconds },
    rebuild: { seconds: rebuildSeconds, eventsPerSecond: totalEvents / rebuildSeconds, ratioToCopy: copySeconds / rebuildSeconds },
  };
  console.log(`events            ${totalEvents.toLocaleString('en-US')}`);
  console.log(`COPY (baseline)   ${copySeconds.toFixed(1)} s  ${rate(totalEvents, copySeconds)}`);
  console.log(
    `append            ${appendSeconds.toFixed(1)} s  ${rate(totalEvents, appendSeconds)}  = ${(result.append.ratioToCopy * 100).toFixed(0)}% of COPY (target 25%)`,
  );
  console.log(
    `rebuild programs  ${rebuildSeconds.toFixed(1)} s  ${rate(totalEvents, rebuildSeconds)}  = ${(result.rebuild.ratioToCopy * 100).toFixed(0)}% of COPY (target 20%)`,
  );
  await writeFile(values.out ?? join(process.cwd(), 'bench', 'event-store.last.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await pool.end();
  await admin.end();
  await dropDatabase(adminUrl, dbName);
  await rm(work, { recursive: true, force: true });
}
