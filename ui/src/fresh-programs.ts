/**
 * The read model follows the event log a moment behind, so a page opened right after a command
 * could show the program as it was. Each command answers with the program as it now stands; the
 * pages keep that answer and show whichever of the two is newer (by version).
 */
import type { ProgramView } from './api-types.js';

const latest = new Map<string, ProgramView>();

export function rememberProgram(program: ProgramView): void {
  const known = latest.get(program.programId);
  if (!known || known.version < program.version) latest.set(program.programId, program);
}

export function newestOf(program: ProgramView): ProgramView {
  const known = latest.get(program.programId);
  return known && known.version > program.version ? known : program;
}
