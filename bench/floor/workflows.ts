/**
 * The floor the project's write paths are measured against: a bare Temporal workflow with one
 * Update and one activity that inserts one row. Nothing else: no domain, no codec, no read model.
 */
import { defineUpdate, proxyActivities, setHandler, condition } from '@temporalio/workflow';
import type { FloorActivities } from './activities.js';

const { insertRow } = proxyActivities<FloorActivities>({ startToCloseTimeout: '10 seconds' });

export const floorSignOff = defineUpdate<number, [string]>('floorSignOff');

export async function floorProgram(): Promise<void> {
  let version = 0;
  let done = false;
  setHandler(floorSignOff, async (milestoneId: string) => {
    version += 1;
    await insertRow(milestoneId, version);
    if (milestoneId === 'close') done = true;
    return version;
  });
  await insertRow('enrolled', version);
  await condition(() => done);
}
