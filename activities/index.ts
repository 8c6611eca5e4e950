/**
 * Activities are adapters: each does one side effect, idempotently, keyed by something stable
 * (the event id, the notice id), so a retry, a replay or a second worker never applies it twice.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { Notice } from '../domain/notices.js';
import { EVENT_TYPES, type ProgramEvent } from '../domain/program.js';
import { actorSchema, civilDate } from '../domain/schemas.js';
import { EventConflictError, appendEvents, recordNotices } from '../db/event-store.js';

// Activity inputs are an edge: the workflow is ours, but a reset, a replayed old history or a
// hand-started workflow can still send something else.
const eventRowSchema = z.object({
  id: z.string().min(1),
  programId: z.string().min(1),
  version: z.number().int().positive(),
  type: z.enum(EVENT_TYPES),
  occurredAt: z.iso.datetime({ offset: true }),
  actor: actorSchema,
  reason: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
  schemaVersion: z.literal(1),
});

const noticeRowSchema = z.object({
  noticeId: z.string().min(1),
  programId: z.string().min(1),
  kind: z.enum(['reclassification', 'cap-warning', 'program-expired', 'program-ended', 'minimum-period-reached', 'milestone-overdue', 'qualification-warning']),
  eventId: z.string().min(1),
  issuedOn: civilDate,
  recipients: z.array(z.object({ role: z.enum(['trainee', 'supervisor', 'program-manager', 'agency-hr', 'das']), ref: z.string() })),
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
      try {
        return await appendEvents(db, rows);
      } catch (error) {
        if (error instanceof EventConflictError) throw ApplicationFailure.fromError(error, { type: 'event-conflict', nonRetryable: true });
        throw error;
      }
    },

    /** Issues notices; a notice already issued (same business key) is not issued again. */
    async issueNotices(notices: Notice[]): Promise<{ issued: number }> {
      for (const notice of notices) parseInput(noticeRowSchema, notice, `notice ${notice.noticeId}`);
      return recordNotices(db, notices);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
