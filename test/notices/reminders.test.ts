/**
 * Milestone reminders as time-driven rules of the program (domain/program.ts): due soon, overdue,
 * weekly reminders, escalation to the program manager. Given an enrollment, when the clock runs
 * (as the workflow runs it), then these notices on these days.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, type CivilDate } from '../../domain/dates.js';
import { defaultPolicy } from '../../domain/policy.js';
import { advance, nextCheckDate } from '../../domain/program.js';
import {
  APPOINTED,
  DAS,
  PROGRAM_MANAGER,
  SUPERVISOR,
  enrollmentFixture,
  reminderPolicy,
  runProgram,
  schedule,
  type ScriptedCommand,
} from './program-run.js';

const signOff = (milestoneId: string, on: CivilDate): ScriptedCommand => ({
  on,
  command: { type: 'sign-off-milestone', milestoneId, signedOn: on },
  actor: SUPERVISOR,
});

/** One milestone, due 2025-09-30; no cap in sight before 2027. */
const oneMilestone = enrollmentFixture({
  schedule: {
    dasApprovalRef: 'DAS-2025-0142',
    approvedOn: '2025-02-20',
    plannedEndDate: '2026-09-03',
    milestones: [{ id: 'm1', title: 'Grievance and arbitration casework', dueDate: '2025-09-30' }],
  },
});
const milestoneNotices = (notices: ReturnType<typeof runProgram>['notices']) =>
  schedule(notices).filter(([, kind]) => kind.startsWith('milestone') || kind.startsWith('overdue'));

describe('milestone reminders', () => {
  it('tells the supervisor 14 days before a milestone is due, and nothing more when it is signed off in time', () => {
    const run = runProgram(oneMilestone, { script: [signOff('m1', '2025-09-25')], until: '2025-12-31' });
    expect(milestoneNotices(run.notices)).toEqual([['2025-09-16', 'milestone-due-soon']]);
    const [dueSoon] = run.notices;
    expect(dueSoon?.facts.detail).toEqual({
      kind: 'milestone-due-soon',
      milestone: { id: 'm1', title: 'Grievance and arbitration casework', dueDate: '2025-09-30' },
      on: '2025-09-16',
      daysBefore: 14,
    });
  });

  it('reminds weekly while overdue, escalates to the program manager 14 days after the due date, and stops at the sign-off', () => {
    const run = runProgram(oneMilestone, { script: [signOff('m1', '2025-10-31')], until: '2025-12-31' });
    expect(milestoneNotices(run.notices)).toEqual([
      ['2025-09-16', 'milestone-due-soon'],
      ['2025-10-01', 'milestone-overdue'], // the day after the due date
      ['2025-10-08', 'overdue-reminder'], // a week later, to the supervisor
      ['2025-10-14', 'milestone-escalated'], // 14 days after the due date, to the program manager too
      ['2025-10-15', 'overdue-reminder-escalated'], // weekly from the last reminder
      ['2025-10-22', 'overdue-reminder-escalated'],
      ['2025-10-29', 'overdue-reminder-escalated'],
      // signed off 2025-10-31: no reminder on 2025-11-05
    ]);
    const escalated = run.notices.find((n) => n.kind === 'milestone-escalated');
    expect(escalated?.facts.detail).toMatchObject({ daysOverdue: 14 });
    const last = run.notices.filter((n) => n.kind === 'overdue-reminder-escalated').at(-1);
    expect(last?.facts.detail).toMatchObject({ milestones: [{ id: 'm1', daysOverdue: 29, escalated: true }] });
    expect(run.events.filter((e) => e.type === 'milestone-overdue')).toHaveLength(1);
  });

  it('sends one weekly reminder for all overdue milestones, not one per milestone', () => {
    const run = runProgram(enrollmentFixture(), { until: '2025-10-20' });
    const reminders = run.notices.filter((n) => n.kind.startsWith('overdue-reminder'));
    // m1 overdue since 2025-07-01; m2 joins the weekly reminder once it is overdue (2025-10-01).
    const lastTwo = reminders
      .slice(-2)
      .map((n) => [n.issuedOn, n.facts.detail.kind === 'overdue-reminder-escalated' && n.facts.detail.milestones.map((m) => m.id)]);
    expect(lastTwo).toEqual([
      ['2025-10-07', ['m1', 'm2']],
      ['2025-10-14', ['m1', 'm2']],
    ]);
    expect(new Set(reminders.map((n) => n.issuedOn)).size).toBe(reminders.length);
    expect(reminders.map((n) => n.issuedOn).every((d, i, all) => i === 0 || daysBetween(all[i - 1] ?? d, d) === 7)).toBe(true);
  });

  it("starts over when DAS moves an overdue milestone's due date", () => {
    const amend: ScriptedCommand = {
      on: '2025-10-10',
      command: {
        type: 'amend-schedule',
        dasApprovalRef: 'DAS-2025-0300',
        approvedOn: '2025-10-10',
        milestones: [{ id: 'm1', title: 'Grievance and arbitration casework', dueDate: '2025-12-15' }],
      },
      actor: DAS,
    };
    const run = runProgram(oneMilestone, { script: [amend, signOff('m1', '2025-12-10')], until: '2026-01-31' });
    expect(milestoneNotices(run.notices)).toEqual([
      ['2025-09-16', 'milestone-due-soon'],
      ['2025-10-01', 'milestone-overdue'],
      ['2025-10-08', 'overdue-reminder'],
      // amended on 2025-10-10 to 2025-12-15: no longer overdue, due soon again for the new date
      ['2025-12-01', 'milestone-due-soon'],
    ]);
  });

  it('gives a program migrated in long after a due date the overdue notice and the escalation at once, then weekly reminders', () => {
    const run = runProgram(oneMilestone, { enrolledOn: '2025-12-01', script: [signOff('m1', '2025-12-20')] });
    expect(milestoneNotices(run.notices)).toEqual([
      ['2025-12-01', 'milestone-overdue'],
      ['2025-12-01', 'milestone-escalated'],
      ['2025-12-08', 'overdue-reminder-escalated'],
      ['2025-12-15', 'overdue-reminder-escalated'],
    ]);
  });

  it("names who is reminded in the notice, by their ids, and nobody's address but the trainee's", () => {
    const run = runProgram(oneMilestone, { until: '2025-10-20' });
    const escalated = run.notices.find((n) => n.kind === 'milestone-escalated');
    expect(escalated?.parties).toMatchObject({
      supervisor: { ref: SUPERVISOR.id, address: null },
      'program-manager': { ref: PROGRAM_MANAGER.id, address: null },
      trainee: { ref: 'E1001', address: 'dana.rivera@example.ct.gov' },
    });
  });

  it('sends none to programs enrolled before the setting existed, nor where the policy turns them off', () => {
    for (const policy of [defaultPolicy, { ...defaultPolicy, milestoneReminders: null }]) {
      const run = runProgram(oneMilestone, { policy, until: '2025-12-31' });
      expect(schedule(run.notices)).toEqual([['2025-10-01', 'milestone-overdue']]);
      expect(
        run.events.some((e) => e.type === 'milestone-due-soon' || e.type === 'milestone-escalated' || e.type === 'overdue-reminder-issued'),
      ).toBe(false);
    }
  });

  it("follows the policy's numbers", () => {
    const policy = { ...reminderPolicy, milestoneReminders: { dueSoonDaysBefore: 3, escalateAfterDaysOverdue: 5, repeatEveryDays: 2 } };
    const run = runProgram(oneMilestone, { policy, script: [signOff('m1', '2025-10-06')] });
    expect(milestoneNotices(run.notices)).toEqual([
      ['2025-09-27', 'milestone-due-soon'],
      ['2025-10-01', 'milestone-overdue'],
      ['2025-10-03', 'overdue-reminder'],
      ['2025-10-05', 'milestone-escalated'],
      ['2025-10-05', 'overdue-reminder-escalated'],
    ]);
  });
});

describe('milestone reminders and the clock', () => {
  const signOffs = fc.array(
    fc.tuple(fc.integer({ min: 0, max: 900 }), fc.constantFrom('m1', 'm2')).map(([n, milestoneId]) => ({ n, milestoneId })),
    { maxLength: 2 },
  );

  it('leaves nothing for a second advance on the same day, nor before the next check date', () => {
    fc.assert(
      fc.property(
        signOffs,
        fc.integer({ min: 0, max: 400 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (planned, enrolledAfter, pick) => {
          const enrolledOn = addDays(APPOINTED, enrolledAfter);
          const script = planned.map(({ n, milestoneId }) => signOff(milestoneId, addDays(enrolledOn, n)));
          const run = runProgram(enrollmentFixture(), { enrolledOn, script });
          for (const { today, state } of run.checkpoints) {
            expect(advance(state, today)).toEqual([]);
            const next = nextCheckDate(state, today);
            if (next === null) continue;
            expect(next > today).toBe(true);
            const gap = daysBetween(today, next);
            if (gap > 1) expect(advance(state, addDays(today, 1 + Math.min(gap - 2, Math.floor(pick * (gap - 1)))))).toEqual([]);
          }
          const reminders = run.events.filter((e) => e.type === 'overdue-reminder-issued').map((e) => e.data.on);
          for (let i = 1; i < reminders.length; i++)
            expect(daysBetween(reminders[i - 1] ?? '', reminders[i] ?? '')).toBeGreaterThanOrEqual(7);
          expect(nextCheckDate(run.state, run.wakes.at(-1) ?? enrolledOn)).toBeNull();
        },
      ),
      { numRuns: 60 },
    );
  });
});
