/**
 * Schema errors as sentences for people: each names the field as the web UI's forms label it and
 * says what the field needs ("Email must be an e-mail address, such as name@ct.gov."), one per
 * field. The machine-readable part of an error (its code, each issue's path) is unchanged; only the
 * words are ours instead of zod's ("Too small: expected string to have >=1 characters").
 * Messages never quote what was sent: it may be personal data.
 */
import type { z } from 'zod';
import { describeIssues } from '../domain/schemas.js';

/** The names people know the contract's fields by, as the forms label them. */
const FIELD_LABELS: Record<string, string> = {
  'trainee.employeeId': 'Employee id',
  'trainee.name': 'Name',
  'trainee.email': 'Email',
  agency: 'Agency',
  functionalRole: 'Functional role',
  targetClassCode: 'Target class',
  supervisorId: 'Supervisor',
  programManagerId: 'Program manager',
  appointmentDate: 'Appointment date',
  hoursPerWeek: 'Hours per week',
  'schedule.dasApprovalRef': 'DAS approval reference',
  'schedule.approvedOn': 'Schedule approved on',
  'schedule.plannedEndDate': 'Planned end date',
  'schedule.milestones': 'Milestones',
  'priorExperience.generalYears': 'General experience (years)',
  'priorExperience.specialYears': 'Special experience (years)',
  'education.semesterHours': 'College semester hours',
  'education.degrees': 'Degrees',
  dasApprovalRef: 'DAS approval reference',
  approvedOn: 'Approved on',
  plannedEndDate: 'Planned end date',
  milestones: 'Milestones',
  signedOn: 'Signed on',
  ratedOn: 'Rated on',
  rating: 'Rating',
  comments: 'Comments',
  from: 'First day',
  to: 'Last day',
  kind: 'Kind of leave',
  effectiveOn: 'Effective on',
  reason: 'Reason',
  periodEnding: 'Period ending',
  summary: 'Your report',
  reviewedOn: 'Reviewed on',
};

/** "Milestone 2 due date" for `schedule.milestones[1].dueDate`, as the milestone editor labels it. */
export function fieldLabel(path: string): string {
  const known = FIELD_LABELS[path];
  if (known) return known;
  const milestone = /^(?:schedule\.)?milestones\[(\d+)\]\.(id|title|dueDate)$/.exec(path);
  if (milestone) return `Milestone ${Number(milestone[1]) + 1} ${milestone[2] === 'dueDate' ? 'due date' : milestone[2]}`;
  const degree = /^education\.degrees\[(\d+)\]/.exec(path);
  if (degree) return `Degree ${Number(degree[1]) + 1}`;
  return path === '' ? 'The request' : path;
}

type ZodIssue = z.core.$ZodIssue;

const isDateIssue = (issue: ZodIssue): boolean => issue.code === 'custom' && /calendar date/.test(issue.message);

/** What the field needs, after its name: "is required", "must be at most 200 characters". */
function need(issue: ZodIssue, missing: boolean): string {
  if (missing) return 'is required';
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'number' || issue.expected === 'int'
        ? 'must be a number'
        : issue.expected === 'array'
          ? 'must be a list'
          : `must be ${article(issue.expected)}`;
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (issue.origin === 'string') return minimum <= 1 ? 'is required' : `must be at least ${minimum} characters`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return minimum <= 1 ? 'needs at least one entry' : `needs at least ${minimum} entries`;
      return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${minimum}`;
    }
    case 'too_big': {
      const maximum = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${maximum.toLocaleString('en-US')} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `can have at most ${maximum.toLocaleString('en-US')} entries`;
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${maximum.toLocaleString('en-US')}`;
    }
    case 'invalid_format':
      if (issue.format === 'email') return 'must be an e-mail address, such as name@ct.gov';
      if (issue.format === 'date') return 'must be a whole date (YYYY-MM-DD)';
      if (issue.format === 'regex') return issue.message.startsWith('must') ? issue.message : 'has characters it does not accept';
      return `must be ${article(issue.format)}`;
    case 'not_multiple_of':
      return Number(issue.divisor) === 1 ? 'must be a whole number' : `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return 'is not in a form this field accepts';
    case 'custom':
      if (isDateIssue(issue)) return 'must be a whole date (YYYY-MM-DD)';
      return /^(must|is|a |an )/.test(issue.message) ? issue.message : 'is not valid';
    default:
      return 'is not valid';
  }
}

const article = (noun: string): string => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;

/** A sentence: the first letter up, one full stop. */
const sentence = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1).replace(/\.?$/, '.')}`;

export interface PlainIssue {
  path: string;
  message: string;
}

/**
 * The schema's issues as the contract's issues, one per field (the first zod found), each a
 * sentence naming the field. An unknown field is reported at its own path. `input` is the value
 * parsed, read only to tell an empty or missing field from a wrong one.
 */
export function plainIssues(error: z.ZodError, input?: unknown): PlainIssue[] {
  const described = describeIssues(error);
  const seen = new Set<string>();
  const issues: PlainIssue[] = [];
  const add = (path: string, message: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    issues.push({ path, message });
  };
  error.issues.forEach((issue, index) => {
    const path = described[index]?.path ?? '';
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const at = path ? `${path}.${key}` : key;
        add(at, `${at} is not a field of this request.`);
      }
      return;
    }
    add(path, sentence(`${fieldLabel(path)} ${need(issue, input !== undefined && isMissing(valueAt(input, issue.path)))}`));
  });
  return issues;
}

/** What the request says of its fields, in one sentence: "Check 2 fields: Name and Email." */
export function summaryOf(issues: readonly PlainIssue[]): string {
  const first = issues[0];
  if (!first) return 'The request does not fit the schema.';
  if (issues.length === 1) return first.message;
  const names = [...new Set(issues.map((i) => (i.message.endsWith('is not a field of this request.') ? i.path : fieldLabel(i.path))))];
  const listed =
    names.length <= 5
      ? `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`
      : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
  return `Check ${issues.length} fields: ${listed}.`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

const isMissing = (value: unknown): boolean => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
