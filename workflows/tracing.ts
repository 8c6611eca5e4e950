/**
 * The workflow's tracing interceptors, bundled with the workflows (worker/tracing.ts). The run and
 * each Update are traced by Temporal's OpenTelemetry interceptor, from the context the client put in
 * their Temporal header. Activities are traced here, for two reasons:
 *
 * - Temporal's activity interceptor yields once more before scheduling on a workflow task whose
 *   history names no SDK version (every task after a run's first), unless the run started with it:
 *   the programs already running would then schedule their activities later than their histories
 *   say, and fail to replay (the recorded history g- shows it). This one schedules in the same tick
 *   and hands back the activity's own promise: only the activity's header changes, never a command.
 * - The workflow records an Update's events from its main loop, not from the Update's handler, so the
 *   recording would be traced under the run (the enrollment's trace). It is traced under the Update
 *   whose events it records instead, so one sign-off's trace reads from the HTTP request to the row
 *   in the event log.
 *
 * Temporal's inbound interceptor is made only for a call that carries a trace (its Temporal header
 * holds a trace context: the caller traces), from programs started with the patch below. Made at
 * all, it keeps an AsyncLocalStorage per cached program that every promise the worker's workflow
 * thread creates then visits, so an untraced sign-off cost its worker twice the CPU (docs/operations.md,
 * "Worker tuning"). Programs started before it keep it for every call, as their histories were made.
 *
 * OpenTelemetry itself (its API, SDK and Temporal's interceptor, about 9% of the workflow thread and
 * a share of each cached program's memory when every program evaluated them) is loaded by a program
 * only at its first traced call: a program no traced call reaches never loads it.
 */
// Types only (erased): the modules themselves are loaded on first use, below.
import type * as OpenTelemetryApiModule from '@opentelemetry/api';
import type * as TemporalInstrumentationModule from '@temporalio/interceptors-opentelemetry/lib/instrumentation.js';
import type * as TemporalWorkflowTracingModule from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';
import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import {
  patched,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowInternalsInterceptor,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

/** The activities that record what an Update decided, in this order (workflows/development-program.ts, flush). */
const RECORD_EVENTS = 'recordEvents' satisfies keyof Activities;
const ISSUE_NOTICES = 'issueNotices' satisfies keyof Activities;

/**
 * Where Temporal's OpenTelemetry interceptors carry a trace context in a Temporal header (their
 * `TRACE_HEADER`; test/unit/tracing.test.ts holds the two equal). Written here so that reading a
 * header loads none of OpenTelemetry.
 */
export const TRACE_HEADER = '_tracer-data';

type OpenTelemetryApi = typeof OpenTelemetryApiModule;
type TemporalWorkflowTracing = typeof TemporalWorkflowTracingModule;
type TemporalInstrumentation = typeof TemporalInstrumentationModule;

/**
 * OpenTelemetry, loaded on first use by this program (each program has its own module instances:
 * Temporal's interceptor registers a tracer provider per program). `require` is webpack's: the
 * bundle holds these modules and evaluates them when first asked for, synchronously, as an Update's
 * validator needs.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- loaded lazily inside the workflow bundle, see above */
const openTelemetry = {
  api: (): OpenTelemetryApi => require('@opentelemetry/api') as OpenTelemetryApi,
  workflow: (): TemporalWorkflowTracing =>
    require('@temporalio/interceptors-opentelemetry/lib/workflow/index.js') as TemporalWorkflowTracing,
  instrumentation: (): TemporalInstrumentation =>
    require('@temporalio/interceptors-opentelemetry/lib/instrumentation.js') as TemporalInstrumentation,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Change id for `patched()`: runs started with it trace only the calls that carry a trace. */
const TRACE_ONLY_WHEN_CARRIED = 'trace-only-when-carried';

/** Whether a call's Temporal header carries a trace context (a client that traces puts one there; others an empty one). */
export function carriesTrace(headers: Headers): boolean {
  const payload = headers[TRACE_HEADER];
  if (payload === undefined) return false;
  const carrier: unknown = defaultPayloadConverter.fromPayload(payload);
  return typeof carrier === 'object' && carrier !== null && Object.keys(carrier).length > 0;
}

export const interceptors = (): WorkflowInterceptors => {
  // Per workflow run: the trace context of the last Update handled whose events are not yet
  // recorded, and of the recording whose notices are not yet issued.
  type Context = ReturnType<OpenTelemetryApi['context']['active']>;
  let unrecordedUpdate: Context | undefined;
  let unissuedNotices: Context | undefined;

  // Made at the run's first traced call, and with it this program's OpenTelemetry; until then no
  // span can be recording in this program, so nothing below needs OpenTelemetry either.
  let temporal:
    | { inbound: InstanceType<TemporalWorkflowTracing['OpenTelemetryInboundInterceptor']>; internals: WorkflowInternalsInterceptor }
    | undefined;
  const traced = (): NonNullable<typeof temporal>['inbound'] => {
    if (!temporal) {
      const { OpenTelemetryInboundInterceptor, OpenTelemetryInternalsInterceptor } = openTelemetry.workflow();
      temporal = { inbound: new OpenTelemetryInboundInterceptor(), internals: new OpenTelemetryInternalsInterceptor() };
    }
    return temporal.inbound;
  };
  // Decided once, by the run's first call (its start); until then, and for runs without the patch, every call is traced.
  let onlyWhenCarried = false;
  const tracing = (headers: Headers): boolean => !onlyWhenCarried || carriesTrace(headers);

  const traceInbound: WorkflowInboundCallsInterceptor = {
    execute(input, next) {
      onlyWhenCarried = patched(TRACE_ONLY_WHEN_CARRIED);
      return tracing(input.headers) ? traced().execute(input, next) : next(input);
    },
    handleSignal: (input, next) => (tracing(input.headers) ? traced().handleSignal(input, next) : next(input)),
    handleUpdate: (input, next) => (tracing(input.headers) ? traced().handleUpdate(input, next) : next(input)),
    validateUpdate: (input, next) => (tracing(input.headers) ? traced().validateUpdate(input, next) : next(input)),
    handleQuery: (input, next) => (tracing(input.headers) ? traced().handleQuery(input, next) : next(input)),
  };

  const rememberUpdate: WorkflowInboundCallsInterceptor = {
    // Synchronous, no await: the handler runs exactly as it would without this interceptor.
    handleUpdate(input, next) {
      if (temporal) {
        const { context, trace } = openTelemetry.api();
        const active = context.active();
        if (trace.getSpan(active)?.isRecording()) unrecordedUpdate = active;
      }
      return next(input);
    },
  };

  const traceActivities: WorkflowOutboundCallsInterceptor = {
    scheduleActivity(input, next) {
      // No traced call yet: no span to continue, and the activity's header would carry an empty context.
      if (!temporal) return next(input);
      let update: Context | undefined;
      if (input.activityType === RECORD_EVENTS) {
        update = unrecordedUpdate;
        unissuedNotices = update;
        unrecordedUpdate = undefined;
      } else if (input.activityType === ISSUE_NOTICES) {
        update = unissuedNotices ?? unrecordedUpdate;
        unissuedNotices = undefined;
        unrecordedUpdate = undefined;
      }
      const { SpanKind, SpanStatusCode, context, trace } = openTelemetry.api();
      const parent = update ?? context.active();
      // The provider Temporal's inbound interceptor registered in this sandbox (spans leave by the sink).
      const span = trace
        .getTracer('@temporalio/interceptor-workflow')
        .startSpan(`StartActivity:${input.activityType}`, { kind: SpanKind.CLIENT }, parent);
      const headers = context.with(trace.setSpan(parent, span), () => openTelemetry.instrumentation().headersWithContext(input.headers));
      const result = next({ ...input, headers });
      // Ended beside the workflow's own continuation, which gets `result` itself, unchanged.
      void result.then(
        () => {
          span.setStatus({ code: SpanStatusCode.OK });
          span.end();
        },
        (error: unknown) => {
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'failure' });
          span.end();
        },
      );
      return result;
    },
  };

  const disposeTracing: WorkflowInternalsInterceptor = {
    dispose(input, next) {
      if (temporal?.internals.dispose) return temporal.internals.dispose(input, next);
      return next(input);
    },
  };

  return {
    // Temporal's inbound interceptor first, so the Update's span is active when ours runs.
    inbound: [traceInbound, rememberUpdate],
    outbound: [traceActivities],
    internals: [disposeTracing],
  };
};
