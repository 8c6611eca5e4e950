/**
 * The event log: append-only, idempotent by event id, one version sequence per program. The
 * activities and the benchmark append through here; projections read it in commit order.
 */
import type { Pool, PoolClient } from 'pg';
import type { RenderedNotice } from '../domain/notices.js';
import type { ProgramEvent } from '../domain/program.js';

export class EventConflictError extends Error {
  constructor(readonly eventId: string, recordedType: string | undefined, type: string) {
    super(`event ${eventId} is recorded with type ${recordedType ?? '(none)'}, not ${type}`);
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
  const result = await db.query<{ event_id: string }>(
    `INSERT INTO program_events
       (event_id, program_id, version, type, occurred_at, actor_id, actor_role, reason, data, schema_version)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
       event_id text, program_id text, version integer, type text, occurred_at timestamptz,
       actor_id text, actor_role text, reason text, data jsonb, schema_version integer)
     ORDER BY program_id, version
     ON CONFLICT (event_id) DO NOTHING
     RETURNING event_id`,
    [
      JSON.stringify(
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
      ),
    ],
  );
  const appended = new Set(result.rows.map((r) => r.event_id));
  const already = events.filter((e) => !appended.has(e.id));
  if (already.length > 0) {
    const recorded = await db.query<{ event_id: string; type: string }>(
      'SELECT event_id, type FROM program_events WHERE event_id = ANY($1::text[])',
      [already.map((e) => e.id)],
    );
    const typeById = new Map(recorded.rows.map((r) => [r.event_id, r.type]));
    for (const event of already) {
      if (typeById.get(event.id) !== event.type) throw new EventConflictError(event.id, typeById.get(event.id), event.type);
    }
  }
  return { appended: appended.size };
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
