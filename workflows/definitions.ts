/**
 * Messages of the development-program workflow, defined once and imported by the workflow and its
 * clients alike. Types only from the domain: no zod here (this module is in the workflow bundle).
 */
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Caller } from '../domain/access.js';
import type { LegacyNotice, Notice } from '../domain/notices.js';
import type { PolicySettings } from '../domain/policy.js';
import type {
  Actor,
  AmendSchedule,
  ProgramEvent,
  ProgramState,
  ProgramStatus,
  RateService,
  RecordLeave,
  SignOffMilestone,
  Transfer,
  RetractSignOff,
  CancelLeave,
  SubmitProgressReport,
  ReviewProgressReport,
  Withdraw,
  CancelWithdrawal,
  ConfirmQualification,
  ConfirmRemoval,
  RecordRemediation,
} from '../domain/program.js';
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

export const signOffMilestoneUpdate = defineUpdate<ProgramView, [Request<SignOffMilestone>]>('signOffMilestone');
export const amendScheduleUpdate = defineUpdate<ProgramView, [Request<AmendSchedule>]>('amendSchedule');
export const rateServiceUpdate = defineUpdate<ProgramView, [Request<RateService>]>('rateService');
export const recordLeaveUpdate = defineUpdate<ProgramView, [Request<RecordLeave>]>('recordLeave');
export const withdrawUpdate = defineUpdate<ProgramView, [Request<Withdraw>]>('withdraw');
export const cancelWithdrawalUpdate = defineUpdate<ProgramView, [Request<CancelWithdrawal>]>('cancelWithdrawal');
export const confirmQualificationUpdate = defineUpdate<ProgramView, [Request<ConfirmQualification>]>('confirmQualification');
export const confirmRemovalUpdate = defineUpdate<ProgramView, [Request<ConfirmRemoval>]>('confirmRemoval');
export const recordRemediationUpdate = defineUpdate<ProgramView, [Request<RecordRemediation>]>('recordRemediation');
export const transferUpdate = defineUpdate<ProgramView, [Request<Transfer>]>('transfer');
export const retractSignOffUpdate = defineUpdate<ProgramView, [Request<RetractSignOff>]>('retractSignOff');
export const cancelLeaveUpdate = defineUpdate<ProgramView, [Request<CancelLeave>]>('cancelLeave');
export const submitProgressReportUpdate = defineUpdate<ProgramView, [Request<SubmitProgressReport>]>('submitProgressReport');
export const reviewProgressReportUpdate = defineUpdate<ProgramView, [Request<ReviewProgressReport>]>('reviewProgressReport');

export const programQuery = defineQuery<ProgramView>('program');

/** Search attributes for dashboards; none carries personal data. */
export const searchAttributes = {
  status: defineSearchAttributeKey('ProgramStatus', 'KEYWORD'),
  targetClass: defineSearchAttributeKey('TargetClassCode', 'KEYWORD'),
  agency: defineSearchAttributeKey('Agency', 'KEYWORD'),
  earliestReclassification: defineSearchAttributeKey('EarliestReclassificationDate', 'DATETIME'),
  latestCompletion: defineSearchAttributeKey('LatestCompletionDate', 'DATETIME'),
} as const;
