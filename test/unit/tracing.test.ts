/** Tracing's configuration: off unless asked for, and a bad exporter named by its variable. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { startTracing } from '../../worker/tracing.js';

describe('tracing configuration', () => {
  it('is off when no exporter is named, so the quick start needs no collector', () => {
    expect(startTracing('lap-api', {}).enabled).toBe(false);
    expect(startTracing('lap-api', { OTEL_TRACES_EXPORTER: 'none' }).enabled).toBe(false);
  });

  it('stays off when the SDK is disabled, whatever exporter is named', () => {
    expect(startTracing('lap-api', { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }).enabled).toBe(false);
  });

  it('refuses an exporter it does not have, naming the variable', () => {
    expect(() => startTracing('lap-api', { OTEL_TRACES_EXPORTER: 'otlp,zipkin' })).toThrow(
      /OTEL_TRACES_EXPORTER: must be otlp, console, none .*not zipkin/,
    );
  });

  it('sends spans over OTLP/HTTP to the endpoint OTEL_EXPORTER_OTLP_TRACES_ENDPOINT names, under OTEL_SERVICE_NAME', async () => {
    const received: { path: string | undefined; body: string }[] = [];
    const collector = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ path: request.url, body });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    const env = {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${port}/v1/traces`,
      OTEL_SERVICE_NAME: 'lap-api-blue',
    };
    // The exporter and the resource read OpenTelemetry's variables from the process's environment.
    Object.assign(process.env, env);
    try {
      const tracing = startTracing('lap-api', process.env);
      expect(tracing.enabled).toBe(true);
      trace.getTracer('test').startSpan('a traced request').end();
      await tracing.shutdown(); // sends what is buffered
      expect(received.map((r) => r.path)).toEqual(['/v1/traces']);
      expect(received[0]?.body).toContain('a traced request');
      expect(received[0]?.body).toContain('lap-api-blue');
    } finally {
      for (const name of Object.keys(env)) delete process.env[name];
      await new Promise((resolve) => collector.close(resolve));
    }
  });
});

describe('which workflow calls are traced', () => {
  it('a call whose Temporal header holds a trace context, not one whose client traces nothing', async () => {
    const { carriesTrace, TRACE_HEADER: ours } = await import('../../workflows/tracing.js');
    const { TRACE_HEADER } = await import('@temporalio/interceptors-opentelemetry/lib/instrumentation.js');
    // The workflow reads the header where Temporal's interceptors write it, without loading them.
    expect(ours).toBe(TRACE_HEADER);
    const { defaultPayloadConverter } = await import('@temporalio/common');
    // What Temporal's client interceptor puts in the header: the propagated fields, none when untraced.
    const header = (carrier: Record<string, string>) => ({ [TRACE_HEADER]: defaultPayloadConverter.toPayload(carrier) });
    expect(carriesTrace({})).toBe(false);
    expect(carriesTrace(header({}))).toBe(false);
    expect(carriesTrace(header({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }))).toBe(true);
  });
});
