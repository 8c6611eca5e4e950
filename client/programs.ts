/**
 * The typed client of development programs: validates shapes at the edge, asks the domain for the
 * rule's verdict, and talks to Temporal. The CLI (and later the API) are thin layers over it.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  QueryNotRegisteredError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { Caller } from '../domain/access.js';
import type { CommandName, NamedCommand } from '../domain/commands/index.js';
import { commandEdge } from './commands/index.js';
import { civilDateInNewYork, type CivilDate } from '../domain/dates.js';
import { defaultPolicy, enrollmentPolicy, type PolicySettings } from '../domain/policy.js';
import { openedProgram, openingEvents, previewEnrollment, type EnrollmentPreview } from '../domain/preview.js';
import { decideEnrollment, type Actor, type ProgramEvent } from '../domain/program.js';
import { currentRequest } from './request-context.js';
import { violation, type RuleViolation } from '../domain/rules.js';
import { describeIssues, enrollmentSchema } from '../domain/schemas.js';
import { findTargetClass } from '../domain/target-classes.js';
import type { resendNotice } from '../workflows/resend-notice.js';
import type { ProgramView } from '../domain/view.js';
import {
  DEFAULT_TASK_QUEUE,
  commandUpdate,
  programQuery,
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
  constructor(
    readonly violations: RuleViolation[],
    options?: { cause?: unknown },
  ) {
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

/** The caller may not give this command on this program, as its Update's validator decided (the API's 403). */
export class CommandForbiddenError extends Error {
  constructor(
    readonly programId: string,
    options?: { cause?: unknown },
  ) {
    super(`the caller may not give this command on program ${programId}`, options);
    this.name = 'CommandForbiddenError';
  }
}

export class ProgramConflictError extends Error {
  constructor(readonly programId: string) {
    super(`program ${programId} already exists`);
    this.name = 'ProgramConflictError';
  }
}

/**
 * Temporal did not take the request: it was not reachable, or refused it for a reason of its own (a
 * lost worker's Update, say). Nothing was applied; the same request may be sent again.
 */
export class TemporalUnavailableError extends Error {
  constructor(options: { cause: unknown }) {
    super('Temporal is not answering', options);
    this.name = 'TemporalUnavailableError';
  }
}

/**
 * A command went out and no answer came back before its deadline: it may or may not have been
 * applied. Sending it again with the same Idempotency-Key applies it at most once.
 */
export class OutcomeUnknownError extends Error {
  constructor(options: { cause: unknown }) {
    super('the command was sent but its outcome is not known', options);
    this.name = 'OutcomeUnknownError';
  }
}

/** The gRPC status of a failure from Temporal's service, looking through the SDK's wrappers. */
export function grpcStatusOf(error: unknown): { code: number; details: string } | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (isGrpcServiceError(e)) return { code: e.code, details: e.details };
  }
  return null;
}

const GRPC = { CANCELLED: 1, UNKNOWN: 2, DEADLINE_EXCEEDED: 4, RESOURCE_EXHAUSTED: 8, INTERNAL: 13, UNAVAILABLE: 14 } as const;

/**
 * A failure of Temporal itself rather than an answer about the program, as the error the caller can
 * act on; `sent` says whether the request may have reached the server. Null for anything else.
 */
function asServiceFailure(error: unknown, sent: boolean): TemporalUnavailableError | OutcomeUnknownError | null {
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
    return sent ? new OutcomeUnknownError({ cause: error }) : new TemporalUnavailableError({ cause: error });
  const status = grpcStatusOf(error);
  if (status === null) return error instanceof ServiceError ? new TemporalUnavailableError({ cause: error }) : null;
  // No connection at all: the request never left this process.
  const neverSent =
    status.code === GRPC.UNAVAILABLE && /No connection established|ECONNREFUSED|connect ECONN|Name resolution failed/i.test(status.details);
  if (neverSent || !sent) return new TemporalUnavailableError({ cause: error });
  if (
    status.code === GRPC.DEADLINE_EXCEEDED ||
    status.code === GRPC.CANCELLED ||
    status.code === GRPC.UNAVAILABLE ||
    status.code === GRPC.UNKNOWN ||
    status.code === GRPC.INTERNAL
  ) {
    return new OutcomeUnknownError({ cause: error });
  }
  if (status.code === GRPC.RESOURCE_EXHAUSTED) return new TemporalUnavailableError({ cause: error });
  return null;
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

/** The program a command is for, and the other parameters of its path (`milestoneId`, `periodEnding`). */
export interface CommandTarget {
  programId: string;
  [param: string]: string;
}

/** How a command is sent: under an Update id of the caller's (a retry gets the first answer), and only at a version. */
export interface CommandOptions {
  updateId?: string;
  /** The program's version the caller saw (If-Match); another version refuses the command (`version-mismatch`). */
  expectedVersion?: number;
}

/**
 * One program at a time (DOMAIN.md decision 5): where an enrollment holds its employee before it
 * starts a workflow (db/enrollment-reservations.ts). Without it, only the workflow id keeps programs apart.
 */
export interface EnrollmentReservations {
  /** Holds the employee for `programId`, unless someone holds them already: answers the holder. */
  reserve(employeeId: string, programId: string): Promise<string>;
  /** Moves the hold from a program that is closed (or, `onlyIfAbandoned`, never started) to `to`; false if it moved meanwhile. */
  takeOver(employeeId: string, from: string, to: string, options: { onlyIfAbandoned: boolean }): Promise<boolean>;
  release(employeeId: string, programId: string): Promise<void>;
}

export interface ProgramClientOptions {
  client: Client;
  reservations?: EnrollmentReservations;
  taskQueue?: string;
  policy?: PolicySettings;
  /** Today's New York date on the clock the workflows run by (a test server's clock in tests). */
  today?: () => CivilDate | Promise<CivilDate>;
  /**
   * Records an enrollment's opening events in the event log before the enrollment is answered
   * (db/event-store.ts `appendEvents`, idempotent by event id and content): the program reaches the
   * read model within the projector's lag of its 201, not after its workflow's first task, which
   * waits behind every other start under load. The workflow decides the same events from the same
   * input and records them again, which changes nothing; if this recording fails, the workflow's is
   * the one that counts and the enrollment still stands. Wall-clock time stamps the events.
   */
  recordOpening?: (events: readonly ProgramEvent[]) => Promise<unknown>;
  /**
   * How long a call may take before it is given up: a query (`show`), and a command (an enrollment or
   * an Update, which waits for the workflow to answer). Past a command's deadline its outcome is unknown.
   */
  deadlines?: { readMs: number; commandMs: number };
}

const wallClockToday = (): CivilDate => civilDateInNewYork(Date.now());

export const DEFAULT_DEADLINES = { readMs: 5_000, commandMs: 10_000 };

export function createProgramClient({
  client,
  taskQueue = DEFAULT_TASK_QUEUE,
  policy = defaultPolicy,
  today = wallClockToday,
  deadlines = DEFAULT_DEADLINES,
  reservations,
  recordOpening,
}: ProgramClientOptions) {
  const handleFor = (programId: string) => client.workflow.getHandle(workflowIdFor(programId));
  const within = <T>(ms: number, call: () => Promise<T>): Promise<T> => client.withDeadline(Date.now() + ms, call);

  /** Runs an Update and turns a rule's rejection into a RuleViolationError with its cause kept. */
  async function update<A>(programId: string, run: () => Promise<A>): Promise<A> {
    try {
      return await within(deadlines.commandMs, run);
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === 'forbidden') {
        throw new CommandForbiddenError(programId, { cause: error });
      }
      if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
        const [violations] = error.cause.details ?? [];
        if (Array.isArray(violations)) throw new RuleViolationError(violations as RuleViolation[], { cause: error });
      }
      // Temporal answers an Update to a finished workflow as "not found … already completed", and one
      // the program took as it closed ("AcceptedUpdateCompletedWorkflow") as failed: either way the
      // program is closed and the command changed nothing.
      const closedUnderIt =
        error instanceof WorkflowUpdateFailedError &&
        error.cause instanceof ApplicationFailure &&
        (error.cause.type === 'AcceptedUpdateCompletedWorkflow' || /completed before the update completed/i.test(error.cause.message));
      if (closedUnderIt || (error instanceof Error && /already completed/i.test(error.message))) {
        throw new RuleViolationError(
          [{ code: 'program-closed', field: 'programId', message: 'The program has closed; it accepts no further changes.' }],
          { cause: error },
        );
      }
      if (isNotFound(error)) throw new ProgramNotFoundError(programId);
      // Failed for a reason that is no rule (the workflow task of a worker that died, say): nothing
      // was applied, and the client may send it again.
      if (error instanceof WorkflowUpdateFailedError) throw new TemporalUnavailableError({ cause: error });
      throw asServiceFailure(error, true) ?? error;
    }
  }

  /**
   * Sends one command through its Update, as the person who gives it: an actor, or a caller whom the
   * program's validator lets act (or refuses: CommandForbiddenError) by its own state.
   */
  const send = <C>(
    programId: string,
    definition: UpdateDefinition<ProgramView, [Request<C>]>,
    command: Omit<C, 'type'>,
    by: Actor | Caller,
    { updateId, expectedVersion }: CommandOptions = {},
  ): Promise<ProgramView> =>
    update(programId, () =>
      handleFor(programId).executeUpdate(definition, {
        args: [
          { ...('access' in by ? { caller: by } : { actor: by }), command, ...(expectedVersion === undefined ? {} : { expectedVersion }) },
        ],
        ...(updateId === undefined ? {} : { updateId }),
      }),
    );

  /** Whether the program's workflow is running; a program never started is not. */
  async function isOpen(programId: string): Promise<boolean | 'never-started'> {
    try {
      const { status } = await within(deadlines.readMs, () => handleFor(programId).describe());
      return status.name === 'RUNNING';
    } catch (error) {
      if (isNotFound(error)) return 'never-started';
      throw asServiceFailure(error, false) ?? error;
    }
  }

  /**
   * Decision 5: holds the employee for this program before it starts, or refuses with the open
   * program that holds them. A hold whose program closed is taken over; one whose program never
   * started is taken over once abandoned.
   */
  async function reserveTrainee(store: EnrollmentReservations, employeeId: string, programId: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const holder = await store.reserve(employeeId, programId);
      if (holder === programId) return;
      const open = await isOpen(holder);
      if (
        open === true ||
        (open === 'never-started' && !(await store.takeOver(employeeId, holder, programId, { onlyIfAbandoned: true })))
      ) {
        throw new RuleViolationError([
          violation(
            'trainee-already-enrolled',
            'trainee.employeeId',
            `The employee already has an open development program (${holder}); a new enrollment is allowed once it closes.`,
          ),
        ]);
      }
      if (open === 'never-started' || (await store.takeOver(employeeId, holder, programId, { onlyIfAbandoned: false }))) return;
    }
    throw new RuleViolationError([
      violation('trainee-already-enrolled', 'trainee.employeeId', 'Another enrollment of the employee is under way.'),
    ]);
  }

  const programs = {
    /**
     * Enrolls a trainee: validates, checks every enrollment rule, then starts the program's workflow.
     * Answers with the program as its workflow opens it, worked out here by the same code (one round
     * trip: nothing waits for the workflow's first task), or null when the idempotency key had
     * already started it (read it with `show`).
     */
    async enroll(
      body: unknown,
      enrolledBy: Actor,
      options: { programId?: string; idempotencyKey?: string; continueAsNewAfterHistoryEvents?: number } = {},
    ): Promise<{ programId: string; program: ProgramView | null }> {
      const enrollment = parse(enrollmentSchema, body);
      const targetClass = findTargetClass(enrollment.targetClassCode);
      const onDay = await today();
      // The same verdict the workflow will give: the policy a new program is enrolled under, today.
      const verdict = decideEnrollment(enrollment, targetClass, enrollmentPolicy(policy), enrolledBy, { today: onDay });
      if (!verdict.ok || !targetClass) throw new RuleViolationError(verdict.ok ? [] : verdict.violations);
      const programId = options.programId ?? newProgramId(options.idempotencyKey);
      // The workflow decides on the same day (and, when the events are recorded here, stamps them at
      // the same instant), so its events are the ones answered with and recorded here.
      const openedAt = recordOpening ? new Date().toISOString() : undefined;
      const opened = openedAt === undefined ? { on: onDay } : { on: onDay, at: openedAt };
      const input: DevelopmentProgramInput = { programId, enrollment, targetClass, policy, enrolledBy, opened };
      if (options.continueAsNewAfterHistoryEvents !== undefined) {
        input.continueAsNewAfterHistoryEvents = options.continueAsNewAfterHistoryEvents;
      }
      const employeeId = enrollment.trainee.employeeId;
      if (reservations) await reserveTrainee(reservations, employeeId, programId);
      try {
        await within(deadlines.commandMs, () =>
          client.workflow.start('developmentProgram', {
            taskQueue,
            workflowId: workflowIdFor(programId),
            args: [input],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          }),
        );
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
          // Not started (or not known to be): the hold stays until it is seen to be abandoned, since
          // a start whose answer was lost may yet have happened.
          if (reservations && !(asServiceFailure(error, true) instanceof OutcomeUnknownError))
            await reservations.release(employeeId, programId).catch(() => undefined);
          throw asServiceFailure(error, true) ?? error;
        }
        if (options.idempotencyKey === undefined) throw new ProgramConflictError(programId);
        // The same key again: the program it created is the answer.
        return { programId, program: null };
      }
      if (recordOpening && openedAt !== undefined) {
        // After the start: an event in the log is always a program that exists.
        await recordOpening(openingEvents(programId, verdict.events, onDay, openedAt)).catch((error: unknown) =>
          currentRequest()?.log.warn(
            { programId, failure: error instanceof Error ? error.name : 'unknown' },
            'opening events left to the workflow to record',
          ),
        );
      }
      return { programId, program: openedProgram(programId, verdict.events, onDay) };
    },

    /** The enrollment decision with nothing started: the program as it would be, and every rule broken. */
    async preview(body: unknown, actor: Actor): Promise<EnrollmentPreview> {
      const enrollment = parse(enrollmentSchema, body);
      return previewEnrollment(enrollment, findTargetClass(enrollment.targetClassCode), enrollmentPolicy(policy), actor, await today());
    },

    /**
     * Runs one delivery of a notice now (HR's resend): recipients already served are skipped. A
     * resend asked while one runs joins it. The workflow id is a hash: a notice id names its program.
     */
    async resendNotice(noticeId: string): Promise<{ completed: boolean }> {
      const workflowId = `notice-resend-${createHash('sha256').update(noticeId).digest('hex').slice(0, 32)}`;
      const handle = await within(deadlines.commandMs, () =>
        client.workflow.start<typeof resendNotice>('resendNotice', {
          taskQueue,
          workflowId,
          args: [{ noticeId }],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      );
      // A few delivery attempts at most (workflows/resend-notice.ts): seconds, not a command's deadline.
      return handle.result();
    },

    async show(programId: string): Promise<ProgramView> {
      try {
        return await within(deadlines.readMs, () => handleFor(programId).query(programQuery));
      } catch (error) {
        const failure = asServiceFailure(error, false);
        if (failure) throw failure;
        if (isNotFound(error)) throw new ProgramNotFoundError(programId);
        // A worker whose cached copy of the program fell out of step with the history (its answer to
        // a workflow task was refused: the task had timed out under load, or its worker was killed)
        // reports a nondeterminism error, drops the copy and rebuilds it from the history. A query
        // that meets it in between learns nothing wrong about the program: it may be asked again.
        if (error instanceof QueryNotRegisteredError && /TMPRL1100|Nondeterminism/.test(error.message))
          throw new TemporalUnavailableError({ cause: error });
        throw error;
      }
    },

    /**
     * Gives a command by its one name (client/commands/, domain/commands/): the body checked by the
     * command's schema, the path's parameters (`milestoneId`, `periodEnding`) added to it, sent in
     * the command's Update.
     */
    command<N extends CommandName>(
      name: N,
      target: CommandTarget,
      body: unknown,
      by: Actor | Caller,
      options?: CommandOptions,
    ): Promise<ProgramView> {
      const { programId, ...params } = target;
      const parsed: object = parse(commandEdge(name).body, body);
      // The edge's schema is the domain's own for this command (domain/schemas.ts checks they agree).
      const command = { ...parsed, ...params } as Omit<NamedCommand<N>, 'type'>;
      return send(programId, commandUpdate(name), command, by, options);
    },

    // Named for the callers written before the registry (today's CLI and many tests): one line each.
    signOff: (programId: string, milestoneId: string, body: unknown, by: Actor | Caller, options?: CommandOptions) =>
      programs.command('sign-off', { programId, milestoneId }, body, by, options),
    amend: (programId: string, body: unknown, by: Actor | Caller, options?: CommandOptions) =>
      programs.command('amend', { programId }, body, by, options),
    rate: (programId: string, body: unknown, by: Actor | Caller, options?: CommandOptions) =>
      programs.command('rate', { programId }, body, by, options),
    recordLeave: (programId: string, body: unknown, by: Actor | Caller, options?: CommandOptions) =>
      programs.command('leave', { programId }, body, by, options),
    withdraw: (programId: string, body: unknown, by: Actor | Caller, options?: CommandOptions) =>
      programs.command('withdraw', { programId }, body, by, options),
    cancelWithdrawal: (programId: string, body: unknown, by: Actor | Caller, options?: CommandOptions) =>
      programs.command('cancel-withdrawal', { programId }, body, by, options),
    confirmQualification: (programId: string, body: unknown, by: Actor | Caller, options?: CommandOptions) =>
      programs.command('confirm-qualification', { programId }, body, by, options),
    confirmRemoval: (programId: string, body: unknown, by: Actor | Caller, options?: CommandOptions) =>
      programs.command('confirm-removal', { programId }, body, by, options),
    recordRemediation: (programId: string, body: unknown, by: Actor | Caller, options?: CommandOptions) =>
      programs.command('remediate', { programId }, body, by, options),
    transfer: (programId: string, body: unknown, by: Actor | Caller, options?: CommandOptions) =>
      programs.command('transfer', { programId }, body, by, options),
    retractSignOff: (programId: string, milestoneId: string, body: unknown, by: Actor | Caller, options?: CommandOptions) =>
      programs.command('retract', { programId, milestoneId }, body, by, options),
    cancelLeave: (programId: string, body: unknown, by: Actor | Caller, options?: CommandOptions) =>
      programs.command('cancel-leave', { programId }, body, by, options),
    submitProgressReport: (programId: string, body: unknown, by: Actor | Caller, options?: CommandOptions) =>
      programs.command('report', { programId }, body, by, options),
    reviewProgressReport: (programId: string, periodEnding: string, body: unknown, by: Actor | Caller, options?: CommandOptions) =>
      programs.command('review', { programId, periodEnding }, body, by, options),

    handle: handleFor,
  };
  return programs;
}

export type ProgramClient = ReturnType<typeof createProgramClient>;

function isNotFound(error: unknown): boolean {
  return error instanceof Error && (error.name === 'WorkflowNotFoundError' || /not found/i.test(error.message));
}
