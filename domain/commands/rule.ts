/**
 * The workflow-safe half of a command: its name, the Update it travels in, who may give it and its
 * `decide`. No zod and no I/O: the workflow registers its Update from this, and the API, the UI
 * and the client read who may give it from the same `access`. The edge half (body schema, route,
 * CLI flags) is in client/commands/ under the same `name`.
 */
import type { CommandAccess } from '../access.js';
import type { Clock, Decision } from '../decision.js';
import type { Actor } from '../events.js';
import type { ProgramState } from '../state.js';

export interface CommandRule<C extends { type: string } = { type: string }, N extends string = string> {
  /** The one name: the CLI's verb, the registry's key, the edge half's `name` (`sign-off`). */
  readonly name: N;
  /** The command's `type` as `decide` sees it (`sign-off-milestone`). */
  readonly type: C['type'];
  /** The Update's name as recorded in every history so far: never change it, or histories stop replaying. */
  readonly update: string;
  /** Who may give it (domain/access.ts decides a caller against it). */
  readonly access: CommandAccess;
  /** The events the command causes on this program, or the rules it breaks; roles are checked before. */
  readonly decide: (command: C, state: ProgramState, actor: Actor, clock: Clock) => Decision;
}

/** Keeps a rule's literal name and its command's type together. */
export const defineCommand =
  <C extends { type: string }>() =>
  <N extends string>(rule: CommandRule<C, N>): CommandRule<C, N> =>
    rule;
