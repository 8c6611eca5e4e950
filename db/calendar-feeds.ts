/**
 * Calendar feeds: who subscribed, whether they have revoked it, and the dates a feed shows (read
 * from the programs read model).
 */
import type { Pool } from 'pg';
import type { CivilDate } from '../domain/dates.js';

export const FEED_ROLES = ['supervisor', 'program-manager', 'trainee'] as const;
export type FeedRole = (typeof FEED_ROLES)[number];

export interface CalendarFeed {
  feedId: string;
  subject: string;
  role: FeedRole;
  createdAt: string;
  revokedAt: string | null;
}

const FEED_COLUMNS = `feed_id AS "feedId", subject, role, created_at AS "createdAt", revoked_at AS "revokedAt"`;

interface FeedRow {
  feedId: string;
  subject: string;
  role: FeedRole;
  createdAt: Date;
  revokedAt: Date | null;
}

const toFeed = (row: FeedRow): CalendarFeed => ({
  ...row,
  createdAt: row.createdAt.toISOString(),
  revokedAt: row.revokedAt ? row.revokedAt.toISOString() : null,
});

export async function createFeed(db: Pool, feed: { feedId: string; subject: string; role: FeedRole }): Promise<CalendarFeed> {
  const { rows } = await db.query<FeedRow>(
    `INSERT INTO calendar_feeds (feed_id, subject, role) VALUES ($1, $2, $3) RETURNING ${FEED_COLUMNS}`,
    [feed.feedId, feed.subject, feed.role],
  );
  const row = rows[0];
  if (!row) throw new Error('calendar feed not created');
  return toFeed(row);
}

export async function feedsOf(db: Pool, subject: string): Promise<CalendarFeed[]> {
  const { rows } = await db.query<FeedRow>(`SELECT ${FEED_COLUMNS} FROM calendar_feeds WHERE subject = $1 ORDER BY created_at, feed_id`, [
    subject,
  ]);
  return rows.map(toFeed);
}

/** A feed that is still subscribed to; null for one revoked or unknown. */
export async function activeFeed(db: Pool, feedId: string): Promise<CalendarFeed | null> {
  const { rows } = await db.query<FeedRow>(`SELECT ${FEED_COLUMNS} FROM calendar_feeds WHERE feed_id = $1 AND revoked_at IS NULL`, [
    feedId,
  ]);
  return rows[0] ? toFeed(rows[0]) : null;
}

/** Revokes the subject's own feed; false when they have no such feed. Revoking twice is no error. */
export async function revokeFeed(db: Pool, feedId: string, subject: string): Promise<boolean> {
  const result = await db.query('UPDATE calendar_feeds SET revoked_at = coalesce(revoked_at, now()) WHERE feed_id = $1 AND subject = $2', [
    feedId,
    subject,
  ]);
  return (result.rowCount ?? 0) > 0;
}

export interface FeedProgram {
  programId: string;
  traineeName: string;
  earliestReclassificationDate: CivilDate;
  latestCompletionDate: CivilDate;
  openMilestones: { id: string; title: string; dueDate: CivilDate }[];
}

/** The open programs a feed covers: the trainee's own, or those the person supervises or manages. */
export async function feedPrograms(db: Pool, feed: Pick<CalendarFeed, 'subject' | 'role'>): Promise<FeedProgram[]> {
  const match = feed.role === 'trainee' ? 'trainee_employee_id = $1' : '(supervisor_id = $1 OR program_manager_id = $1)';
  const { rows: programs } = await db.query<Omit<FeedProgram, 'openMilestones'>>(
    `SELECT program_id AS "programId", state #>> '{enrollment,trainee,name}' AS "traineeName",
            to_char(earliest_reclassification_date, 'YYYY-MM-DD') AS "earliestReclassificationDate",
            to_char(latest_completion_date, 'YYYY-MM-DD') AS "latestCompletionDate"
       FROM rm_programs
      WHERE ${match} AND status IN ('active', 'awaiting-minimum')
      ORDER BY latest_completion_date, program_id`,
    [feed.subject],
  );
  if (programs.length === 0) return [];
  const { rows: milestones } = await db.query<{ programId: string; id: string; title: string; dueDate: CivilDate }>(
    `SELECT program_id AS "programId", milestone_id AS id, title, to_char(due_date, 'YYYY-MM-DD') AS "dueDate"
       FROM rm_milestones WHERE program_id = ANY($1::text[]) AND status <> 'signed-off' ORDER BY due_date, milestone_id`,
    [programs.map((p) => p.programId)],
  );
  return programs.map((p) => ({
    ...p,
    openMilestones: milestones.filter((m) => m.programId === p.programId).map(({ id, title, dueDate }) => ({ id, title, dueDate })),
  }));
}
