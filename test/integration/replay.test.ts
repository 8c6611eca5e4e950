/**
 * Recorded histories of the scenarios replay against today's workflow code with no determinism
 * error. A change to the workflow that breaks one needs `patched()`, not a new recording.
 * Re-record (only for new scenarios) with `npm run record-histories`.
 */
import { readdir, readFile } from 'node:fs/promises';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { historiesDir, workflowBundle } from './harness.js';

const files = (await readdir(historiesDir)).filter((f) => f.endsWith('.binpb')).sort();

describe('recorded workflow histories', () => {
  it('include every scenario the workflow issue names', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)('replays %s without a determinism error', async (file) => {
    const history = proto.temporal.api.history.v1.History.decode(await readFile(`${historiesDir}${file}`));
    expect(history.events.length).toBeGreaterThan(5);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), replayName: file }, history);
  });
});
