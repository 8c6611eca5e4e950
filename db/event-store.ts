/**
 * The event log: append-only, idempotent by event id, one version sequence per program. The
 * activities and the benchmark append through here; projections read it in commit order.
 */
import type { Pool, PoolClient } from 'pg';
import type { RenderedNotice } from '../domain/notices.js';
import type { ProgramEvent } from '../domain/program.js';

/**
 * Two histories disagree: an event id already recorded with other content, or a second event at a
 * version already taken. Retrying cannot help; the recording activity stops on it (non-retryable).
 * The message names ids and versions only, never the events' data.
 */
export class EventConflictError extends Error {
  constructor(
    readonly eventId: string,
    readonly conflict: 'same-id-other-content' | 'same-version-other-id',
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`event ${eventId} conflicts with the log: ${detail}`, options);
    this.name = 'EventConflictError';
  }
}

/** The row shape an append takes: a recorded domain event. */
export type EventToAppend = Pick<ProgramEvent, 'id' | 'programId' | 'version' | 'type' | 'occurredAt' | 'actor' | 'schemaVersion'> & {
  reason?: string | undefined;
  data: unknown;
};

/**
 * Appends events; an event already in the log is not written again. An id that is already taken by
 * a different event means two histories disagree (a reset workflow, say): that stops the line.
 */
export async function appendEvents(db: Pool | PoolClient, events: readonly EventToAppend[]): Promise<{ appended: number }> {
  if (events.length === 0) return { appended: 0 };
  const rows = JSON.stringify(
    events.map((e) => ({
      event_id: e.id,
      program_id: e.programId,
      version: e.version,
      type: e.type,
      occurred_at: e.occurredAt,
      actor_id: e.actor.id,
      actor_role: e.actor.role,
      reason: e.reason ?? null,
      data: e.data,
      schema_version: e.schemaVersion,
    })),
  );
  let appended: Set<string>;
  try {
    const result = await db.query<{ event_id: string }>(
      `INSERT INTO program_events
         (event_id, program_id, version, type, occurred_at, actor_id, actor_role, reason, data, schema_version)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
         event_id text, program_id text, version integer, type text, occurred_at timestamptz,
         actor_id text, actor_role text, reason text, data jsonb, schema_version integer)
       ORDER BY program_id, version
       ON CONFLICT (event_id) DO NOTHING
       RETURNING event_id`,
      [rows],
    );
    appended = new Set(result.rows.map((r) => r.event_id));
  } catch (error) {
    if (isVersionClash(error)) throw await versionClash(db, events, error);
    throw error;
  }
  if (appended.size < events.length) {
    // Ids already in the log: the same event again is fine (a retried activity), anything else is a
    // conflict. Every column is compared; jsonb compares by value, so key order does not matter.
    const differing = await db.query<{ event_id: string }>(
      `SELECT r.event_id
         FROM jsonb_to_recordset($1::jsonb) AS r(
           event_id text, program_id text, version integer, type text, occurred_at timestamptz,
           actor_id text, actor_role text, reason text, data jsonb, schema_version integer)
         JOIN program_events e ON e.event_id = r.event_id
        WHERE r.event_id <> ALL($2::text[])
          AND (e.program_id, e.version, e.type, e.occurred_at, e.actor_id, e.actor_role, e.reason, e.data, e.schema_version)
              IS DISTINCT FROM
              (r.program_id, r.version, r.type, r.occurred_at, r.actor_id, r.actor_role, r.reason, r.data, r.schema_version)
        LIMIT 1`,
      [rows, [...appended]],
    );
    const first = differing.rows[0];
    if (first) throw new EventConflictError(first.event_id, 'same-id-other-content', 'that id is recorded with other content');
  }
  return { appended: appended.size };
}

function isVersionClash(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown };
  return e.code === '23505' && e.constraint === 'program_events_program_version';
}

/** The first event whose version is taken by another id, as a conflict. */
async function versionClash(db: Pool | PoolClient, events: readonly EventToAppend[], cause: unknown): Promise<EventConflictError> {
  const { rows } = await db
    .query<{ event_id: string; program_id: string; version: number }>(
      `SELECT e.event_id, e.program_id, e.version FROM program_events e
       JOIN jsonb_to_recordset($1::jsonb) AS r(event_id text, program_id text, version integer)
         ON e.program_id = r.program_id AND e.version = r.version AND e.event_id <> r.event_id
      LIMIT 1`,
      [JSON.stringify(events.map((e) => ({ event_id: e.id, program_id: e.programId, version: e.version })))],
    )
    .catch(() => ({ rows: [] }));
  const taken = rows[0];
  const mine = taken ? events.find((e) => e.programId === taken.program_id && e.version === taken.version) : undefined;
  return new EventConflictError(
    mine?.id ?? events[0]?.id ?? '(none)',
    'same-version-other-id',
    taken ? `version ${taken.version} of program ${taken.program_id} is event ${taken.event_id}` : 'its version is taken by another event',
    { cause },
  );
}

/** Records notices once each, keyed by their business key (program + kind). */
export async function recordNotices(db: Pool | PoolClient, notices: readonly RenderedNotice[]): Promise<{ issued: number }> {
  if (notices.length === 0) return { issued: 0 };
  const result = await db.query(
    `INSERT INTO notices (notice_id, program_id, kind, event_id, issued_on, recipients, subject, body)
     SELECT notice_id, program_id, kind, event_id, issued_on, recipients, subject, body
     FROM jsonb_to_recordset($1::jsonb) AS r(
       notice_id text, program_id text, kind text, event_id text, issued_on date,
       recipients jsonb, subject text, body text)
     ON CONFLICT (notice_id) DO NOTHING`,
    [
      JSON.stringify(
        notices.map((n) => ({
          notice_id: n.noticeId,
          program_id: n.programId,
          kind: n.kind,
          event_id: n.eventId,
          issued_on: n.issuedOn,
          recipients: n.recipients,
          subject: n.subject,
          body: n.body,
        })),
      ),
    ],
  );
  return { issued: result.rowCount ?? 0 };
}
