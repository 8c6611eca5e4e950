/**
 * Every command on a program, each one module (domain/commands/<name>.ts). The workflow registers
 * an Update for each; `decide` finds a command's rule here by its type. Adding a command: a module
 * beside these and one line in `commandRules` (docs/architecture.md, "How to add a command").
 */
import { actorOnProgram, type Caller, type ProgramParties } from '../access.js';
import type { Clock, Decision } from '../decision.js';
import type { Actor } from '../events.js';
import type { ProgramState } from '../state.js';
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
import type { CommandRule } from './rule.js';
import { signOff } from './sign-off.js';
import { transfer } from './transfer.js';
import { withdraw } from './withdraw.js';

export const commandRules = [
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
] as const;

export type AnyCommandRule = (typeof commandRules)[number];
export type CommandName = AnyCommandRule['name'];
/** The command a rule decides. */
export type CommandOf<R> = R extends CommandRule<infer C, string> ? C : never;
/** Every command a person gives (the clock's `advance-clock` aside). */
export type GivenCommand = CommandOf<AnyCommandRule>;
/** A command by its registry name. */
export type NamedCommand<N extends CommandName> = CommandOf<Extract<AnyCommandRule, { name: N }>>;

export function commandRule<N extends CommandName>(name: N): Extract<AnyCommandRule, { name: N }> {
  const rule = commandRules.find((r): r is Extract<AnyCommandRule, { name: N }> => r.name === name);
  if (!rule) throw new Error(`no command "${name}"`);
  return rule;
}

export const isCommandName = (name: string): name is CommandName => commandRules.some((r) => r.name === name);

/**
 * Whether a person may give the command on this program: the rule the API's access hook and the
 * program's Update validator apply, for the web UI to show only the buttons that will work.
 */
export function mayGive(name: CommandName, person: Omit<Caller, 'access'>, program: ProgramParties): boolean {
  return actorOnProgram({ ...person, access: commandRule(name).access }, program) !== null;
}

/** Decides a command by the rule of its own type. */
export function decideCommand(command: GivenCommand, state: ProgramState, actor: Actor, clock: Clock): Decision {
  const rule = commandRules.find((r) => r.type === command.type);
  if (!rule) throw new Error(`no rule decides "${command.type}"`);
  // The rule found is the one of this command's type, so it takes this command.
  const decideIt = rule.decide as (c: GivenCommand, s: ProgramState, a: Actor, k: Clock) => Decision;
  return decideIt(command, state, actor, clock);
}

export type { CommandRule } from './rule.js';
export type { AmendSchedule } from './amend.js';
export type { CancelLeave } from './cancel-leave.js';
export type { CancelWithdrawal } from './cancel-withdrawal.js';
export type { ConfirmQualification } from './confirm-qualification.js';
export type { ConfirmRemoval } from './confirm-removal.js';
export type { RecordLeave } from './leave.js';
export type { RateService } from './rate.js';
export type { RecordRemediation } from './remediate.js';
export type { SubmitProgressReport } from './report.js';
export type { RetractSignOff } from './retract.js';
export type { ReviewProgressReport } from './review.js';
export type { SignOffMilestone } from './sign-off.js';
export type { Transfer } from './transfer.js';
export type { Withdraw } from './withdraw.js';
