/**
 * The edge half of every command (in the order of domain/commands/index.ts, the order of the OpenAPI document): the API registers a
 * route for each, the client sends each by name, the CLI offers each as a verb.
 */
import type { CommandName } from '../../domain/commands/index.js';
import { amend } from './amend.js';
import { cancelLeave } from './cancel-leave.js';
import { cancelWithdrawal } from './cancel-withdrawal.js';
import { confirmQualification } from './confirm-qualification.js';
import { confirmRemoval } from './confirm-removal.js';
import { leave } from './leave.js';
import { rate } from './rate.js';
import { remediate } from './remediate.js';
import { report } from './report.js';
import { retract } from './retract.js';
import { review } from './review.js';
import { signOff } from './sign-off.js';
import type { CommandEdge } from './spec.js';
import { transfer } from './transfer.js';
import { withdraw } from './withdraw.js';

export const commandEdges = [
  signOff,
  amend,
  rate,
  leave,
  withdraw,
  confirmQualification,
  cancelWithdrawal,
  confirmRemoval,
  remediate,
  report,
  review,
  retract,
  cancelLeave,
  transfer,
] as const satisfies readonly CommandEdge[];

export type AnyCommandEdge = (typeof commandEdges)[number];

export function commandEdge<N extends CommandName>(name: N): Extract<AnyCommandEdge, { name: N }> {
  const edge = commandEdges.find((e): e is Extract<AnyCommandEdge, { name: N }> => e.name === name);
  if (!edge) throw new Error(`no command "${name}"`);
  return edge;
}

// Both halves of every command share one name: a name in one list and not the other does not compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const everyCommandHasBothHalves: Same<AnyCommandEdge['name'], CommandName> = true;
void everyCommandHasBothHalves;

export type { CommandEdge, CliCommandSpec } from './spec.js';
