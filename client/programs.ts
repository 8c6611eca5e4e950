/**
 * The typed client of development programs: validates shapes at the edge, asks the domain for the
 * rule's verdict, and talks to Temporal. The CLI (and later the API) are thin layers over it.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import { civilDateInNewYork, type CivilDate } from '../domain/dates.js';
import { defaultPolicy, enrollmentPolicy, type PolicySettings } from '../domain/policy.js';
import { previewEnrollment, type EnrollmentPreview } from '../domain/preview.js';
import { decideEnrollment, type Actor } from '../domain/program.js';
import type { RuleViolation } from '../domain/rules.js';
import {
  amendmentSchema,
  describeIssues,
  enrollmentSchema,
  leaveSchema,
  serviceRatingSchema,
  signOffSchema,
  transferSchema,
  retractionSchema,
  leaveCancellationSchema,
  progressReportSchema,
  progressReviewSchema,
  withdrawalSchema,
  withdrawalCancellationSchema,
  qualificationConfirmationSchema,
} from '../domain/schemas.js';
import { findTargetClass } from '../domain/target-classes.js';
import type { ProgramView } from '../domain/view.js';
import {
  DEFAULT_TASK_QUEUE,
  amendScheduleUpdate,
  programQuery,
  rateServiceUpdate,
  recordLeaveUpdate,
  signOffMilestoneUpdate,
  transferUpdate,
  retractSignOffUpdate,
  cancelLeaveUpdate,
  submitProgressReportUpdate,
  reviewProgressReportUpdate,
  withdrawUpdate,
  cancelWithdrawalUpdate,
  confirmQualificationUpdate,
  workflowIdFor,
  type DevelopmentProgramInput,
  type Request,
} from '../workflows/definitions.js';

/** Input that does not fit the schema (the API's 400). */
export class InvalidInputError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`invalid input: ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`);
    this.name = 'InvalidInputError';
  }
}

/** Well-formed input that breaks a program rule (the API's 422); `code` names the rule. */
export class RuleViolationError extends Error {
  readonly code: string;
  constructor(readonly violations: RuleViolation[], options?: { cause?: unknown }) {
    super(violations.map((v) => `${v.field}: ${v.message} [${v.code}]`).join(' '), options);
    this.name = 'RuleViolationError';
    this.code = violations[0]?.code ?? 'rule-violation';
  }
}

/** The program does not exist (or is already enrolled, for `conflict`). */
export class ProgramNotFoundError extends Error {
  constructor(readonly programId: string) {
    super(`no program ${programId}`);
    this.name = 'ProgramNotFoundError';
  }
}

export class ProgramConflictError extends Error {
  constructor(readonly programId: string) {
    super(`program ${programId} already exists`);
    this.name = 'ProgramConflictError';
  }
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InvalidInputError(describeIssues(parsed.error));
  return parsed.data;
}

/** An opaque program id; from an idempotency key, the same key always gives the same id. */
export function newProgramId(idempotencyKey?: string): string {
  if (idempotencyKey === undefined) return `p-${randomUUID()}`;
  return `p-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}`;
}

export interface ProgramClientOptions {
  client: Client;
  taskQueue?: string;
  policy?: PolicySettings;
  /** Today's New York date on the clock the workflows run by (a test server's clock in tests). */
  today?: () => CivilDate | Promise<CivilDate>;
}

const wallClockToday = (): CivilDate => civilDateInNewYork(Date.now());

export function createProgramClient({ client, taskQueue = DEFAULT_TASK_QUEUE, policy = defaultPolicy, today = wallClockToday }: ProgramClientOptions) {
  const handleFor = (programId: string) => client.workflow.getHandle(workflowIdFor(programId));

  /** Runs an Update and turns a rule's rejection into a RuleViolationError with its cause kept. */
  async function update<A>(programId: string, run: () => Promise<A>): Promise<A> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
        const [violations] = error.cause.details ?? [];
        if (Array.isArray(violations)) throw new RuleViolationError(violations as RuleViolation[], { cause: error });
      }
      // Temporal answers an Update to a finished workflow as "not found … already completed".
      if (error instanceof Error && /already completed/i.test(error.message)) {
        throw new RuleViolationError(
          [{ code: 'program-closed', field: 'programId', message: 'The program has closed; it accepts no further changes.' }],
          { cause: error },
        );
      }
      if (isNotFound(error)) throw new ProgramNotFoundError(programId);
      throw error;
    }
  }

  /** Sends one command, as the person who gives it, through its Update. */
  const send = <C,>(programId: string, definition: UpdateDefinition<ProgramView, [Request<C>]>, command: Omit<C, 'type'>, actor: Actor): Promise<ProgramView> =>
    update(programId, () => handleFor(programId).executeUpdate(definition, { args: [{ actor, command }] }));

  return {
    /** Enrolls a trainee: validates, checks every enrollment rule, then starts the program's workflow. */
    async enroll(
      body: unknown,
      enrolledBy: Actor,
      options: { programId?: string; idempotencyKey?: string; continueAsNewAfterHistoryEvents?: number } = {},
    ) {
      const enrollment = parse(enrollmentSchema, body);
      const targetClass = findTargetClass(enrollment.targetClassCode);
      // The same verdict the workflow will give: the policy a new program is enrolled under, today.
      const verdict = decideEnrollment(enrollment, targetClass, enrollmentPolicy(policy), enrolledBy, { today: await today() });
      if (!verdict.ok || !targetClass) throw new RuleViolationError(verdict.ok ? [] : verdict.violations);
      const programId = options.programId ?? newProgramId(options.idempotencyKey);
      const input: DevelopmentProgramInput = { programId, enrollment, targetClass, policy, enrolledBy };
      if (options.continueAsNewAfterHistoryEvents !== undefined) {
        input.continueAsNewAfterHistoryEvents = options.continueAsNewAfterHistoryEvents;
      }
      try {
        await client.workflow.start('developmentProgram', {
          taskQueue,
          workflowId: workflowIdFor(programId),
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        if (options.idempotencyKey === undefined) throw new ProgramConflictError(programId);
        // The same key again: the program it created is the answer.
      }
      return { programId };
    },

    /** The enrollment decision with nothing started: the program as it would be, and every rule broken. */
    async preview(body: unknown, actor: Actor): Promise<EnrollmentPreview> {
      const enrollment = parse(enrollmentSchema, body);
      return previewEnrollment(enrollment, findTargetClass(enrollment.targetClassCode), enrollmentPolicy(policy), actor, await today());
    },

    async show(programId: string): Promise<ProgramView> {
      try {
        return await handleFor(programId).query(programQuery);
      } catch (error) {
        if (isNotFound(error)) throw new ProgramNotFoundError(programId);
        throw error;
      }
    },

    signOff(programId: string, milestoneId: string, body: unknown, actor: Actor): Promise<ProgramView> {
      return send(programId, signOffMilestoneUpdate, { ...parse(signOffSchema, body), milestoneId }, actor);
    },

    amend(programId: string, body: unknown, actor: Actor): Promise<ProgramView> {
      return send(programId, amendScheduleUpdate, parse(amendmentSchema, body), actor);
    },

    rate(programId: string, body: unknown, actor: Actor): Promise<ProgramView> {
      return send(programId, rateServiceUpdate, parse(serviceRatingSchema, body), actor);
    },

    recordLeave(programId: string, body: unknown, actor: Actor): Promise<ProgramView> {
      return send(programId, recordLeaveUpdate, parse(leaveSchema, body), actor);
    },

    withdraw(programId: string, body: unknown, actor: Actor): Promise<ProgramView> {
      return send(programId, withdrawUpdate, parse(withdrawalSchema, body), actor);
    },

    /** A correction: the withdrawal scheduled ahead is called off before its date. */
    cancelWithdrawal(programId: string, body: unknown, actor: Actor): Promise<ProgramView> {
      return send(programId, cancelWithdrawalUpdate, parse(withdrawalCancellationSchema, body), actor);
    },

    /** HR confirms the qualification for a target class the catalogue states none for. */
    confirmQualification(programId: string, body: unknown, actor: Actor): Promise<ProgramView> {
      return send(programId, confirmQualificationUpdate, parse(qualificationConfirmationSchema, body), actor);
    },

    transfer(programId: string, body: unknown, actor: Actor): Promise<ProgramView> {
      return send(programId, transferUpdate, parse(transferSchema, body), actor);
    },

    /** A correction: the milestone's sign-off was recorded in error. */
    retractSignOff(programId: string, milestoneId: string, body: unknown, actor: Actor): Promise<ProgramView> {
      return send(programId, retractSignOffUpdate, { ...parse(retractionSchema, body), milestoneId }, actor);
    },

    /** A correction: the leave was recorded in error. */
    cancelLeave(programId: string, body: unknown, actor: Actor): Promise<ProgramView> {
      return send(programId, cancelLeaveUpdate, parse(leaveCancellationSchema, body), actor);
    },

    submitProgressReport(programId: string, body: unknown, actor: Actor): Promise<ProgramView> {
      return send(programId, submitProgressReportUpdate, parse(progressReportSchema, body), actor);
    },

    reviewProgressReport(programId: string, periodEnding: string, body: unknown, actor: Actor): Promise<ProgramView> {
      return send(programId, reviewProgressReportUpdate, { ...parse(progressReviewSchema, body), periodEnding }, actor);
    },

    handle: handleFor,
  };
}

export type ProgramClient = ReturnType<typeof createProgramClient>;

function isNotFound(error: unknown): boolean {
  return error instanceof Error && (error.name === 'WorkflowNotFoundError' || /not found/i.test(error.message));
}
