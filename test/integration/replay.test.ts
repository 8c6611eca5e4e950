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
import { developmentDataConverter, ENCRYPTED_ENCODING } from '../../temporal/payload-codec.js';
import { workflowSpanSinks } from '../../worker/worker.js';

const files = (await readdir(historiesDir)).filter((f) => f.endsWith('.binpb')).sort();

describe('recorded workflow histories', () => {
  it('include every scenario the workflow issue names', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it('include histories recorded before payload encryption and after it', async () => {
    const encodings = new Set<string>();
    for (const file of files) {
      const history = proto.temporal.api.history.v1.History.decode(await readFile(`${historiesDir}${file}`));
      const input = history.events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
      encodings.add(new TextDecoder().decode(input?.metadata?.encoding ?? undefined));
    }
    expect([...encodings].sort()).toEqual([ENCRYPTED_ENCODING, 'json/plain']);
  });

  it.each(files)('replays %s without a determinism error', async (file) => {
    const history = proto.temporal.api.history.v1.History.decode(await readFile(`${historiesDir}${file}`));
    expect(history.events.length).toBeGreaterThan(5);
    // Histories recorded before payload encryption replay as they are; later ones are decrypted.
    // The bundle is the production one, tracing interceptors included: they must not change a command.
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(), replayName: file, dataConverter: developmentDataConverter(), sinks: workflowSpanSinks() },
      history,
    );
  });
});
