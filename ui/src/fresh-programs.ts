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

/** The version of each program as the page on screen shows it: commands send it as If-Match. */
const shownVersions = new Map<string, number>();

export function showProgram(program: ProgramView): void {
  shownVersions.set(program.programId, program.version);
}

export const shownVersion = (programId: string): number | undefined => shownVersions.get(programId);
