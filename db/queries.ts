/**
 * Typed reads of the read model for the client side (API, CLI, UI). Every list query has an index
 * (db/migrations/002_read-models.sql). Pages are keyset-paged by (latest completion date, program id).
 */
import type { Pool } from 'pg';
import { civilDateInNewYork, isCivilDate, type CivilDate } from '../domain/dates.js';
import type { ProgramState, ProgramStatus } from '../domain/program.js';
import { reclassificationChecklist, type ProgramView } from '../domain/view.js';

export const MAX_PAGE_SIZE = 200;

export interface ProgramListFilter {
  status?: ProgramStatus;
  agency?: string;
  targetClass?: string;
  /** Programs whose latest completion date is before this date. */
  capBefore?: CivilDate;
  /** Only programs this person supervises or manages (a supervisor's or program manager's own). */
  assignedTo?: string;
  /** Only programs of these agencies (an HR token with an `agencies` claim). */
  agencies?: readonly string[];
  /** Only the program of this trainee (a trainee's own). */
  traineeEmployeeId?: string;
  limit?: number;
  /** From a previous page's `nextCursor`. */
  cursor?: string;
}

export interface ProgramPage {
  items: ProgramView[];
  nextCursor: string | null;
}

/** An event as the API serves it. */
export interface StoredEvent {
  id: string;
  version: number;
  type: string;
  at: string;
  actor: { id: string; role: string };
  reason: string | null;
  data: Record<string, unknown>;
}

export interface NoticeRecord {
  noticeId: string;
  programId: string;
  kind: string;
  eventId: string;
  issuedOn: CivilDate;
  recipients: { role: string; ref: string }[];
  subject: string;
  body: string;
}

/** An unsigned milestone of an active program, with what an inbox shows of its program. */
export interface OpenMilestone {
  programId: string;
  traineeEmployeeId: string;
  traineeName: string;
  agency: string;
  targetClassCode: string;
  supervisorId: string;
  milestoneId: string;
  title: string;
  dueDate: CivilDate;
  overdue: boolean;
  daysUntilDue: number;
}

export interface AtRiskProgram {
  program: ProgramView;
  reasons: ('cap-within-90-days' | 'overdue-milestones')[];
}

function encodeCursor(latestCompletionDate: string, programId: string): string {
  return Buffer.from(JSON.stringify([latestCompletionDate, programId])).toString('base64url');
}

/** A cursor the caller altered is an input error, not a server error. */
export class InvalidCursorError extends Error {
  constructor() {
    super('the cursor is not one this server issued');
    this.name = 'InvalidCursorError';
  }
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2) {
      const [date, id] = value as unknown[];
      if (typeof date === 'string' && isCivilDate(date) && typeof id === 'string') return [date, id];
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

const NOTICE_COLUMNS = `notice_id AS "noticeId", program_id AS "programId", kind, event_id AS "eventId",
  to_char(issued_on, 'YYYY-MM-DD') AS "issuedOn", recipients, subject, body`;

/**
 * A stored view as the API serves it now: rows projected before a field was added get its empty
 * value until the next event of their program (or a rebuild) writes them again.
 */
function current(view: ProgramView, state: ProgramState): ProgramView {
  const { employeeId, name } = state.enrollment.trainee;
  return {
    ...view,
    progressReports: view.progressReports ?? [],
    trainee: view.trainee ?? { employeeId, name },
    hrDecision: view.hrDecision ?? null,
    scheduledRemoval: view.scheduledRemoval ?? null,
    // The checklist speaks of today, so it is worked out when served, from the stored state.
    ...reclassificationChecklist(state, civilDateInNewYork(Date.now())),
  };
}

export function createQueries(db: Pool) {
  return {
    async listPrograms(filter: ProgramListFilter = {}): Promise<ProgramPage> {
      const limit = Math.min(Math.max(filter.limit ?? 50, 1), MAX_PAGE_SIZE);
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: (p: string) => string, value: unknown): void => {
        params.push(value);
        where.push(sql(`$${params.length}`));
      };
      if (filter.status) add((p) => `status = ${p}`, filter.status);
      if (filter.agency) add((p) => `agency = ${p}`, filter.agency);
      if (filter.targetClass) add((p) => `target_class_code = ${p}`, filter.targetClass);
      if (filter.capBefore) add((p) => `latest_completion_date < ${p}::date`, filter.capBefore);
      if (filter.assignedTo) add((p) => `(supervisor_id = ${p} OR program_manager_id = ${p})`, filter.assignedTo);
      if (filter.agencies) add((p) => `agency = ANY(${p}::text[])`, filter.agencies);
      if (filter.traineeEmployeeId) add((p) => `trainee_employee_id = ${p}`, filter.traineeEmployeeId);
      if (filter.cursor) {
        const [date, id] = decodeCursor(filter.cursor);
        params.push(date, id);
        where.push(`(latest_completion_date, program_id) > ($${params.length - 1}::date, $${params.length})`);
      }
      params.push(limit + 1);
      const { rows } = await db.query<{ view: ProgramView; state: ProgramState }>(
        `SELECT view, state FROM rm_programs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY latest_completion_date, program_id LIMIT $${params.length}`,
        params,
      );
      const items = rows.slice(0, limit).map((r) => current(r.view, r.state));
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.latestCompletionDate, last.programId) : null };
    },

    async getProgram(programId: string): Promise<ProgramView | null> {
      const { rows } = await db.query<{ view: ProgramView; state: ProgramState }>('SELECT view, state FROM rm_programs WHERE program_id = $1', [programId]);
      return rows[0] ? current(rows[0].view, rows[0].state) : null;
    },

    async programEvents(programId: string): Promise<StoredEvent[]> {
      const { rows } = await db.query<StoredEvent>(
        `SELECT event_id AS id, version, type, occurred_at AS at,
                jsonb_build_object('id', actor_id, 'role', actor_role) AS actor, reason, data
           FROM program_events WHERE program_id = $1 ORDER BY version`,
        [programId],
      );
      return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
    },

    async programNotices(programId: string): Promise<NoticeRecord[]> {
      const { rows } = await db.query<NoticeRecord>(
        `SELECT ${NOTICE_COLUMNS} FROM notices WHERE program_id = $1 ORDER BY issued_on, created_at, notice_id`,
        [programId],
      );
      return rows;
    },

    async getNotice(noticeId: string): Promise<NoticeRecord | null> {
      const { rows } = await db.query<NoticeRecord>(`SELECT ${NOTICE_COLUMNS} FROM notices WHERE notice_id = $1`, [noticeId]);
      return rows[0] ?? null;
    },

    /**
     * Program counts by status for a dashboard (every status present, zero when none): from the counts
     * the database keeps by agency (db/migrations/010), or from the caller's own programs.
     */
    async countsByStatus(filter: Pick<ProgramListFilter, 'agency' | 'assignedTo' | 'agencies'> = {}): Promise<Record<ProgramStatus, number>> {
      const { rows } = filter.assignedTo
        ? await db.query<{ status: ProgramStatus; count: string }>(
            `SELECT status, count(*) AS count FROM rm_programs
              WHERE (supervisor_id = $1 OR program_manager_id = $1) AND ($2::text IS NULL OR agency = $2)
                AND ($3::text[] IS NULL OR agency = ANY($3::text[]))
              GROUP BY status`,
            [filter.assignedTo, filter.agency ?? null, filter.agencies ?? null],
          )
        : await db.query<{ status: ProgramStatus; count: string }>(
            `SELECT status, sum(n) AS count FROM rm_program_counts
              WHERE ($1::text IS NULL OR agency = $1) AND ($2::text[] IS NULL OR agency = ANY($2::text[]))
              GROUP BY status`,
            [filter.agency ?? null, filter.agencies ?? null],
          );
      const counts: Record<ProgramStatus, number> = { active: 0, 'awaiting-minimum': 0, reclassified: 0, expired: 0, ended: 0 };
      for (const row of rows) counts[row.status] = Number(row.count);
      return counts;
    },

    /**
     * Open programs whose cap is within 90 days of `today`, or that have overdue milestones, earliest
     * cap first. Each half is a range scan of its own partial index that stops at the limit.
     */
    async atRisk(today: CivilDate, filter: Pick<ProgramListFilter, 'agency' | 'assignedTo' | 'agencies'> & { limit?: number } = {}): Promise<AtRiskProgram[]> {
      const scope = `($2::text IS NULL OR agency = $2) AND ($3::text IS NULL OR supervisor_id = $3 OR program_manager_id = $3)
                     AND ($5::text[] IS NULL OR agency = ANY($5::text[]))`;
      const open = `status IN ('active', 'awaiting-minimum')`;
      const { rows } = await db.query<{ view: ProgramView; state: ProgramState; cap_soon: boolean; overdue: boolean }>(
        `SELECT view, state, latest_completion_date <= $1::date + 90 AS cap_soon, overdue_milestones > 0 AS overdue
           FROM rm_programs
          WHERE program_id IN (
                  (SELECT program_id FROM rm_programs
                    WHERE ${open} AND latest_completion_date <= $1::date + 90 AND ${scope}
                    ORDER BY latest_completion_date, program_id LIMIT $4)
                  UNION
                  (SELECT program_id FROM rm_programs
                    WHERE ${open} AND overdue_milestones > 0 AND ${scope}
                    ORDER BY latest_completion_date, program_id LIMIT $4))
          ORDER BY latest_completion_date, program_id
          LIMIT $4`,
        [today, filter.agency ?? null, filter.assignedTo ?? null, Math.min(filter.limit ?? 100, MAX_PAGE_SIZE), filter.agencies ?? null],
      );
      return rows.map((r) => ({
        program: current(r.view, r.state),
        reasons: [...(r.cap_soon ? (['cap-within-90-days'] as const) : []), ...(r.overdue ? (['overdue-milestones'] as const) : [])],
      }));
    },

    /**
     * The unsigned milestones of the active programs a person supervises or manages, overdue first
     * (by status or by a due date before `today`), then by due date: one query over the open
     * milestones of their own programs, whatever the number of programs in all.
     */
    async openMilestones(assignedTo: string, today: CivilDate, limit: number): Promise<OpenMilestone[]> {
      const { rows } = await db.query<OpenMilestone>(
        `SELECT p.program_id AS "programId", p.trainee_employee_id AS "traineeEmployeeId", p.view->'trainee'->>'name' AS "traineeName", p.agency,
                p.target_class_code AS "targetClassCode", p.supervisor_id AS "supervisorId",
                m.milestone_id AS "milestoneId", m.title, to_char(m.due_date, 'YYYY-MM-DD') AS "dueDate",
                (m.status = 'overdue' OR m.due_date < $2::date) AS overdue, (m.due_date - $2::date) AS "daysUntilDue"
           FROM rm_programs p
           JOIN rm_milestones m ON m.program_id = p.program_id AND m.status <> 'signed-off'
          WHERE p.status = 'active' AND (p.supervisor_id = $1 OR p.program_manager_id = $1)
          ORDER BY (m.status = 'overdue' OR m.due_date < $2::date) DESC, m.due_date, p.program_id, m.milestone_id
          LIMIT $3`,
        [assignedTo, today, limit],
      );
      return rows;
    },
  };
}

export type Queries = ReturnType<typeof createQueries>;
