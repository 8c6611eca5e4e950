/**
 * One durable workflow per trainee: appointment → milestones on the DAS-approved schedule →
 * reclassification (or the 3-year cap). Rules live in domain/; this file wires messages and timers
 * to them and records what they decide.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { actorOnProgram, partiesOf } from '../domain/access.js';
import { civilDateInNewYork, startOfDayInNewYork } from '../domain/dates.js';
import { noticeFor, type LegacyNotice, type Notice } from '../domain/notices.js';
import { enrollmentPolicy, withCurrentRules, withMilestoneReminderDefaults } from '../domain/policy.js';
import {
  advance,
  decide,
  decideEnrollment,
  evolve,
  execute,
  isTerminal,
  nextCheckDate,
  stamp,
  type Actor,
  type EventDraft,
  type ProgramCommand,
  type ProgramEvent,
  type ProgramState,
} from '../domain/program.js';
import { commandRules, type CommandName, type NamedCommand } from '../domain/commands/index.js';
import type { RuleViolation } from '../domain/rules.js';
import { programView, type ProgramView } from '../domain/view.js';
import {
  commandUpdate,
  programQuery,
  searchAttributes,
  type DevelopmentProgramInput,
  type ProgramOutcome,
  type Request,
} from './definitions.js';

// Recording must never give up: a database outage delays the audit trail, it does not lose it. Each
// attempt is one short transaction: ten seconds is ample, and a worker killed mid-attempt costs a
// program no more than that before another worker takes the work over.
const { recordEvents, issueNotices } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: ['invalid-activity-input', 'event-conflict'],
  },
});

// Delivery never gives up either: a failing SMTP server delays a notice, it does not lose it. The
// activity skips recipients already served, so a retry sends nobody a second copy.
// It heartbeats while it works, so a killed worker's delivery is taken over after the heartbeat timeout.
const { deliverNotice } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: ['invalid-activity-input', 'notice-not-found'],
  },
});

/** Change ids for `patched()`: histories recorded before a change replay without it. */
const PATCHES = {
  /** Notices are e-mailed (deliverNotice) after they are issued. */
  noticeDelivery: 'notice-delivery',
  /** Programs enrolled from now on get milestone reminders unless their policy says otherwise. */
  milestoneReminders: 'milestone-reminders',
  /** Programs enrolled from now on follow the decisions of 2026-11-29 (policy `rulesEdition: 2`). */
  rulesEdition2: 'rules-edition-2',
  // A program whose input carries `opened` is new by its input alone: it takes both of the above
  // without asking (and without their markers), as every program the client decides for does.
  /**
   * While recording fails (a database outage), Updates are still accepted and the history grows: the
   * program continues as new when it must, carrying what is still to be recorded, instead of waiting.
   */
  carryPendingAcrossContinueAsNew: 'carry-pending-across-continue-as-new',
} as const;

/** A rule's verdict as a failure the caller can read: `type` is the rule code, details list every violation. */
function ruleFailure(violations: RuleViolation[]): ApplicationFailure {
  const first = violations[0];
  return ApplicationFailure.create({
    type: first?.code ?? 'rule-violation',
    message: violations.map((v) => `${v.field}: ${v.message}`).join(' '),
    nonRetryable: true,
    details: [violations],
  });
}

/** The caller may not give this command on this program (the API's 403); nothing about the program in it. */
function forbiddenFailure(): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'forbidden',
    message: 'The caller may not give this command on this program.',
    nonRetryable: true,
  });
}

const today = (): string => civilDateInNewYork(Date.now());

export async function developmentProgram(input: DevelopmentProgramInput): Promise<ProgramOutcome> {
  let state: ProgramState;
  let unrecordedEvents: ProgramEvent[] = [];
  let unissuedNotices: (Notice | LegacyNotice)[] = [];
  /** Deliveries under way; the program waits for them before it closes or continues as new. */
  const deliveries = new Set<Promise<void>>();

  /** Stamps drafts, folds them into the state and queues them and their notices for recording. */
  const commit = (drafts: readonly EventDraft[], from: ProgramState | null, occurredAt = new Date().toISOString()): ProgramState => {
    let next = from;
    for (const event of stamp(input.programId, from?.version ?? 0, drafts, occurredAt)) {
      next = evolve(next, event);
      unrecordedEvents.push(event);
      const notice = noticeFor(event, next);
      if (notice) unissuedNotices.push(notice);
    }
    if (!next) throw new Error('no events to start the program from');
    return next;
  };

  if (input.carriedOver) {
    ({ state, unrecordedEvents, unissuedNotices } = input.carriedOver);
  } else if (input.opened) {
    // Decided by the client (client/programs.ts, `enroll`) by these rules, on this day, under the
    // policy every new program gets: the same events it answered with and may have recorded already.
    const { on, at } = input.opened;
    const opened = decideEnrollment(input.enrollment, input.targetClass, enrollmentPolicy(input.policy), input.enrolledBy, { today: on });
    if (!opened.ok) throw ruleFailure(opened.violations);
    state = commit(opened.events, null, at);
    // Then the clock's rules for every date already passed on that day, as the client answered and
    // recorded them (domain/preview.ts, `openingEvents`); the main loop's first advance adds only
    // what a later day brings.
    const caughtUp = advance(state, on);
    if (caughtUp.length > 0) state = commit(caughtUp, state, at);
  } else {
    let policy = patched(PATCHES.milestoneReminders) ? withMilestoneReminderDefaults(input.policy) : input.policy;
    if (patched(PATCHES.rulesEdition2)) policy = withCurrentRules(policy);
    const opened = decideEnrollment(input.enrollment, input.targetClass, policy, input.enrolledBy, { today: today() });
    if (!opened.ok) throw ruleFailure(opened.violations);
    state = commit(opened.events, null);
  }

  const publishSearchAttributes = (): void => {
    upsertSearchAttributes([
      { key: searchAttributes.status, value: state.status },
      { key: searchAttributes.targetClass, value: state.targetClass.code },
      { key: searchAttributes.agency, value: state.enrollment.agency },
      { key: searchAttributes.earliestReclassification, value: new Date(startOfDayInNewYork(state.earliestReclassificationDate)) },
      { key: searchAttributes.latestCompletion, value: new Date(startOfDayInNewYork(state.latestCompletionDate)) },
    ]);
  };
  publishSearchAttributes();

  const run = (command: ProgramCommand, actor: Actor): void => {
    const result = execute(state, command, actor, { today: today() });
    if (!result.ok) throw ruleFailure(result.violations);
    if (result.events.length === 0) return; // a repeated request: accepted, nothing new happens
    const before = state;
    state = commit(result.events, state);
    if (
      before.status !== state.status ||
      before.earliestReclassificationDate !== state.earliestReclassificationDate ||
      before.enrollment.agency !== state.enrollment.agency
    ) {
      publishSearchAttributes();
    }
  };

  /** An Update's handler and its validator, which rejects a rule-breaking request before it enters history. */
  const commandHandlers = <C extends Exclude<ProgramCommand, { type: 'advance-clock' }>>(type: C['type']) => {
    const toCommand = (request: Request<C>): C => ({ ...request.command, type }) as C;
    const actorOf = (request: Request<C>): Actor => {
      const actor = request.actor ?? (request.caller ? actorOnProgram(request.caller, partiesOf(state)) : null);
      if (!actor) throw forbiddenFailure();
      return actor;
    };
    return [
      (request: Request<C>): ProgramView => {
        run(toCommand(request), actorOf(request));
        return programView(state, today());
      },
      {
        validator: (request: Request<C>): void => {
          const actor = actorOf(request); // before anything else: a stranger learns nothing of the program
          if (request.expectedVersion !== undefined && request.expectedVersion !== state.version) {
            throw ruleFailure([
              {
                code: 'version-mismatch',
                field: 'If-Match',
                message: `The program changed since you read it: it is at version ${state.version}, not ${request.expectedVersion}.`,
              },
            ]);
          }
          const decision = decide(toCommand(request), state, actor, { today: today() });
          if (!decision.ok) throw ruleFailure(decision.violations);
        },
      },
    ] as const;
  };
  // One Update per command (domain/commands/), each under the name its histories carry.
  const register = <N extends CommandName>(name: N, type: NamedCommand<N>['type']): void =>
    setHandler(commandUpdate(name), ...commandHandlers<NamedCommand<N>>(type));
  for (const rule of commandRules) register(rule.name, rule.type);
  setHandler(programQuery, () => programView(state, today()));

  const shouldContinueAsNew = (): boolean =>
    workflowInfo().continueAsNewSuggested ||
    (input.continueAsNewAfterHistoryEvents !== undefined && workflowInfo().historyLength >= input.continueAsNewAfterHistoryEvents);

  /**
   * Sends issued notices in the background: an SMTP outage must not hold up the audit trail or the
   * program's clock, only the notices themselves.
   */
  const deliver = (notices: readonly (Notice | LegacyNotice)[]): void => {
    for (const { noticeId, kind } of notices) {
      // Not cancelled with the recording that started it (flushUnlessContinuing): it runs on its own.
      const delivery: Promise<void> = CancellationScope.nonCancellable(() => deliverNotice({ noticeId })).then(
        () => undefined,
        // Only a notice missing from the outbox or a malformed request ends here; the outbox keeps the rest.
        (error: unknown) => log.error('notice delivery abandoned', { kind, failure: error instanceof Error ? error.name : 'unknown' }),
      );
      deliveries.add(delivery);
      void delivery.then(() => deliveries.delete(delivery));
    }
  };
  const deliveriesSettled = async (): Promise<void> => {
    while (deliveries.size > 0) await Promise.all([...deliveries]);
  };

  // Events are recorded in order and notices after the events that caused them.
  const flush = async (): Promise<void> => {
    while (unrecordedEvents.length > 0 || unissuedNotices.length > 0) {
      const events = unrecordedEvents.slice();
      const notices = unissuedNotices.slice();
      if (events.length > 0) await recordEvents(events);
      unrecordedEvents = unrecordedEvents.slice(events.length);
      if (notices.length > 0) {
        await issueNotices(notices);
        if (patched(PATCHES.noticeDelivery)) deliver(notices);
      }
      unissuedNotices = unissuedNotices.slice(notices.length);
    }
  };

  /**
   * Records what is pending unless the history must be cut first: then the recording under way is
   * cancelled (it is idempotent, so an attempt that got through is harmless) and what it had not
   * confirmed stays pending, to be carried over. Answers whether everything was recorded.
   */
  const flushUnlessContinuing = async (): Promise<boolean> => {
    if (!patched(PATCHES.carryPendingAcrossContinueAsNew)) {
      await flush();
      return true;
    }
    if (unrecordedEvents.length === 0 && unissuedNotices.length === 0) return true;
    return CancellationScope.cancellable(async () => {
      const flushing = flush().then(() => true);
      const mustContinue = condition(shouldContinueAsNew).then(() => false);
      void mustContinue.catch(() => undefined); // cancelled below once the flush is done
      try {
        return await Promise.race([flushing, mustContinue]);
      } finally {
        CancellationScope.current().cancel();
        await flushing.catch((error: unknown) => {
          if (!isCancellation(error)) throw error;
        });
      }
    });
  };

  for (;;) {
    run({ type: 'advance-clock' }, { id: 'system', role: 'system' });
    const recorded = await flushUnlessContinuing();
    if (recorded && isTerminal(state.status)) break;
    if (!recorded || shouldContinueAsNew()) {
      await condition(allHandlersFinished);
      await deliveriesSettled();
      if (patched(PATCHES.carryPendingAcrossContinueAsNew) || (unrecordedEvents.length === 0 && unissuedNotices.length === 0)) {
        return continueAsNew<typeof developmentProgram>({
          ...input,
          carriedOver: { state, unrecordedEvents, unissuedNotices },
        });
      }
      continue;
    }
    const next = nextCheckDate(state, today());
    const wakeIn = next === null ? undefined : Math.max(startOfDayInNewYork(next) - Date.now(), 1);
    const versionBefore = state.version;
    // Sleep until the next date a rule may fire, or until a message changes the program.
    if (wakeIn === undefined) await condition(() => state.version !== versionBefore || shouldContinueAsNew());
    else await condition(() => state.version !== versionBefore || shouldContinueAsNew(), wakeIn);
  }

  await condition(allHandlersFinished);
  await flush();
  await deliveriesSettled();
  return {
    programId: input.programId,
    status: state.status,
    reclassification: state.reclassification,
    ended: state.ended,
    lastVersion: state.version,
  };
}
