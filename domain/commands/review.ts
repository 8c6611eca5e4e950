import type { CivilDate } from '../dates.js';
import { violation } from '../rules.js';
import type { Actor, EventPayloads } from '../events.js';
import type { ProgramState } from '../state.js';
import { accept, reject, checkAssigned, type Clock, type Decision } from '../decision.js';
import { defineCommand } from './rule.js';

/** The program manager (or supervisor) reviews a report (DOMAIN.md: the program manager reviews progress reports). */
export interface ReviewProgressReport {
  type: 'review-progress-report';
  periodEnding: CivilDate;
  reviewedOn: CivilDate;
  comments?: string;
}

function decideReview(command: ReviewProgressReport, state: ProgramState, actor: Actor, clock: Clock): Decision {
  const report = state.progressReports?.find((r) => r.periodEnding === command.periodEnding);
  if (!report)
    return reject(
      violation(
        'unknown-progress-report',
        'periodEnding',
        `No progress report for the period ending ${command.periodEnding} has been submitted.`,
      ),
    );
  const problems = checkAssigned(state, actor);
  if (command.reviewedOn < report.submittedOn) {
    problems.push(
      violation('review-before-report', 'reviewedOn', `The report was submitted on ${report.submittedOn}; it cannot be reviewed before.`),
    );
  } else if (command.reviewedOn > clock.today) {
    problems.push(violation('date-in-future', 'reviewedOn', `${command.reviewedOn} is after today (${clock.today}).`));
  }
  if (problems.length > 0) return reject(...problems);
  if (report.reviewedOn !== undefined) return accept([]); // reviewed already
  const data: EventPayloads['progress-report-reviewed'] = {
    periodEnding: report.periodEnding,
    reviewedOn: command.reviewedOn,
    reportedBy: report.submittedBy,
  };
  if (command.comments !== undefined) data.comments = command.comments;
  return accept([{ type: 'progress-report-reviewed', actor, data }]);
}

export const review = defineCommand<ReviewProgressReport>()({
  name: 'review',
  type: 'review-progress-report',
  update: 'reviewProgressReport',
  access: { everywhere: [], assigned: true },
  decide: decideReview,
});
