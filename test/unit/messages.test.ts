/**
 * Schema errors as people read them (api/messages.ts): one sentence per field, naming it as the
 * forms label it, never zod's own wording and never the value sent.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { plainIssues, summaryOf } from '../../api/messages.js';
import { enrollmentSchema, leaveSchema, signOffSchema } from '../../domain/schemas.js';
import { enrollmentFixture } from '../integration/harness.js';

const issuesFor = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected the value to be refused');
  return plainIssues(result.error, value);
};

describe('schema errors for people', () => {
  const good = enrollmentFixture('2026-03-02');

  it('says a field left empty is required, by the name the form gives it', () => {
    const issues = issuesFor(enrollmentSchema, {
      ...good,
      trainee: { ...good.trainee, name: '  ' },
      supervisorId: '',
      appointmentDate: '',
    });
    expect(issues).toEqual([
      { path: 'trainee.name', message: 'Name is required.' },
      { path: 'supervisorId', message: 'Supervisor is required.' },
      { path: 'appointmentDate', message: 'Appointment date is required.' },
    ]);
    expect(summaryOf(issues)).toBe('Check 3 fields: Name, Supervisor and Appointment date.');
  });

  it('says what a wrong value needs, one message per field, and never quotes it', () => {
    const issues = issuesFor(enrollmentSchema, {
      ...good,
      trainee: { ...good.trainee, email: 'dana.rivera-at-ct.gov' },
      hoursPerWeek: 'forty',
      schedule: {
        ...good.schedule,
        plannedEndDate: '2027-02-30',
        milestones: [{ id: 'm 1', title: 'x'.repeat(201), dueDate: '2026-09-01' }],
      },
      status: 'active',
    });
    expect(issues).toEqual([
      { path: 'trainee.email', message: 'Email must be an e-mail address, such as name@ct.gov.' },
      { path: 'hoursPerWeek', message: 'Hours per week must be a number.' },
      { path: 'schedule.plannedEndDate', message: 'Planned end date must be a whole date (YYYY-MM-DD).' },
      { path: 'schedule.milestones[0].id', message: 'Milestone 1 id must be letters, digits, ".", "_", ":" or "-".' },
      { path: 'schedule.milestones[0].title', message: 'Milestone 1 title must be at most 200 characters.' },
      { path: 'status', message: 'status is not a field of this request.' },
    ]);
    for (const issue of issues) expect(issue.message).not.toMatch(/dana|forty|Too small|expected|Invalid input/i);
  });

  it('names the fields of the command forms as they are labelled', () => {
    expect(issuesFor(signOffSchema, { signedOn: '11/29/2026' })).toEqual([
      { path: 'signedOn', message: 'Signed on must be a whole date (YYYY-MM-DD).' },
    ]);
    expect(issuesFor(leaveSchema, { from: '2026-01-05', to: '', kind: 'holiday' })).toEqual([
      { path: 'to', message: 'Last day is required.' },
      { path: 'kind', message: 'Kind of leave must be one of "unpaid", "sick", "workers-comp", "other".' },
    ]);
  });
});
