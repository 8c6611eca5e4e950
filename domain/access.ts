/**
 * Who may give a command on a program, and in which role. When that depends on the program (its
 * supervisor, program manager, trainee or agency), the caller travels with the command and the
 * program's Update validator decides it against the program's own state: no read before the write.
 */
import type { Actor, Role } from './events.js';
import type { ProgramState } from './state.js';

/** Who may give one kind of command. */
export interface CommandAccess {
  /** Roles that may give it on every program (HR only on its own agencies when its token names them). */
  everywhere: readonly Role[];
  /** Whether the program's own supervisor or program manager may. */
  assigned: boolean;
  /** Whether the program's own trainee may. */
  trainee?: boolean;
}

/** The authenticated caller of a command, with the command's access rule. No names: staff ids and agency codes. */
export interface Caller {
  id: string;
  roles: readonly Role[];
  /** HR of these agencies only; every agency when absent. */
  agencies?: readonly string[];
  access: CommandAccess;
}

/** What of a program decides who may act on it. */
export interface ProgramParties {
  agency: string;
  supervisorId: string;
  programManagerId: string;
  traineeEmployeeId: string;
}

const ASSIGNED_ROLES: readonly Role[] = ['supervisor', 'program-manager'];

export const partiesOf = (state: ProgramState): ProgramParties => ({
  agency: state.enrollment.agency,
  supervisorId: state.enrollment.supervisorId,
  programManagerId: state.enrollment.programManagerId,
  traineeEmployeeId: state.enrollment.trainee.employeeId,
});

/**
 * The actor a caller gives the command as on any program; `per-program` when it depends on the
 * program (see actorOnProgram); null when no program would let them.
 */
export function actorAnywhere({ id, roles, agencies, access }: Caller): Actor | 'per-program' | null {
  const role = roles.find((r) => access.everywhere.includes(r) && (r !== 'hr' || agencies === undefined));
  if (role) return { id, role };
  const maybe =
    roles.some((r) => access.everywhere.includes(r)) ||
    (access.assigned && roles.some((r) => ASSIGNED_ROLES.includes(r))) ||
    (access.trainee === true && roles.includes('trainee'));
  return maybe ? 'per-program' : null;
}

/**
 * The actor a caller gives the command as on this program, or null when they may not. A caller
 * holding both assigned roles acts in the one the program names them in.
 */
export function actorOnProgram(caller: Caller, program: ProgramParties): Actor | null {
  const anywhere = actorAnywhere(caller);
  if (anywhere !== 'per-program') return anywhere;
  const { id, roles, agencies, access } = caller;
  if (roles.includes('hr') && access.everywhere.includes('hr') && agencies?.includes(program.agency)) return { id, role: 'hr' };
  if (access.assigned && (id === program.supervisorId || id === program.programManagerId)) {
    if (id === program.supervisorId && roles.includes('supervisor')) return { id, role: 'supervisor' };
    if (id === program.programManagerId && roles.includes('program-manager')) return { id, role: 'program-manager' };
    const role = roles.find((r) => ASSIGNED_ROLES.includes(r));
    if (role) return { id, role };
  }
  if (access.trainee === true && roles.includes('trainee') && id === program.traineeEmployeeId) return { id, role: 'trainee' };
  return null;
}
