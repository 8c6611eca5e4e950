/**
 * A release whose workflow code does not fit the programs already running: it waits a day before
 * doing anything, where their histories show the enrollment recorded at once. Replaying a running
 * program against it fails, so `npm run versioning:move` must leave every program where it is.
 */
import { sleep } from '@temporalio/workflow';

export async function developmentProgram(): Promise<void> {
  await sleep('1 day');
}
