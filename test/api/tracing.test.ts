/**
 * OpenTelemetry tracing through the whole stack, into an in-memory exporter: the API's request span,
 * the Temporal client's span, the workflow's spans (made in the sandbox, handed out by the sink) and
 * the activity's span belong to one trace, each the child of the one before.
 */
import { randomBytes } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths } from '../../domain/dates.js';
import { startTracing } from '../../worker/tracing.js';
import { enrollmentFixture } from '../integration/harness.js';
import { eventually, startApiStack, today, uniqueId, type ApiStack } from './harness.js';

const exporter = new InMemorySpanExporter();
// Tracing on with no OTEL_* variable set: this file's exporter.
const tracing = startTracing('lap-test', {}, new SimpleSpanProcessor(exporter));
let stack: ApiStack;
let hrToken: string;
let supervisorToken: string;
const supervisorId = uniqueId('sup');

beforeAll(async () => {
  stack = await startApiStack({ tracing });
  await stack.addStaff(supervisorId);
  [hrToken, supervisorToken] = await Promise.all([stack.token('hr-0001', 'hr'), stack.token(supervisorId, 'supervisor')]);
});

afterAll(async () => {
  await stack?.stop();
  await tracing.shutdown();
});

/** A W3C traceparent of the caller's own: a new trace id and the caller's span id. */
function callerContext(): { traceId: string; spanId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

const spansOf = (traceId: string): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);

/** The one finished span of the trace with this name. */
function only(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const named = spans.filter((span) => span.name === name);
  expect(
    named.map((span) => span.name),
    `one ${name} span among ${spans.map((s) => s.name).join(', ')}`,
  ).toEqual([name]);
  return named[0] as ReadableSpan;
}

async function enroll(): Promise<string> {
  const body = enrollmentFixture(addMonths(today(), -2), { supervisorId });
  const response = await stack.call('POST', '/v1/programs', { token: hrToken, body });
  expect(response.status).toBe(201);
  return (response.body as { programId: string }).programId;
}

describe('tracing', () => {
  it('follows one sign-off from the HTTP request through the Update and the workflow to the activity that records it, in one trace', async () => {
    const programId = await enroll();
    const caller = callerContext();

    const signed = await stack.call('POST', `/v1/programs/${programId}/milestones/m1/sign-off`, {
      token: supervisorToken,
      body: { signedOn: today() },
      headers: { traceparent: caller.traceparent },
    });
    expect(signed.status).toBe(200);

    // The recording's spans end after the answer (the workflow's once the activity's result is back): wait for both.
    const spans = await eventually(
      async () => spansOf(caller.traceId),
      (found) => ['RunActivity:recordEvents', 'StartActivity:recordEvents'].every((name) => found.some((span) => span.name === name)),
      'the recording activity spans',
    );
    const http = only(spans, 'POST /v1/programs/:programId/milestones/:milestoneId/sign-off');
    const client = only(spans, 'StartWorkflowUpdate:signOffMilestone');
    const update = only(spans, 'HandleUpdate:signOffMilestone');
    const scheduled = only(spans, 'StartActivity:recordEvents');
    const recorded = only(spans, 'RunActivity:recordEvents');

    // Each the child of the one before, from the caller's span down to the activity.
    expect(http.parentSpanId).toBe(caller.spanId);
    expect(http.kind).toBe(SpanKind.SERVER);
    expect(http.attributes['http.response.status_code']).toBe(200);
    expect(client.parentSpanId).toBe(http.spanContext().spanId);
    expect(update.parentSpanId).toBe(client.spanContext().spanId);
    expect(scheduled.parentSpanId).toBe(update.spanContext().spanId);
    expect(recorded.parentSpanId).toBe(scheduled.spanContext().spanId);
    // Each part of the system named as itself, and nothing about the person in any span.
    expect(http.resource.attributes['service.name']).toBe('lap-test');
    const everything = JSON.stringify(spans.map((span) => [span.name, span.attributes]));
    expect(everything).not.toMatch(/Jordan|example\.gov/);
  });

  it('starts a trace of its own for a caller that sends none, and an enrollment traces its workflow start and first recording in it', async () => {
    const before = new Set(exporter.getFinishedSpans().map((span) => span.spanContext().spanId));
    const programId = await enroll();
    const http = await eventually(
      async () => exporter.getFinishedSpans().find((span) => span.name === 'POST /v1/programs' && !before.has(span.spanContext().spanId)),
      (span) => span !== undefined,
      'the enrollment request span',
    );
    expect(http?.parentSpanId).toBeUndefined();
    const traceId = http?.spanContext().traceId ?? '';
    const spans = await eventually(
      async () => spansOf(traceId),
      (found) => ['RunActivity:recordEvents', 'StartActivity:recordEvents'].every((name) => found.some((span) => span.name === name)),
      'the first recording',
    );
    expect(only(spans, 'StartWorkflow:developmentProgram').parentSpanId).toBe(http?.spanContext().spanId);
    // The run's own span ends only when the program does (years later); its first recording is in the trace already.
    expect(only(spans, 'StartActivity:recordEvents').parentSpanId).toBeDefined();
    expect(programId).toMatch(/^p-/);
  });
});
