/**
 * The command registry: each command's two halves, the names its histories carry, who may give it,
 * and a few of its decisions as given / when / then (test/unit/decider.ts).
 */
import { describe, expect, it } from 'vitest';
import { commandEdges } from '../../client/commands/index.js';
import { commandRules, mayGive } from '../../domain/commands/index.js';
import type { Actor, EventDraft } from '../../domain/program.js';
import { enrollmentFixture, PROGRAM_MANAGER_ID, SUPERVISOR_ID, TRAINEE_ID } from '../fixtures/enrollment.js';
import { deciderSpec } from './decider.js';

const HR: Actor = { id: 'hr-7', role: 'hr' };
const SUPERVISOR: Actor = { id: SUPERVISOR_ID, role: 'supervisor' };
const spec = deciderSpec();
const signedOffM1: EventDraft = { type: 'milestone-signed-off', actor: SUPERVISOR, data: { milestoneId: 'm1', signedOn: '2025-06-20' } };

describe('the command registry', () => {
  it('keeps every Update under the name the recorded histories carry', () => {
    expect(Object.fromEntries(commandRules.map((r) => [r.name, r.update]))).toEqual({
      'sign-off': 'signOffMilestone',
      amend: 'amendSchedule',
      rate: 'rateService',
      leave: 'recordLeave',
      withdraw: 'withdraw',
      'confirm-qualification': 'confirmQualification',
      'cancel-withdrawal': 'cancelWithdrawal',
      'confirm-removal': 'confirmRemoval',
      remediate: 'recordRemediation',
      report: 'submitProgressReport',
      review: 'reviewProgressReport',
      retract: 'retractSignOff',
      'cancel-leave': 'cancelLeave',
      transfer: 'transfer',
    });
  });

  it('gives every command both halves under one name, each with its own route', () => {
    expect(commandEdges.map((e) => e.name)).toEqual(commandRules.map((r) => r.name));
    expect(new Set(commandEdges.map((e) => e.path)).size).toBe(commandEdges.length);
  });

  it('lets the program’s own supervisor sign off and retract, HR retract but not sign off, another supervisor neither', () => {
    const program = { agency: 'DAS', supervisorId: SUPERVISOR_ID, programManagerId: PROGRAM_MANAGER_ID, traineeEmployeeId: TRAINEE_ID };
    const own = { id: SUPERVISOR_ID, roles: ['supervisor'] as const };
    const other = { id: 'sup-9', roles: ['supervisor'] as const };
    const hr = { id: 'hr-7', roles: ['hr'] as const };
    expect([mayGive('sign-off', own, program), mayGive('retract', own, program)]).toEqual([true, true]);
    expect([mayGive('sign-off', hr, program), mayGive('retract', hr, program)]).toEqual([false, true]);
    expect([mayGive('sign-off', other, program), mayGive('retract', other, program)]).toEqual([false, false]);
    expect(mayGive('report', { id: TRAINEE_ID, roles: ['trainee'] }, program)).toBe(true);
    expect(mayGive('report', { id: 'E9999', roles: ['trainee'] }, program)).toBe(false);
  });
});

describe('commands, given / when / then', () => {
  it('records a sign-off once: the same sign-off again changes nothing', () => {
    spec
      .given(enrollmentFixture())
      .when({ type: 'sign-off-milestone', milestoneId: 'm1', signedOn: '2025-06-20' }, SUPERVISOR, '2025-06-21')
      .then({ type: 'milestone-signed-off', actor: SUPERVISOR, data: { milestoneId: 'm1', signedOn: '2025-06-20' } });
    spec
      .given(enrollmentFixture(), signedOffM1)
      .when({ type: 'sign-off-milestone', milestoneId: 'm1', signedOn: '2025-06-20' }, SUPERVISOR, '2025-06-21')
      .thenNothingNew();
  });

  it('refuses to retract a sign-off never made, naming the milestone', () => {
    spec
      .given(enrollmentFixture())
      .when({ type: 'retract-sign-off', milestoneId: 'm2', reason: 'signed in error' }, HR, '2025-06-21')
      .thenRejected({ code: 'milestone-not-signed-off', field: 'milestoneId' });
  });

  it('takes a progress report from the program’s own trainee only', () => {
    const report = { type: 'submit-progress-report', periodEnding: '2025-05-31', summary: 'First quarter' } as const;
    spec
      .given(enrollmentFixture())
      .when(report, { id: 'E9999', role: 'trainee' }, '2025-06-02')
      .thenRejected({ code: 'not-the-trainee', field: 'actor' });
    spec
      .given(enrollmentFixture())
      .when(report, { id: TRAINEE_ID, role: 'trainee' }, '2025-06-02')
      .then({
        type: 'progress-report-submitted',
        data: { periodEnding: '2025-05-31', submittedOn: '2025-06-02', summary: 'First quarter' },
      });
  });

  it('transfers to a new supervisor with the clock running on, and the same transfer again is nothing new', () => {
    const transfer = { type: 'transfer', effectiveOn: '2025-04-01', supervisorId: 'sup-2' } as const;
    const [transferred] = spec
      .given(enrollmentFixture())
      .when(transfer, HR, '2025-04-01')
      .then({
        type: 'transferred',
        data: {
          effectiveOn: '2025-04-01',
          from: { supervisorId: SUPERVISOR_ID },
          to: { supervisorId: 'sup-2', programManagerId: PROGRAM_MANAGER_ID },
        },
      });
    if (!transferred) throw new Error('unreachable');
    spec.given(enrollmentFixture(), transferred).when(transfer, HR, '2025-04-02').thenNothingNew();
  });
});
