/**
 * The programs projection: rm_programs and rm_milestones, derived from the event log with the same
 * `evolve` the workflow uses (rules are not written twice).
 *
 * Commit order. Events are read by (transaction_id, position), and only from transactions older than
 * the oldest one still running in this database (see readAfter). Ordering by a sequence alone would
 * skip an event whose transaction took its sequence number early but committed after a later one was read.
 *
 * Exactly once. The checkpoint is written in the same transaction as the rows it covers, and each
 * program row keeps the version it has applied: an event seen twice changes nothing.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { EVENT_TYPES, evolve, type ProgramEvent, type ProgramState } from '../domain/program.js';
import { programView } from '../domain/view.js';

export const PROGRAMS_PROJECTION = 'programs';

interface Tables {
  programs: string;
  milestones: string;
}

const LIVE: Tables = { programs: 'rm_programs', milestones: 'rm_milestones' };
const REBUILD: Tables = { programs: 'rm_programs_rebuild', milestones: 'rm_milestones_rebuild' };

/** A place in the log: the last event applied. */
export interface Checkpoint {
  transactionId: string;
  position: string;
}

const START: Checkpoint = { transactionId: '0', position: '0' };

interface LogRow {
  event_id: string;
  program_id: string;
  version: number;
  type: string;
  /** As Date#toISOString writes it (LOG_COLUMNS formats it in the database: no Date made and turned back). */
  occurred_at: string;
  actor_id: string;
  actor_role: string;
  reason: string | null;
  data: unknown;
  schema_version: number;
  // As text: xid8 and bigint do not fit a JS number. (Named apart from the columns so that the
  // ORDER BY below sorts the numbers, not their text.)
  transaction_id_text: string;
  position_text: string;
}

/** A LogRow's columns. The instant as text in UTC to the millisecond, as the workflow wrote it. */
const LOG_COLUMNS = `event_id, program_id, version, type,
       to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
       actor_id, actor_role, reason, data, schema_version,
       transaction_id::text AS transaction_id_text, position::text AS position_text`;

const knownTypes = new Set<string>(EVENT_TYPES);

/** A stored row as a domain event; a row this code cannot read stops the projection loudly. */
function toDomainEvent(row: LogRow): ProgramEvent {
  if (!knownTypes.has(row.type)) throw new Error(`event ${row.event_id} has unknown type ${row.type}`);
  if (row.schema_version !== 1) throw new Error(`event ${row.event_id} has schema version ${row.schema_version}; this code reads 1`);
  const event = {
    id: row.event_id,
    programId: row.program_id,
    version: row.version,
    type: row.type,
    occurredAt: row.occurred_at,
    actor: { id: row.actor_id, role: row.actor_role },
    data: row.data,
    schemaVersion: 1,
    ...(row.reason === null ? {} : { reason: row.reason }),
  };
  return event as ProgramEvent; // type checked above; data is what the workflow wrote for that type
}

/**
 * The next events in commit order after `after`, from finished transactions only. The horizon is the
 * oldest transaction still running in this statement's snapshot, leaving out those known to belong to
 * another database (they cannot append here): a long transaction elsewhere on the server holds
 * nothing back. A transaction not found in pg_stat_activity (ended since, or not visible to this
 * role) still counts, so the horizon errs on the side of waiting.
 */
async function readAfter(db: Pool | PoolClient, after: Checkpoint, limit: number): Promise<LogRow[]> {
  const { rows } = await db.query<LogRow>(
    `WITH snapshot AS (SELECT pg_current_snapshot() AS s),
          horizon AS (
            SELECT coalesce(
                     (SELECT min(x) FROM pg_snapshot_xip(s) AS x
                       WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                                          WHERE a.backend_xid = x::xid AND a.datname IS DISTINCT FROM current_database())),
                     pg_snapshot_xmax(s)) AS h
              FROM snapshot)
     SELECT ${LOG_COLUMNS}
       FROM program_events, horizon
      WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
        AND transaction_id < horizon.h
      ORDER BY transaction_id, position
      LIMIT $3`,
    [after.transactionId, after.position, limit],
  );
  return rows;
}

const lastOf = (rows: readonly LogRow[], fallback: Checkpoint): Checkpoint => {
  const last = rows.at(-1);
  return last ? { transactionId: last.transaction_id_text, position: last.position_text } : fallback;
};

/** A program's rm_milestones rows, as the projector writes them. */
export function milestoneRows(state: ProgramState) {
  return state.milestones.map((m) => ({
    program_id: state.programId,
    milestone_id: m.id,
    title: m.title,
    due_date: m.dueDate,
    status: m.status,
    signed_off_by: m.signedOffBy ?? null,
    signed_off_on: m.signedOffOn ?? null,
  }));
}

/** A program's rm_programs row: the filtered columns, the working state and the served view. */
export function programRow(state: ProgramState) {
  const view = programView(state);
  return {
    program_id: state.programId,
    version: state.version,
    status: state.status,
    agency: view.agency,
    target_class_code: view.targetClassCode,
    supervisor_id: view.supervisorId,
    program_manager_id: view.programManagerId,
    trainee_employee_id: view.traineeEmployeeId,
    appointment_date: view.appointmentDate,
    earliest_reclassification_date: view.earliestReclassificationDate,
    latest_completion_date: view.latestCompletionDate,
    overdue_milestones: view.milestones.filter((m) => m.status === 'overdue').length,
    meets_target_class: view.qualification.meetsTargetClass,
    state,
    view,
  };
}

/** Folds a batch of events into the projection's tables; events already applied are skipped. */
async function applyRows(db: Pool | PoolClient, rows: readonly LogRow[], tables: Tables): Promise<void> {
  const byProgram = new Map<string, LogRow[]>();
  for (const row of rows) {
    const list = byProgram.get(row.program_id);
    if (list) list.push(row);
    else byProgram.set(row.program_id, [row]);
  }
  const programIds = [...byProgram.keys()];
  const existing = await db.query<{ program_id: string; version: number; state: ProgramState }>(
    `SELECT program_id, version, state FROM ${tables.programs} WHERE program_id = ANY($1::text[])`,
    [programIds],
  );
  const current = new Map(existing.rows.map((r) => [r.program_id, r]));
  const changed: ProgramState[] = [];
  for (const [programId, events] of byProgram) {
    let state: ProgramState | null = current.get(programId)?.state ?? null;
    let version = current.get(programId)?.version ?? 0;
    for (const row of events) {
      if (row.version <= version) continue; // applied already
      if (row.version !== version + 1) {
        throw new Error(`program ${programId}: event version ${row.version} follows ${version}; the log has a gap`);
      }
      state = evolve(state, toDomainEvent(row));
      version = row.version;
    }
    if (state && version !== (current.get(programId)?.version ?? 0)) changed.push(state);
  }
  if (changed.length === 0) return;
  await upsertPrograms(db, changed, tables);
}

/** The columns of programRow and milestoneRows, as the projection's tables name them. */
const PROGRAM_COLUMNS = [
  'program_id',
  'version',
  'status',
  'agency',
  'target_class_code',
  'supervisor_id',
  'program_manager_id',
  'trainee_employee_id',
  'appointment_date',
  'earliest_reclassification_date',
  'latest_completion_date',
  'overdue_milestones',
  'meets_target_class',
  'state',
  'view',
] as const satisfies readonly (keyof ReturnType<typeof programRow>)[];
const MILESTONE_COLUMNS = [
  'program_id',
  'milestone_id',
  'title',
  'due_date',
  'status',
  'signed_off_by',
  'signed_off_on',
] as const satisfies readonly (keyof ReturnType<typeof milestoneRows>[number])[];

/** The live projector's upsert: a program already there is replaced only by a newer version. */
const NEWER_VERSION_REPLACES = `ON CONFLICT (program_id) DO UPDATE SET
       version = EXCLUDED.version, status = EXCLUDED.status, agency = EXCLUDED.agency,
       target_class_code = EXCLUDED.target_class_code, supervisor_id = EXCLUDED.supervisor_id,
       program_manager_id = EXCLUDED.program_manager_id, trainee_employee_id = EXCLUDED.trainee_employee_id,
       appointment_date = EXCLUDED.appointment_date,
       earliest_reclassification_date = EXCLUDED.earliest_reclassification_date,
       latest_completion_date = EXCLUDED.latest_completion_date, overdue_milestones = EXCLUDED.overdue_milestones,
       meets_target_class = EXCLUDED.meets_target_class, state = EXCLUDED.state, view = EXCLUDED.view,
       updated_at = EXCLUDED.updated_at
     WHERE p.version < EXCLUDED.version`;

/**
 * The live projector's write: programs' rows and milestones, each batch in three statements. A
 * program may be there already, at an older version, and a schedule amendment can remove
 * milestones, so a changed program's milestones are rewritten. (A rebuild's bulk phase, which
 * writes each program once into empty tables, copies them instead: copyPrograms.)
 */
async function upsertPrograms(db: Pool | PoolClient, changed: readonly ProgramState[], tables: Tables): Promise<void> {
  await db.query(
    `INSERT INTO ${tables.programs} AS p (${PROGRAM_COLUMNS.join(', ')}, updated_at)
     SELECT ${PROGRAM_COLUMNS.join(', ')}, now()
       FROM jsonb_to_recordset($1::jsonb) AS r(
         program_id text, version integer, status text, agency text, target_class_code text, supervisor_id text,
         program_manager_id text, trainee_employee_id text, appointment_date date, earliest_reclassification_date date,
         latest_completion_date date, overdue_milestones integer, meets_target_class boolean, state jsonb, view jsonb)
     ${NEWER_VERSION_REPLACES}`,
    [JSON.stringify(changed.map(programRow))],
  );
  await db.query(`DELETE FROM ${tables.milestones} WHERE program_id = ANY($1::text[])`, [changed.map((s) => s.programId)]);
  await db.query(
    `INSERT INTO ${tables.milestones} (${MILESTONE_COLUMNS.join(', ')})
     SELECT ${MILESTONE_COLUMNS.join(', ')}
       FROM jsonb_to_recordset($1::jsonb) AS r(
         program_id text, milestone_id text, title text, due_date date, status text, signed_off_by text, signed_off_on date)`,
    [JSON.stringify(changed.flatMap(milestoneRows))],
  );
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY's text format: `\N` for null, objects as JSON, and the four characters it escapes. */
function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] ?? c) : text;
}

function copyLines<R>(rows: readonly R[], columns: readonly (keyof R)[]): string {
  let text = '';
  for (const row of rows) text += `${columns.map((column) => copyField(row[column])).join('\t')}\n`;
  return text;
}

/**
 * A rebuild's bulk write: each batch by COPY into the empty tables, which the server parses once
 * (an INSERT from jsonb_to_recordset parses every state and view twice, as part of the array and
 * again as a column). Both tables on one connection, one after the other.
 */
async function copyPrograms(pool: Pool, changed: readonly ProgramState[], tables: Tables): Promise<void> {
  const client = await pool.connect();
  try {
    const copy = async (table: string, columns: readonly string[], text: string): Promise<void> => {
      if (text === '') return;
      await pipeline(Readable.from([text]), client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
    };
    await copy(tables.programs, PROGRAM_COLUMNS, copyLines(changed.map(programRow), PROGRAM_COLUMNS));
    await copy(tables.milestones, MILESTONE_COLUMNS, copyLines(changed.flatMap(milestoneRows), MILESTONE_COLUMNS));
  } finally {
    client.release();
  }
}

async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function lockCheckpoint(client: PoolClient): Promise<Checkpoint> {
  const { rows } = await client.query<{ last_transaction_id: string; last_position: string }>(
    `SELECT last_transaction_id::text AS last_transaction_id, last_position::text AS last_position
       FROM projection_checkpoints WHERE projection = $1 FOR UPDATE`,
    [PROGRAMS_PROJECTION],
  );
  const row = rows[0];
  if (!row) throw new Error(`no checkpoint row for projection ${PROGRAMS_PROJECTION}; run the migrations`);
  return { transactionId: row.last_transaction_id, position: row.last_position };
}

async function saveCheckpoint(client: PoolClient, checkpoint: Checkpoint): Promise<void> {
  await client.query(
    `UPDATE projection_checkpoints SET last_transaction_id = $2::xid8, last_position = $3::bigint, updated_at = now()
      WHERE projection = $1`,
    [PROGRAMS_PROJECTION, checkpoint.transactionId, checkpoint.position],
  );
}

/** Moves the index names of the rebuilt table to those the migrations gave the live one. */
async function adoptIndexNames(client: PoolClient, liveTable: string, rebuiltTable: string): Promise<void> {
  const indexes = await client.query<{ tablename: string; indexname: string; indexdef: string }>(
    'SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY($1::text[])',
    [[liveTable, rebuiltTable]],
  );
  const shape = (def: string): string => def.slice(def.indexOf(' USING '));
  const rebuilt = indexes.rows.filter((i) => i.tablename === rebuiltTable);
  const live = indexes.rows.filter((i) => i.tablename === liveTable);
  await client.query(`DROP TABLE ${liveTable}`);
  for (const index of live) {
    const twin = rebuilt.find((r) => shape(r.indexdef) === shape(index.indexdef));
    if (twin) await client.query(`ALTER INDEX ${twin.indexname} RENAME TO ${index.indexname}`);
  }
  await client.query(`ALTER TABLE ${rebuiltTable} RENAME TO ${liveTable}`);
}

/** The last event that readAfter could read now (the start when there is none): where a rebuild's bulk phase ends. */
async function readableEnd(db: Pool | PoolClient): Promise<Checkpoint> {
  const { rows } = await db.query<{ transaction_id_text: string; position_text: string }>(
    `WITH snapshot AS (SELECT pg_current_snapshot() AS s),
          horizon AS (
            SELECT coalesce(
                     (SELECT min(x) FROM pg_snapshot_xip(s) AS x
                       WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                                          WHERE a.backend_xid = x::xid AND a.datname IS DISTINCT FROM current_database())),
                     pg_snapshot_xmax(s)) AS h
              FROM snapshot)
     SELECT transaction_id::text AS transaction_id_text, position::text AS position_text
       FROM program_events, horizon
      WHERE transaction_id < horizon.h
      ORDER BY transaction_id DESC, position DESC
      LIMIT 1`,
  );
  const row = rows[0];
  return row ? { transactionId: row.transaction_id_text, position: row.position_text } : START;
}

/**
 * A rebuild's bulk phase: every event up to `upTo`, read program by program (the log's unique
 * (program_id, version) index), so each program is folded once in memory and inserted once: no
 * read-back of states, no upsert, no milestone deletes. The events after `upTo` follow by the
 * ordinary path (applyAll), which finds each program at the version the bulk phase left it.
 *
 * Pipelined on the pool's connections: the next batch is read, and the last one's rows are written,
 * while this process folds the current batch, so the database and this process work side by side
 * (one write in flight at a time, so memory holds at most three batches).
 */
async function bulkLoad(
  db: Pool,
  upTo: Checkpoint,
  tables: Tables,
  batchSize: number,
  onBatch: (applied: number) => void,
): Promise<number> {
  // Each read and write is awaited later, so it is marked handled now: one failing while another is
  // awaited must not be an unhandled rejection (the await below still throws it).
  const handled = <T>(promise: Promise<T>): Promise<T> => {
    promise.catch(() => undefined);
    return promise;
  };
  const read = (after: { programId: string; version: number }) =>
    handled(
      db.query<LogRow>(
        `SELECT ${LOG_COLUMNS}
         FROM program_events
        WHERE (program_id, version) > ($1::text, $2::integer)
          AND (transaction_id, position) <= ($3::xid8, $4::bigint)
        ORDER BY program_id, version
        LIMIT $5`,
        [after.programId, after.version, upTo.transactionId, upTo.position, batchSize],
      ),
    );
  let applied = 0;
  let open: ProgramState | null = null; // the last program of a batch, whose events may go on in the next
  let reading = read({ programId: '', version: 0 });
  let writing: Promise<unknown> = Promise.resolve();
  try {
    for (;;) {
      const { rows } = await reading;
      const last = rows.at(-1);
      const more = last !== undefined && rows.length === batchSize;
      if (more) reading = read({ programId: last.program_id, version: last.version });
      const finished: ProgramState[] = [];
      for (const row of rows) {
        if (open && open.programId !== row.program_id) {
          finished.push(open);
          open = null;
        }
        const version = open?.version ?? 0;
        if (row.version !== version + 1) {
          throw new Error(`program ${row.program_id}: event version ${row.version} follows ${version}; the log has a gap`);
        }
        open = evolve(open, toDomainEvent(row));
      }
      if (!more && open) {
        finished.push(open);
        open = null;
      }
      await writing;
      if (finished.length > 0) writing = handled(copyPrograms(db, finished, tables));
      applied += rows.length;
      onBatch(applied);
      if (!more) break;
    }
    await writing;
    return applied;
  } finally {
    // On a failure, nothing is left running against the pool (the caller drops the tables).
    await Promise.allSettled([reading, writing]);
  }
}

/** Drops the secondary indexes of a table a rebuild is about to fill, and answers how to build them again. */
async function deferIndexes(db: Pool, table: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string; definition: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = $1::regclass AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
    [table],
  );
  for (const { name } of rows) await db.query(`DROP INDEX ${name}`);
  return rows.map((r) => r.definition);
}

/** Runs `work` over `items`, at most `width` at a time. */
async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/** Applies every readable event after `from` into `tables`, batch by batch. */
async function applyAll(
  db: Pool | PoolClient,
  from: Checkpoint,
  tables: Tables,
  batchSize: number,
  appliedBefore: number,
  onBatch: (applied: number) => void,
): Promise<{ checkpoint: Checkpoint; applied: number }> {
  let checkpoint = from;
  let applied = appliedBefore;
  for (;;) {
    const rows = await readAfter(db, checkpoint, batchSize);
    if (rows.length === 0) return { checkpoint, applied };
    await applyRows(db, rows, tables);
    checkpoint = lastOf(rows, checkpoint);
    applied += rows.length;
    onBatch(applied);
  }
}

export interface RebuildProgress {
  applied: number;
  total: number;
}

export function createProjector(pool: Pool, options: { batchSize?: number; deferIndexesFrom?: number } = {}) {
  const batchSize = options.batchSize ?? 1000;
  // Dropping and rebuilding the indexes costs a fixed ~20 statements: worth it only for a large log.
  const deferIndexesFrom = options.deferIndexesFrom ?? 50_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  let tick = (): void => {};

  /** Applies every event committed so far; returns how many it read. */
  async function runOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const read = await inTransaction(pool, async (client) => {
        const checkpoint = await lockCheckpoint(client);
        const rows = await readAfter(client, checkpoint, batchSize);
        if (rows.length === 0) return 0;
        await applyRows(client, rows, LIVE);
        await saveCheckpoint(client, lastOf(rows, checkpoint));
        return rows.length;
      });
      total += read;
      if (read < batchSize) return total;
    }
  }

  /**
   * Applies at least every event committed before the call. runOnce alone may stop short while any
   * transaction in the cluster that is older than an event is still open (it holds back xmin).
   */
  async function catchUp(timeoutMs = 30_000): Promise<number> {
    const { rows } = await pool.query<{ transaction_id: string; position: string }>(
      `SELECT transaction_id::text AS transaction_id, position::text AS position FROM program_events
        ORDER BY program_events.transaction_id DESC, program_events.position DESC LIMIT 1`,
    );
    const target = rows[0];
    let total = 0;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      total += await runOnce();
      if (!target) return total;
      const { rows: done } = await pool.query<{ reached: boolean }>(
        `SELECT (last_transaction_id, last_position) >= ($2::xid8, $3::bigint) AS reached
           FROM projection_checkpoints WHERE projection = $1`,
        [PROGRAMS_PROJECTION, target.transaction_id, target.position],
      );
      if (done[0]?.reached) return total;
      if (Date.now() > deadline) throw new Error('the projection did not catch up with the log in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  return {
    runOnce,
    catchUp,

    /**
     * Polls the log until stopped. A failed step (the database restarting, say) is reported and
     * tried again, waiting longer after each failure in a row (up to 5 s); the checkpoint is where
     * the last committed step left it, so nothing is skipped or applied twice. `wake` runs a step at
     * once (db/notifications.ts calls it when events are appended), so the interval is only the
     * fallback for a missed notification.
     */
    start(intervalMs = 250, onError: (error: unknown) => void = (e) => console.error('projection failed:', e)): void {
      stopped = false;
      let failuresInARow = 0;
      let busy = false;
      let again = false;
      tick = (): void => {
        if (stopped) return;
        if (busy) {
          again = true; // appended while a step was running: one more step right after it
          return;
        }
        if (timer) clearTimeout(timer);
        busy = true;
        running = runOnce()
          .then(
            () => {
              failuresInARow = 0;
            },
            (error: unknown) => {
              failuresInARow++;
              onError(error);
            },
          )
          .finally(() => {
            busy = false;
            if (stopped) return;
            if (again && failuresInARow === 0) {
              again = false;
              tick();
              return;
            }
            const delay = failuresInARow === 0 ? intervalMs : Math.min(intervalMs * 2 ** failuresInARow, 5_000);
            timer = setTimeout(tick, delay);
          });
      };
      tick();
    },

    /** Reads the log now rather than at the next poll (a no-op unless started). */
    wake(): void {
      tick();
    },

    /** Settles when the pass under way, if any, is over. */
    async idle(): Promise<void> {
      await running;
    },

    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },

    /**
     * Rebuilds the projection from the whole log into fresh tables, then swaps them in. Appends go on
     * throughout; the live projector waits only for the final catch-up and swap.
     */
    async rebuild(onProgress: (progress: RebuildProgress) => void = () => {}): Promise<{ applied: number }> {
      await pool.query(`DROP TABLE IF EXISTS ${REBUILD.programs}, ${REBUILD.milestones}`);
      await pool.query(`CREATE TABLE ${REBUILD.programs} (LIKE ${LIVE.programs} INCLUDING ALL)`);
      await pool.query(`CREATE TABLE ${REBUILD.milestones} (LIKE ${LIVE.milestones} INCLUDING ALL)`);
      const { rows: countRows } = await pool.query<{ total: string }>('SELECT count(*) AS total FROM program_events');
      const total = Number(countRows[0]?.total ?? 0);
      const report = (applied: number): void => onProgress({ applied, total: Math.max(total, applied) });
      // Indexes are built once over the loaded rows rather than kept up row by row (the primary keys stay).
      const defer = total >= deferIndexesFrom;
      const deferred = defer ? [...(await deferIndexes(pool, REBUILD.programs)), ...(await deferIndexes(pool, REBUILD.milestones))] : [];
      const upTo = await readableEnd(pool);
      // 20,000 events a read by default (docs/benchmarks.md): larger gained nothing measurable.
      const loaded = await bulkLoad(pool, upTo, REBUILD, batchSize * 20, report);
      // Two at a time: an index build is one backend's sort, and two tables' builds do not block each other.
      await inParallel(deferred, 2, (definition) => pool.query(definition));
      if (defer) await pool.query(`ANALYZE ${REBUILD.programs}, ${REBUILD.milestones}`);
      let progress = await applyAll(pool, upTo, REBUILD, batchSize * 10, loaded, report);
      return inTransaction(pool, async (client) => {
        await lockCheckpoint(client); // the live projector waits from here to the swap
        progress = await applyAll(client, progress.checkpoint, REBUILD, batchSize * 10, progress.applied, report);
        await adoptIndexNames(client, LIVE.milestones, REBUILD.milestones);
        await adoptIndexNames(client, LIVE.programs, REBUILD.programs);
        await client.query('SELECT rm_program_counts_attach()'); // db/migrations/010: counts follow the new table
        await saveCheckpoint(client, progress.checkpoint);
        return { applied: progress.applied };
      });
    },
  };
}

export type Projector = ReturnType<typeof createProjector>;
