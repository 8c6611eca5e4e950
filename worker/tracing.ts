/**
 * OpenTelemetry tracing of a command from the API request through Temporal to the workflow and its
 * activities (docs/deployment.md, "Observability"). The API's request span is the root (or the child
 * of a W3C `traceparent` the caller sends); @temporalio/interceptors-opentelemetry carries the
 * context in the Temporal headers of the start or Update, into the workflow, and from the workflow
 * to its activities.
 *
 * Off unless OTEL_TRACES_EXPORTER names an exporter (`otlp` or `console`): the quick start and the
 * tests need no collector. Everything else is OpenTelemetry's own environment: OTEL_SERVICE_NAME,
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT and _HEADERS, OTEL_TRACES_SAMPLER,
 * OTEL_PROPAGATORS, OTEL_BSP_*; OTEL_SDK_DISABLED=true turns it off whatever else is set.
 */
import { fileURLToPath } from 'node:url';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource, detectResourcesSync, envDetectorSync } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NoopSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';

export interface Tracing {
  /** Whether spans go anywhere. */
  enabled: boolean;
  /** Where the workflow's spans go (they are made in the workflow sandbox and handed out by a sink). */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Sends the spans still buffered; call before the process exits. */
  shutdown(): Promise<void>;
}

const EXPORTERS = ['otlp', 'console', 'none'] as const;

/**
 * Sets up this process's tracer provider from the OTEL_* environment; a span processor given
 * (tests: an in-memory exporter) turns tracing on whatever the environment says.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env, spanProcessor?: SpanProcessor): Tracing {
  const processor = spanProcessor ?? spanProcessorFromEnvironment(env);
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override the process's own name.
  const resource = Resource.default()
    .merge(new Resource({ 'service.name': serviceName }))
    .merge(detectResourcesSync({ detectors: [envDetectorSync] }));
  if (!processor) return { enabled: false, spanProcessor: new NoopSpanProcessor(), resource, shutdown: () => Promise.resolve() };
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  // The context follows async calls (a request's handler, an activity); W3C trace context by default.
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable() });
  return { enabled: true, spanProcessor: processor, resource, shutdown: () => provider.shutdown() };
}

function spanProcessorFromEnvironment(env: NodeJS.ProcessEnv): SpanProcessor | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const names = (env.OTEL_TRACES_EXPORTER ?? 'none')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(EXPORTERS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `invalid configuration in the environment:\n  OTEL_TRACES_EXPORTER: must be ${EXPORTERS.join(', ')} (comma-separated), not ${unknown.join(', ')}`,
    );
  }
  const exporters: SpanExporter[] = [];
  // The OTLP exporter reads its endpoint, headers and timeout from OTEL_EXPORTER_OTLP_* itself.
  if (names.includes('otlp')) exporters.push(new OTLPTraceExporter());
  if (names.includes('console')) exporters.push(new ConsoleSpanExporter());
  if (exporters.length === 0) return undefined;
  const processors = exporters.map((exporter) =>
    exporter instanceof ConsoleSpanExporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter),
  );
  return processors.length === 1 ? processors[0] : fanOut(processors);
}

function fanOut(processors: SpanProcessor[]): SpanProcessor {
  return {
    onStart: (span, parent) => processors.forEach((p) => p.onStart(span, parent)),
    onEnd: (span) => processors.forEach((p) => p.onEnd(span)),
    forceFlush: async () => void (await Promise.all(processors.map((p) => p.forceFlush()))),
    shutdown: async () => void (await Promise.all(processors.map((p) => p.shutdown()))),
  };
}

/**
 * The Temporal client's tracing: each start, Update and query gets a span, and its context goes in
 * the call's Temporal header. Without a registered provider the spans are no-ops and no header is sent.
 */
export const tracingClientInterceptor = (): OpenTelemetryWorkflowClientInterceptor => new OpenTelemetryWorkflowClientInterceptor();

/**
 * The workflow interceptors of workflows/tracing.ts: in every workflow bundle (worker/build-bundle.ts,
 * the tests' bundles), whether tracing is on or not, so one prebuilt bundle serves both. They add
 * headers and spans, never a command: the recorded histories replay unchanged.
 */
export const workflowInterceptorModules = [fileURLToPath(new URL('../workflows/tracing.ts', import.meta.url))];
