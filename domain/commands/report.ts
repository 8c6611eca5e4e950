import type { CivilDate } from '../dates.js';
import { violation } from '../rules.js';
import type { Actor } from '../events.js';
import type { ProgramState } from '../state.js';
import { accept, reject, checkServiceDate, type Clock, type Decision } from '../decision.js';
import { defineCommand } from './rule.js';

/** The trainee reports on their progress over a period (DOMAIN.md: the trainee submits progress reports). */
export interface SubmitProgressReport {
  type: 'submit-progress-report';
  periodEnding: CivilDate;
  summary: string;
}

/** One report per period: the same report again adds nothing; a different one for a reported period is refused. */
function decideProgressReport(command: SubmitProgressReport, state: ProgramState, actor: Actor, clock: Clock): Decision {
  if (actor.id !== state.enrollment.trainee.employeeId) {
    return reject(violation('not-the-trainee', 'actor', 'Only the trainee of the program submits its progress reports.'));
  }
  const problems = checkServiceDate(command.periodEnding, 'periodEnding', state, clock);
  if (problems.length > 0) return reject(...problems);
  const existing = state.progressReports?.find((r) => r.periodEnding === command.periodEnding);
  if (existing) {
    if (existing.summary === command.summary) return accept([]);
    return reject(
      violation(
        'progress-report-exists',
        'periodEnding',
        `A report for the period ending ${command.periodEnding} was submitted on ${existing.submittedOn}.`,
      ),
    );
  }
  return accept([
    {
      type: 'progress-report-submitted',
      actor,
      data: { periodEnding: command.periodEnding, submittedOn: clock.today, summary: command.summary },
    },
  ]);
}

export const report = defineCommand<SubmitProgressReport>()({
  name: 'report',
  type: 'submit-progress-report',
  update: 'submitProgressReport',
  access: { everywhere: [], assigned: false, trainee: true },
  decide: decideProgressReport,
});
