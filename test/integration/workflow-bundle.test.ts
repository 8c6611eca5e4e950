/**
 * The workflow bundle shares what worker/worker.ts says it shares: every module in
 * `sharedWorkflowModules` is loaded by the bundle's preload, once per workflow thread, and none is
 * dropped on the way (webpack drops a bare import of a package that declares no side effects, and
 * every program would then load its own copy, as OpenTelemetry's semantic conventions once did).
 */
import { describe, expect, it } from 'vitest';
import { sharedWorkflowModules } from '../../worker/worker.js';
import { workflowBundle } from './harness.js';

/** The module requests the bundle's `preloadModules` function loads, as webpack names them in its comments. */
function preloadedRequests(code: string): { loaded: string[]; dropped: number } {
  const start = code.indexOf('exports.preloadModules = function preloadModules()');
  const end = code.indexOf('exports.importWorkflows', start);
  expect(start).toBeGreaterThan(-1);
  const body = code.slice(start, end);
  const loaded = [...body.matchAll(/__webpack_require__\([^)]*?\/\*! (\S+) \*\/ "[^"]+"\)/g)].map((m) => m[1] ?? '');
  // A request webpack pruned is left as a bare `0;`.
  const dropped = body.split('\n').filter((line) => line.trim() === '0;').length;
  return { loaded, dropped };
}

describe('the workflow bundle', () => {
  it('preloads every shared module, dropping none', async () => {
    const { code } = await workflowBundle();
    const { loaded, dropped } = preloadedRequests(code);
    expect(dropped).toBe(0);
    expect(loaded).toHaveLength(sharedWorkflowModules.length);
    expect(loaded).toContain('@opentelemetry/semantic-conventions');
    expect(loaded).toContain('./domain/program.ts');
  });
});
