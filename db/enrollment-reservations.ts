/**
 * One program at a time (DOMAIN.md decision 5): the reservation an enrollment takes in PostgreSQL
 * before it starts a workflow. The primary key on the employee decides a race between two requests.
 */
import type pg from 'pg';
import type { EnrollmentReservations } from '../client/programs.js';

/** A reservation whose program never started is given up after this long (a crash between reserve and start). */
const ABANDONED_AFTER = '5 minutes';

export function createEnrollmentReservations(db: pg.Pool): EnrollmentReservations {
  return {
    async reserve(employeeId, programId) {
      const { rows } = await db.query<{ program_id: string }>(
        `INSERT INTO enrollment_reservations (employee_id, program_id) VALUES ($1, $2)
           ON CONFLICT (employee_id) DO UPDATE SET employee_id = EXCLUDED.employee_id
         RETURNING program_id`,
        [employeeId, programId],
      );
      return rows[0]?.program_id ?? programId;
    },
    async takeOver(employeeId, from, to, { onlyIfAbandoned }) {
      const { rowCount } = await db.query(
        `UPDATE enrollment_reservations SET program_id = $3, reserved_at = now()
          WHERE employee_id = $1 AND program_id = $2 ${onlyIfAbandoned ? `AND reserved_at < now() - interval '${ABANDONED_AFTER}'` : ''}`,
        [employeeId, from, to],
      );
      return rowCount === 1;
    },
    async release(employeeId, programId) {
      await db.query('DELETE FROM enrollment_reservations WHERE employee_id = $1 AND program_id = $2', [employeeId, programId]);
    },
  };
}
