/** One program as a row of a program table (the dashboard's list, the programs page). */
import type { JSX } from 'preact';
import { programPath } from '../api.js';
import type { ProgramView } from '../api-types.js';
import { formatDate, STATUS_LABELS, traineeLabel } from '../format.js';
import { Link } from '../router.js';

/**
 * Name (linked to the program), status, agency, target class, the three dates and the milestones
 * signed, with the overdue ones flagged. `idApart` shows the employee id beside the link, not in it.
 */
export function ProgramRow({ program, idApart = false }: { program: ProgramView; idApart?: boolean }): JSX.Element {
  const signed = program.milestones.filter((m) => m.status === 'signed-off').length;
  const overdue = program.milestones.filter((m) => m.status === 'overdue').length;
  return (
    <tr data-program={program.programId}>
      <th scope="row">
        {idApart ? (
          <>
            <Link href={programPath(program.programId)}>{program.trainee.name}</Link>{' '}
            <span class="muted">({program.trainee.employeeId})</span>
          </>
        ) : (
          <Link href={programPath(program.programId)}>{traineeLabel(program)}</Link>
        )}
      </th>
      <td>
        <span class={`badge badge-${program.status}`}>{STATUS_LABELS[program.status]}</span>
      </td>
      <td>{program.agency}</td>
      <td>{program.targetClassCode}</td>
      <td>{formatDate(program.appointmentDate)}</td>
      <td>{formatDate(program.earliestReclassificationDate)}</td>
      <td>{formatDate(program.latestCompletionDate)}</td>
      <td>
        {signed} of {program.milestones.length}
        {overdue > 0 && <span class="tag tag-overdue-milestones tag-after">{overdue} overdue</span>}
      </td>
    </tr>
  );
}
