/**
 * HR's resend of a notice (POST /v1/notices/{noticeId}/resend): one delivery run now, through the
 * same activity the program's workflow uses, so recipients already served are skipped. A recipient
 * still without an address stays waiting; the program's own delivery keeps trying it, so this run
 * gives up soon. (If the program's own retry runs in the same instant, the two take turns at each
 * delivery and nobody gets a second copy: docs/notices.md, "Seeing delivery, and resending".)
 */
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const { deliverNotice } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  // A few tries: a mail server that refuses for a moment; the program's own delivery keeps on after.
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumAttempts: 4,
    nonRetryableErrorTypes: ['invalid-activity-input', 'notice-not-found'],
  },
});

export interface ResendNoticeInput {
  noticeId: string;
}

/** Whether the run made every delivery it could; how each stands is read from the outbox. */
export async function resendNotice({ noticeId }: ResendNoticeInput): Promise<{ completed: boolean }> {
  try {
    const report = await deliverNotice({ noticeId });
    return { completed: report.pending === 0 };
  } catch (error) {
    // The activity's own failure (no address yet, the mail server away) is the answer, not an error.
    if (error instanceof ActivityFailure) return { completed: false };
    throw error;
  }
}
