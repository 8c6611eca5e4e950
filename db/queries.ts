/**
 * Typed reads of the read model for the client side (API, CLI, UI). Every list query has an index
 * (db/migrations/002_read-models.sql, 015_program-search.sql). Pages are keyset-paged by (the sort's
 * value, program id); latest completion date first when no sort is asked for.
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
  /** Programs whose latest completion date is on or after this date. */
  capFrom?: CivilDate;
  /** Programs whose latest completion date is before this date. */
  capBefore?: CivilDate;
  /** Only programs this person supervises or manages (a supervisor's or program manager's own). */
  assignedTo?: string;
  /** Only programs of these agencies (an HR token with an `agencies` claim). */
  agencies?: readonly string[];
  /** Only the program of this trainee (a trainee's own). */
  traineeEmployeeId?: string;
  /** Part of the trainee's name or employee id, in any case. */
  q?: string;
  /** Programs whose earliest reclassification date is on or after this date. */
  reclassifiesFrom?: CivilDate;
  /** Programs whose earliest reclassification date is before this date. */
  reclassifiesBefore?: CivilDate;
  /** Programs whose supervisor is this staff id (as the dashboard's overdue-by-supervisor chart groups them). */
  supervisor?: string;
  /** `'true'`: open programs with at least one overdue milestone (as the dashboard's overdue charts count them). */
  overdue?: 'true';
  /** The order; a leading `-` for descending. Latest completion date when absent. */
  sort?: ProgramSort;
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

/** How soon a milestone is due, as an inbox groups them. */
export type InboxSection = 'overdue' | 'due-soon' | 'later';
export const INBOX_SECTIONS: readonly InboxSection[] = ['overdue', 'due-soon', 'later'];
/** "Due soon": within this many days of today. */
export const DUE_SOON_DAYS = 30;

export interface InboxRows {
  counts: Record<InboxSection, { milestones: number; trainees: number }>;
  /** Grouped by program, the group with the earliest due date first; each group by due date. */
  items: OpenMilestone[];
  nextCursor: string | null;
}

function encodeInboxCursor(firstDue: string, programId: string): string {
  return Buffer.from(JSON.stringify(['inbox', firstDue, programId])).toString('base64url');
}

function decodeInboxCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 3) {
      const [kind, date, id] = value as unknown[];
      if (kind === 'inbox' && typeof date === 'string' && isCivilDate(date) && typeof id === 'string') return [date, id];
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
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
  section: InboxSection;
  daysUntilDue: number;
  /** The earliest due date among the milestones shown of this program: the group's place in the inbox. */
  groupFirstDue: CivilDate;
}

export interface AtRiskProgram {
  program: ProgramView;
  reasons: ('cap-within-90-days' | 'overdue-milestones')[];
}

/** The orders a list may be asked for (shared/API.md 1.1 "Lists"), each with the column it reads. */
export const SORT_FIELDS = {
  earliestReclassificationDate: 'earliest_reclassification_date',
  latestCompletionDate: 'latest_completion_date',
  appointmentDate: 'appointment_date',
  'trainee.name': 'trainee_name',
} as const;
export type SortField = keyof typeof SORT_FIELDS;
export type ProgramSort = SortField | `-${SortField}`;
export const PROGRAM_SORTS = Object.keys(SORT_FIELDS).flatMap((field) => [field, `-${field}`]) as ProgramSort[];

interface Order {
  field: SortField;
  column: (typeof SORT_FIELDS)[SortField];
  descending: boolean;
}

function orderOf(sort: ProgramSort = 'latestCompletionDate'): Order {
  const descending = sort.startsWith('-');
  const field = (descending ? sort.slice(1) : sort) as SortField;
  return { field, column: SORT_FIELDS[field], descending };
}

/** The cursor names its sort, so one issued under another sort is refused rather than misread. */
function encodeCursor(sort: ProgramSort, value: string, programId: string): string {
  return Buffer.from(JSON.stringify([sort, value, programId])).toString('base64url');
}

/** The value a row is sorted by, as the cursor keeps it. */
function sortValue(view: ProgramView, field: SortField): string {
  if (field === 'trainee.name') return view.trainee.name;
  return view[field];
}

/** A cursor the caller altered is an input error, not a server error. */
export class InvalidCursorError extends Error {
  constructor() {
    super('the cursor is not one this server issued');
    this.name = 'InvalidCursorError';
  }
}

function decodeCursor(cursor: string, sort: ProgramSort): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // Cursors issued before lists could be sorted: [latest completion date, program id].
    const [cursorSort, key, id] =
      Array.isArray(value) && value.length === 2
        ? ['latestCompletionDate', ...(value as unknown[])]
        : Array.isArray(value)
          ? (value as unknown[])
          : [];
    if (
      cursorSort === sort &&
      typeof key === 'string' &&
      typeof id === 'string' &&
      (orderOf(sort).field === 'trainee.name' || isCivilDate(key))
    )
      return [key, id];
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

/** `q` as a LIKE pattern: its own % and _ match themselves. */
const containsPattern = (q: string): string => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

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

/** The WHERE clause of a filtered list, its parameters, and the order it is read in. */
function listClauses(filter: ProgramListFilter): { where: string[]; params: unknown[]; order: Order } {
  const order = orderOf(filter.sort);
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown): void => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (filter.status) add((p) => `status = ${p}`, filter.status);
  if (filter.agency) add((p) => `agency = ${p}`, filter.agency);
  if (filter.targetClass) add((p) => `target_class_code = ${p}`, filter.targetClass);
  if (filter.capFrom) add((p) => `latest_completion_date >= ${p}::date`, filter.capFrom);
  if (filter.capBefore) add((p) => `latest_completion_date < ${p}::date`, filter.capBefore);
  if (filter.assignedTo) add((p) => `(supervisor_id = ${p} OR program_manager_id = ${p})`, filter.assignedTo);
  if (filter.agencies) add((p) => `agency = ANY(${p}::text[])`, filter.agencies);
  if (filter.traineeEmployeeId) add((p) => `trainee_employee_id = ${p}`, filter.traineeEmployeeId);
  if (filter.q) add((p) => `(trainee_name || ' ' || trainee_employee_id) ILIKE ${p}`, containsPattern(filter.q));
  if (filter.reclassifiesFrom) add((p) => `earliest_reclassification_date >= ${p}::date`, filter.reclassifiesFrom);
  if (filter.reclassifiesBefore) add((p) => `earliest_reclassification_date < ${p}::date`, filter.reclassifiesBefore);
  if (filter.supervisor) add((p) => `supervisor_id = ${p}`, filter.supervisor);
  // Written as the partial index rm_programs_open_overdue (010) is, so that index serves it.
  if (filter.overdue === 'true') where.push(`status IN ('active', 'awaiting-minimum') AND overdue_milestones > 0`);
  if (filter.cursor) {
    const [key, id] = decodeCursor(filter.cursor, filter.sort ?? 'latestCompletionDate');
    params.push(key, id);
    const cast = order.field === 'trainee.name' ? '' : '::date';
    where.push(`(${order.column}, program_id) ${order.descending ? '<' : '>'} ($${params.length - 1}${cast}, $${params.length})`);
  }
  return { where, params, order };
}

const orderBy = ({ column, descending }: Order): string => (descending ? `${column} DESC, program_id DESC` : `${column}, program_id`);

export function createQueries(db: Pool) {
  const queries = {
    async listPrograms(filter: ProgramListFilter = {}): Promise<ProgramPage> {
      const limit = Math.min(Math.max(filter.limit ?? 50, 1), MAX_PAGE_SIZE);
      const { where, params, order } = listClauses(filter);
      params.push(limit + 1);
      const { rows } = await db.query<{ view: ProgramView; state: ProgramState }>(
        `SELECT view, state FROM rm_programs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY ${orderBy(order)} LIMIT $${params.length}`,
        params,
      );
      const items = rows.slice(0, limit).map((r) => current(r.view, r.state));
      const last = items.at(-1);
      const sort = filter.sort ?? 'latestCompletionDate';
      return { items, nextCursor: rows.length > limit && last ? encodeCursor(sort, sortValue(last, order.field), last.programId) : null };
    },

    /**
     * Every program of the filtered list in its order (no paging), a batch at a time, for a CSV
     * download: memory stays at one batch whatever the length of the list.
     */
    async *allPrograms(filter: ProgramListFilter, batchSize = MAX_PAGE_SIZE): AsyncGenerator<ProgramView> {
      // The whole list from its start: a page size or a cursor the filter carries does not apply.
      let cursor: string | null = null;
      do {
        const page: ProgramPage = await queries.listPrograms({ ...filter, limit: batchSize, cursor: cursor ?? undefined });
        yield* page.items;
        cursor = page.nextCursor;
      } while (cursor);
    },

    async getProgram(programId: string): Promise<ProgramView | null> {
      const { rows } = await db.query<{ view: ProgramView; state: ProgramState }>(
        'SELECT view, state FROM rm_programs WHERE program_id = $1',
        [programId],
      );
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
    async countsByStatus(
      filter: Pick<ProgramListFilter, 'agency' | 'assignedTo' | 'agencies'> = {},
    ): Promise<Record<ProgramStatus, number>> {
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
    async atRisk(
      today: CivilDate,
      filter: Pick<ProgramListFilter, 'agency' | 'assignedTo' | 'agencies'> & { limit?: number } = {},
    ): Promise<AtRiskProgram[]> {
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
     * A page of a supervisor's or program manager's inbox, in one query over the open milestones of
     * the active programs they supervise or manage: the milestones of `sections`, grouped by
     * program (trainee), the trainee with the earliest due date first, `limit` trainees a page; and
     * the number of milestones and of trainees in each section, whatever is shown.
     */
    async inbox(
      assignedTo: string,
      today: CivilDate,
      options: { sections: readonly InboxSection[]; limit: number; cursor?: string },
    ): Promise<InboxRows> {
      const after = options.cursor ? decodeInboxCursor(options.cursor) : null;
      const { rows } = await db.query<{ counts: InboxRows['counts'] | null; items: OpenMilestone[] | null }>(
        `WITH open AS (
           SELECT p.program_id, p.trainee_employee_id, p.trainee_name, p.agency, p.target_class_code, p.supervisor_id,
                  m.milestone_id, m.title, m.due_date, (m.status = 'overdue' OR m.due_date < $2::date) AS overdue,
                  CASE WHEN m.status = 'overdue' OR m.due_date < $2::date THEN 'overdue'
                       WHEN m.due_date <= $2::date + ${DUE_SOON_DAYS} THEN 'due-soon' ELSE 'later' END AS section
             FROM rm_programs p
             JOIN rm_milestones m ON m.program_id = p.program_id AND m.status <> 'signed-off'
            WHERE p.status = 'active' AND (p.supervisor_id = $1 OR p.program_manager_id = $1)
         ),
         shown AS (SELECT * FROM open WHERE section = ANY($3::text[])),
         groups AS (
           SELECT program_id, min(due_date) AS first_due FROM shown GROUP BY program_id
         ),
         page AS (
           SELECT program_id, first_due FROM groups
            WHERE $5::date IS NULL OR (first_due, program_id) > ($5::date, $6::text)
            ORDER BY first_due, program_id LIMIT $4
         )
         SELECT
           (SELECT jsonb_object_agg(section, jsonb_build_object('milestones', n, 'trainees', t))
              FROM (SELECT section, count(*) AS n, count(DISTINCT program_id) AS t FROM open GROUP BY section) c) AS counts,
           (SELECT json_agg(json_build_object(
                     'programId', s.program_id, 'traineeEmployeeId', s.trainee_employee_id, 'traineeName', s.trainee_name,
                     'agency', s.agency, 'targetClassCode', s.target_class_code, 'supervisorId', s.supervisor_id,
                     'milestoneId', s.milestone_id, 'title', s.title, 'dueDate', to_char(s.due_date, 'YYYY-MM-DD'),
                     'overdue', s.overdue, 'section', s.section, 'daysUntilDue', s.due_date - $2::date,
                     'groupFirstDue', to_char(page.first_due, 'YYYY-MM-DD'))
                     ORDER BY page.first_due, page.program_id, s.due_date, s.milestone_id)
              FROM page JOIN shown s ON s.program_id = page.program_id) AS items`,
        [assignedTo, today, options.sections, options.limit + 1, after?.[0] ?? null, after?.[1] ?? null],
      );
      const items = rows[0]?.items ?? [];
      const counts = {
        overdue: { milestones: 0, trainees: 0 },
        'due-soon': { milestones: 0, trainees: 0 },
        later: { milestones: 0, trainees: 0 },
        ...rows[0]?.counts,
      };
      // One trainee more than asked for tells whether there is a next page.
      const programIds = [...new Set(items.map((i) => i.programId))];
      const kept = new Set(programIds.slice(0, options.limit));
      const shown = items.filter((i) => kept.has(i.programId));
      const last = shown.at(-1);
      return {
        counts,
        items: shown,
        nextCursor: programIds.length > options.limit && last ? encodeInboxCursor(last.groupFirstDue, last.programId) : null,
      };
    },
  };
  return queries;
}

export type Queries = ReturnType<typeof createQueries>;
