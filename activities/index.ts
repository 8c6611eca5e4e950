/**
 * Activities are adapters: each does one side effect, idempotently, keyed by something stable
 * (the event id, the notice id), so a retry, a replay or a second worker never applies it twice.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { Notice } from '../domain/notices.js';
import type { ProgramEvent } from '../domain/program.js';
import { actorSchema, civilDate } from '../domain/schemas.js';

// Activity inputs are an edge: the workflow is ours, but a reset, a replayed old history or a
// hand-started workflow can still send something else.
const eventRowSchema = z.object({
  id: z.string().min(1),
  programId: z.string().min(1),
  version: z.number().int().positive(),
  type: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  actor: actorSchema,
  reason: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
  schemaVersion: z.number().int().positive(),
});

const noticeRowSchema = z.object({
  noticeId: z.string().min(1),
  programId: z.string().min(1),
  kind: z.string().min(1),
  eventId: z.string().min(1),
  issuedOn: civilDate,
  recipients: z.array(z.object({ role: z.string(), ref: z.string() })),
  subject: z.string().min(1),
  body: z.string().min(1),
});

function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(`invalid ${what}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 'invalid-activity-input');
  }
  return parsed.data;
}

export interface ActivityDependencies {
  db: Pool;
}

export function createActivities({ db }: ActivityDependencies) {
  return {
    /** Appends events to the event log; an event already there is not written again. */
    async recordEvents(events: ProgramEvent[]): Promise<{ appended: number }> {
      const rows = events.map((e) => parseInput(eventRowSchema, e, `event ${e.id}`));
      if (rows.length === 0) return { appended: 0 };
      const result = await db.query<{ event_id: string }>(
        `INSERT INTO program_events
           (event_id, program_id, version, type, occurred_at, actor_id, actor_role, reason, data, schema_version)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
           event_id text, program_id text, version integer, type text, occurred_at timestamptz,
           actor_id text, actor_role text, reason text, data jsonb, schema_version integer)
         ORDER BY version
         ON CONFLICT (event_id) DO NOTHING
         RETURNING event_id`,
        [
          JSON.stringify(
            rows.map((r) => ({
              event_id: r.id,
              program_id: r.programId,
              version: r.version,
              type: r.type,
              occurred_at: r.occurredAt,
              actor_id: r.actor.id,
              actor_role: r.actor.role,
              reason: r.reason ?? null,
              data: r.data,
              schema_version: r.schemaVersion,
            })),
          ),
        ],
      );
      const appended = new Set(result.rows.map((r) => r.event_id));
      await assertSameAsRecorded(db, rows.filter((r) => !appended.has(r.id)));
      return { appended: appended.size };
    },

    /** Issues notices; a notice already issued (same business key) is not issued again. */
    async issueNotices(notices: Notice[]): Promise<{ issued: number }> {
      const rows = notices.map((n) => parseInput(noticeRowSchema, n, `notice ${n.noticeId}`));
      if (rows.length === 0) return { issued: 0 };
      const result = await db.query(
        `INSERT INTO notices (notice_id, program_id, kind, event_id, issued_on, recipients, subject, body)
         SELECT notice_id, program_id, kind, event_id, issued_on, recipients, subject, body
         FROM jsonb_to_recordset($1::jsonb) AS r(
           notice_id text, program_id text, kind text, event_id text, issued_on date,
           recipients jsonb, subject text, body text)
         ON CONFLICT (notice_id) DO NOTHING`,
        [
          JSON.stringify(
            rows.map((n) => ({
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
    },
  };
}

/**
 * An event id already in the log must name the same event: a different one under the same id means
 * two histories disagree (a reset workflow, say), which must stop the line, not be dropped.
 */
async function assertSameAsRecorded(db: Pool, rows: z.infer<typeof eventRowSchema>[]): Promise<void> {
  if (rows.length === 0) return;
  const recorded = await db.query<{ event_id: string; type: string }>(
    'SELECT event_id, type FROM program_events WHERE event_id = ANY($1::text[])',
    [rows.map((r) => r.id)],
  );
  const typeById = new Map(recorded.rows.map((r) => [r.event_id, r.type]));
  for (const row of rows) {
    if (typeById.get(row.id) !== row.type) {
      throw ApplicationFailure.nonRetryable(
        `event ${row.id} is recorded with type ${typeById.get(row.id) ?? '(none)'}, not ${row.type}`,
        'event-conflict',
      );
    }
  }
}

export type Activities = ReturnType<typeof createActivities>;
