/**
 * The program commands the CLI offers, as data: the route each one posts to (its `:params` are the
 * positional arguments, in order), the flags that fill body fields, and whether the body comes from a
 * JSON file. Interim: the command registry (client/commands/) will hold these beside each command's
 * schema and route; the CLI then takes its list from there (one import in client/cli.ts).
 */
import type { CliCommandSpec } from './commands/spec.js';

const date = (what: string): string => `${what} (YYYY-MM-DD)`;

export const CLI_COMMANDS: readonly CliCommandSpec[] = [
  {
    name: 'sign-off',
    summary: "Sign off a milestone (the program's supervisor or program manager)",
    path: '/v1/programs/:programId/milestones/:milestoneId/sign-off',
    cli: {
      options: {
        on: { field: 'signedOn', description: date('the day it was signed off'), required: true },
        comments: { field: 'comments', description: 'comments on the work' },
      },
    },
  },
  {
    name: 'rate',
    summary: "Rate service (the program's supervisor or program manager)",
    path: '/v1/programs/:programId/service-ratings',
    cli: {
      options: {
        rating: { field: 'rating', description: 'satisfactory or unsatisfactory', required: true },
        on: { field: 'ratedOn', description: date('the day of the rating'), required: true },
        comments: { field: 'comments', description: 'comments on the rating' },
      },
    },
  },
  {
    name: 'amend',
    summary: 'Amend the schedule (das): the body from a JSON file',
    path: '/v1/programs/:programId/schedule-amendments',
    cli: { options: {}, file: true },
  },
  {
    name: 'leave',
    summary: 'Record leave (hr)',
    path: '/v1/programs/:programId/leaves',
    cli: {
      options: {
        from: { field: 'from', description: date('the first day of leave'), required: true },
        to: { field: 'to', description: date('the last day of leave'), required: true },
        kind: { field: 'kind', description: 'unpaid, sick, workers-comp or other', required: true },
      },
    },
  },
  {
    name: 'withdraw',
    summary: 'End the program (hr); dated ahead, the withdrawal is scheduled for the start of that day',
    path: '/v1/programs/:programId/withdrawal',
    cli: {
      options: {
        on: { field: 'effectiveOn', description: date('the day it takes effect'), required: true },
        reason: { field: 'reason', description: 'why', required: true },
      },
    },
  },
  {
    name: 'cancel-withdrawal',
    summary: 'Call off a withdrawal scheduled ahead, before its date (hr)',
    path: '/v1/programs/:programId/withdrawal/cancellation',
    cli: { options: { reason: { field: 'reason', description: 'why it is called off', required: true } } },
  },
  {
    name: 'confirm-qualification',
    summary: 'Confirm the trainee meets a target class whose minimum qualifications the catalogue does not state (hr)',
    path: '/v1/programs/:programId/qualification-confirmation',
    cli: { options: { reason: { field: 'reason', description: 'how HR established it', required: true } } },
  },
  {
    name: 'confirm-removal',
    summary: "HR's decision after an unsatisfactory rating: the program ends at the start of that day (hr)",
    path: '/v1/programs/:programId/hr-decision/removal',
    cli: {
      options: {
        on: { field: 'effectiveOn', description: date('the day the removal takes effect'), required: true },
        reason: { field: 'reason', description: 'why', required: true },
      },
    },
  },
  {
    name: 'remediate',
    summary: 'HR\'s decision after an unsatisfactory rating: remediation with a DAS-approved amendment, from a JSON file {"plan", "dasApprovalRef", "approvedOn", "plannedEndDate"?, "milestones"?} (hr)',
    path: '/v1/programs/:programId/hr-decision/remediation',
    cli: { options: {}, file: true },
  },
  {
    name: 'transfer',
    summary: 'Transfer the trainee to another agency, supervisor or program manager; the three-year clock runs on (hr)',
    path: '/v1/programs/:programId/transfers',
    cli: {
      options: {
        on: { field: 'effectiveOn', description: date('the day it takes effect'), required: true },
        agency: { field: 'agency', description: 'the new agency code' },
        supervisor: { field: 'supervisorId', description: "the new supervisor's staff id" },
        'program-manager': { field: 'programManagerId', description: "the new program manager's staff id" },
        reason: { field: 'reason', description: 'why' },
      },
    },
  },
  {
    name: 'report',
    summary: "Submit the trainee's progress report for a period (the trainee)",
    path: '/v1/programs/:programId/progress-reports',
    cli: {
      options: {
        'period-ending': { field: 'periodEnding', description: date('the last day of the period'), required: true },
        summary: { field: 'summary', description: 'the report', required: true },
      },
    },
  },
  {
    name: 'review',
    summary: "Review a progress report (the program's program manager or supervisor)",
    path: '/v1/programs/:programId/progress-reports/:periodEnding/review',
    cli: {
      options: {
        on: { field: 'reviewedOn', description: date('the day of the review'), required: true },
        comments: { field: 'comments', description: 'comments on the report' },
      },
    },
  },
  {
    name: 'retract',
    summary: 'Retract a sign-off recorded in error (hr, or the program\'s supervisor or program manager); it stays in the log',
    path: '/v1/programs/:programId/milestones/:milestoneId/retraction',
    cli: { options: { reason: { field: 'reason', description: 'why it was in error', required: true } } },
  },
  {
    name: 'cancel-leave',
    summary: 'Cancel leave recorded in error (hr)',
    path: '/v1/programs/:programId/leaves/cancellations',
    cli: {
      options: {
        from: { field: 'from', description: date('the first day of the leave'), required: true },
        to: { field: 'to', description: date('the last day of the leave'), required: true },
        reason: { field: 'reason', description: 'why it was in error', required: true },
      },
    },
  },
];
