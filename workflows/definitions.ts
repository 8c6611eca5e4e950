/**
 * Messages of the development-program workflow, defined once and imported by the workflow and its
 * clients alike. From the domain: types, and the command rules the Updates are named by; no zod here (this module is in the workflow bundle).
 */
import { defineSearchAttributeKey, type UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Caller } from '../domain/access.js';
import type { CivilDate } from '../domain/dates.js';
import type { LegacyNotice, Notice } from '../domain/notices.js';
import type { PolicySettings } from '../domain/policy.js';
import { commandRules, type CommandName, type NamedCommand } from '../domain/commands/index.js';
import type { Actor, ProgramEvent, ProgramState, ProgramStatus } from '../domain/program.js';
import type { Enrollment } from '../domain/rules.js';
import type { TargetClass } from '../domain/target-classes.js';
import type { ProgramView } from '../domain/view.js';

export const DEFAULT_TASK_QUEUE = 'development-programs';

/** Program ids are opaque (no personal data), and each program has exactly one workflow. */
export const workflowIdFor = (programId: string): string => `development-program-${programId}`;

export interface DevelopmentProgramInput {
  programId: string;
  enrollment: Enrollment;
  /** The target class and policy as they stand at enrollment; they govern the program from then on. */
  targetClass: TargetClass;
  policy: PolicySettings;
  enrolledBy: Actor;
  /**
   * The enrollment as the client decided it (programs started since 2026-11-30; absent before): the
   * day its rules were applied on and, when the client recorded the opening events itself, the
   * instant it stamped them with. The workflow decides the same way from the same input, so its
   * events are those the client answered with and recorded; it records them again, idempotently.
   */
  opened?: { on: CivilDate; at?: string };
  /** Set by continue-as-new: the state so far and what was not yet recorded. */
  carriedOver?: { state: ProgramState; unrecordedEvents: ProgramEvent[]; unissuedNotices: (Notice | LegacyNotice)[] };
  /** Continue as new after this many history events, besides when Temporal suggests it. */
  continueAsNewAfterHistoryEvents?: number;
}

export interface ProgramOutcome {
  programId: string;
  status: ProgramStatus;
  reclassification: ProgramState['reclassification'];
  ended: ProgramState['ended'];
  lastVersion: number;
}

/**
 * Each command travels with the person who gave it, as the caller authenticated them: the `actor`
 * when the caller's roles settle it, or the `caller` when it depends on the program (its supervisor,
 * program manager, trainee or agency). Then the validator decides it from the program's state and
 * refuses a caller it does not let act (failure type `forbidden`); the handler records that actor.
 */
export interface Request<C> {
  actor?: Actor;
  caller?: Caller;
  command: Omit<C, 'type'>;
  /**
   * The program's version the caller saw (If-Match): the Update's validator refuses the command at
   * any other version. Histories recorded before it never carry it, and validators do not run on replay.
   */
  expectedVersion?: number;
}

/** A command's Update: the program as it stands after the command. */
export type CommandUpdate<N extends CommandName> = UpdateDefinition<ProgramView, [Request<NamedCommand<N>>], string>;

/**
 * One Update per command, under the name its rule gives (domain/commands/): the names every
 * recorded history carries, so they never change.
 */
export const commandUpdates = Object.fromEntries(commandRules.map((rule) => [rule.name, defineUpdate(rule.update)])) as {
  [N in CommandName]: CommandUpdate<N>;
};

export const commandUpdate = <N extends CommandName>(name: N): CommandUpdate<N> => commandUpdates[name];

// By their Update names, for tests that send an Update themselves.
export const signOffMilestoneUpdate = commandUpdates['sign-off'];
export const amendScheduleUpdate = commandUpdates.amend;
export const rateServiceUpdate = commandUpdates.rate;
export const recordLeaveUpdate = commandUpdates.leave;
export const withdrawUpdate = commandUpdates.withdraw;
export const cancelWithdrawalUpdate = commandUpdates['cancel-withdrawal'];
export const confirmQualificationUpdate = commandUpdates['confirm-qualification'];
export const confirmRemovalUpdate = commandUpdates['confirm-removal'];
export const recordRemediationUpdate = commandUpdates.remediate;
export const transferUpdate = commandUpdates.transfer;
export const retractSignOffUpdate = commandUpdates.retract;
export const cancelLeaveUpdate = commandUpdates['cancel-leave'];
export const submitProgressReportUpdate = commandUpdates.report;
export const reviewProgressReportUpdate = commandUpdates.review;

export const programQuery = defineQuery<ProgramView>('program');

/** Search attributes for dashboards; none carries personal data. */
export const searchAttributes = {
  status: defineSearchAttributeKey('ProgramStatus', 'KEYWORD'),
  targetClass: defineSearchAttributeKey('TargetClassCode', 'KEYWORD'),
  agency: defineSearchAttributeKey('Agency', 'KEYWORD'),
  earliestReclassification: defineSearchAttributeKey('EarliestReclassificationDate', 'DATETIME'),
  latestCompletion: defineSearchAttributeKey('LatestCompletionDate', 'DATETIME'),
} as const;
