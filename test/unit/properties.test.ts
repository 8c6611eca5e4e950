/**
 * Properties the program's dates and event stream must keep for any input, not only the examples.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, anniversary, daysBetween, type CivilDate } from '../../domain/dates.js';
import { defaultPolicy, enrollmentPolicy, resolvePolicy, type PolicySettings } from '../../domain/policy.js';
import {
  advance,
  decideEnrollment,
  execute,
  isTerminal,
  nextCheckDate,
  replay,
  stamp,
  type Actor,
  type EventType,
  type ProgramCommand,
  type ProgramEvent,
  type ProgramState,
} from '../../domain/program.js';
import {
  checkProgramLength,
  earliestReclassificationDate,
  latestCompletionDate,
  type Enrollment,
  type Leave,
  type LeaveKind,
} from '../../domain/rules.js';
import { findTargetClass, type Degree } from '../../domain/target-classes.js';
import { isConnecticutHoliday } from '../../domain/holidays.js';
import { reclassificationChecklist } from '../../domain/view.js';

const MS_PER_DAY = 86_400_000;
const civilFromEpochDay = (epochDay: number): CivilDate => new Date(epochDay * MS_PER_DAY).toISOString().slice(0, 10);
const epochDayOf = (date: CivilDate): number => Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY;
const dateBetween = (from: CivilDate, to: CivilDate): fc.Arbitrary<CivilDate> =>
  fc.integer({ min: epochDayOf(from), max: epochDayOf(to) }).map(civilFromEpochDay);

/** Civil dates compare as strings; the message names both dates when they are out of order. */
function expectOnOrBefore(earlier: CivilDate, later: CivilDate, what: string): void {
  expect(earlier <= later, `${what}: ${earlier} should be on or before ${later}`).toBe(true);
}

const LEAP_YEARS_1990_2090 = Array.from({ length: 101 }, (_, i) => 1990 + i).filter((y) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0);

/** Any appointment date from 1990 to 2090, with 29 February and month ends over-represented. */
const appointmentDate: fc.Arbitrary<CivilDate> = fc.oneof(
  { weight: 4, arbitrary: dateBetween('1990-01-01', '2090-12-31') },
  { weight: 1, arbitrary: fc.constantFrom(...LEAP_YEARS_1990_2090).map((y) => `${y}-02-29`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1990, max: 2090 }), fc.constantFrom('01-31', '02-28', '03-31', '08-31', '12-31'))
      .map(([y, md]) => `${y}-${md}`),
  },
);

const policy: fc.Arbitrary<PolicySettings> = fc
  .record({
    unpaidLeaveExtendsMinimumPeriod: fc.boolean(),
    unpaidLeaveThresholdWorkingDays: fc.integer({ min: 0, max: 10 }),
    workingDaysExcludeStateHolidays: fc.boolean(),
  })
  .map((overrides) => resolvePolicy(overrides));

const leaveKind: fc.Arbitrary<LeaveKind> = fc.constantFrom('unpaid', 'unpaid', 'sick', 'workers-comp', 'other');

/** Non-overlapping leaves laid end to end from the appointment, each within the program. */
const leavesWithin = (appointed: CivilDate): fc.Arbitrary<Leave[]> =>
  fc
    .array(fc.record({ gap: fc.integer({ min: 0, max: 300 }), length: fc.integer({ min: 0, max: 400 }), kind: leaveKind }), {
      maxLength: 8,
    })
    .map((parts) => {
      const latest = latestCompletionDate(appointed);
      const leaves: Leave[] = [];
      let cursor = appointed;
      for (const { gap, length, kind } of parts) {
        const from = addDays(cursor, gap);
        const to = addDays(from, length);
        if (to > latest) break;
        leaves.push({ from, to, kind });
        cursor = addDays(to, 1);
      }
      return leaves;
    });

describe('the program window, for any appointment date', () => {
  it('accepts exactly the planned end dates from the first anniversary to the day before the third', () => {
    fc.assert(
      fc.property(
        appointmentDate,
        fc.oneof(
          fc.integer({ min: -400, max: 1500 }).map((days) => ({ from: 'appointment' as const, days })),
          fc.integer({ min: -3, max: 3 }).map((days) => ({ from: 'first' as const, days })),
          fc.integer({ min: -3, max: 3 }).map((days) => ({ from: 'third' as const, days })),
        ),
        (appointed, end) => {
          const base = end.from === 'appointment' ? appointed : anniversary(appointed, end.from === 'first' ? 1 : 3);
          const plannedEnd = addDays(base, end.days);
          const firstAnniversary = anniversary(appointed, 1);
          const thirdAnniversary = anniversary(appointed, 3);
          const accepted = checkProgramLength(appointed, plannedEnd, 'plannedEndDate').length === 0;
          expect(accepted).toBe(plannedEnd >= firstAnniversary && plannedEnd < thirdAnniversary);
          if (!accepted) return;

          const earliest = earliestReclassificationDate(appointed, [], defaultPolicy);
          const latest = latestCompletionDate(appointed);
          expectOnOrBefore(firstAnniversary, earliest, 'first anniversary vs earliest reclassification');
          expect(daysBetween(latest, thirdAnniversary), 'latest completion is the day before the third anniversary').toBe(1);
          expectOnOrBefore(earliest, plannedEnd, 'earliest reclassification vs planned end');
          expectOnOrBefore(plannedEnd, latest, 'planned end vs latest completion');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('keeps the earliest reclassification date between the first anniversary and the latest completion date, whatever the leave', () => {
    fc.assert(
      fc.property(
        appointmentDate.chain((appointed) => fc.tuple(fc.constant(appointed), leavesWithin(appointed), policy)),
        ([appointed, leaves, settings]) => {
          const earliest = earliestReclassificationDate(appointed, leaves, settings);
          expectOnOrBefore(anniversary(appointed, 1), earliest, 'first anniversary vs earliest reclassification');
          expectOnOrBefore(earliest, latestCompletionDate(appointed), 'earliest reclassification vs latest completion');
          expect(earliest < anniversary(appointed, 3), 'earliest reclassification never reaches the third anniversary').toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('moves the earliest date back by the calendar days of each unpaid leave over the threshold, and no other', () => {
    // Weekdays by the JavaScript calendar, less the state's holidays when the policy says so.
    const workingDays = (from: CivilDate, to: CivilDate, settings: PolicySettings): number => {
      let n = 0;
      for (let d = epochDayOf(from); d <= epochDayOf(to); d++) {
        const date = new Date(d * MS_PER_DAY);
        const holiday = settings.workingDaysExcludeStateHolidays === true && isConnecticutHoliday(date.toISOString().slice(0, 10));
        if (![0, 6].includes(date.getUTCDay()) && !holiday) n++;
      }
      return n;
    };
    fc.assert(
      fc.property(
        appointmentDate.chain((appointed) => fc.tuple(fc.constant(appointed), leavesWithin(appointed), policy)),
        ([appointed, leaves, settings]) => {
          const extension = settings.unpaidLeaveExtendsMinimumPeriod
            ? leaves
                .filter((l) => l.kind === 'unpaid' && workingDays(l.from, l.to, settings) > settings.unpaidLeaveThresholdWorkingDays)
                .reduce((days, l) => days + daysBetween(l.from, l.to) + 1, 0)
            : 0;
          const uncapped = addDays(anniversary(appointed, 1), extension);
          const latest = latestCompletionDate(appointed);
          expect(earliestReclassificationDate(appointed, leaves, settings)).toBe(uncapped < latest ? uncapped : latest);
        },
      ),
      { numRuns: 500 },
    );
  });
});

// --- The event stream ------------------------------------------------------------------------------

const SUPERVISOR: Actor = { id: 'sup-1', role: 'supervisor' };
const PROGRAM_MANAGER: Actor = { id: 'pm-1', role: 'program-manager' };
const STRANGER: Actor = { id: 'sup-9', role: 'supervisor' };
const HR: Actor = { id: 'hr-7', role: 'hr' };
const SYSTEM: Actor = { id: 'system', role: 'system' };
const PROGRAM_ID = 'LA-PROP-1';

interface Trainee {
  appointed: CivilDate;
  generalYears: number;
  specialYears: number;
  semesterHours: number;
  degrees: Degree[];
}

const trainee: fc.Arbitrary<Trainee> = fc
  .record({
    appointed: dateBetween('2000-01-01', '2080-12-31'),
    // mostly trainees who can qualify within three years, some who cannot
    generalYears: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 2, max: 6 })),
    special: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(2)),
    semesterHours: fc.integer({ min: 0, max: 150 }),
    degrees: fc.subarray<Degree>(['bachelor', 'master', 'law']),
  })
  .map(({ special, ...t }) => ({ ...t, specialYears: Math.min(special, t.generalYears) }));

function enrollmentFor(t: Trainee): Enrollment {
  return {
    trainee: { employeeId: 'E2002', name: 'Sam Okafor', email: 'sam.okafor@example.ct.gov' },
    agency: 'Department of Correction',
    functionalRole: 'Labor Relations',
    targetClassCode: '5257MP',
    supervisorId: SUPERVISOR.id,
    programManagerId: PROGRAM_MANAGER.id,
    appointmentDate: t.appointed,
    hoursPerWeek: 40,
    schedule: {
      dasApprovalRef: 'DAS-P-0',
      approvedOn: addDays(t.appointed, -10),
      plannedEndDate: addDays(t.appointed, 540),
      milestones: [
        { id: 'm1', title: 'Orientation', dueDate: addDays(t.appointed, 100) },
        { id: 'm2', title: 'Arbitration', dueDate: addDays(t.appointed, 250) },
        { id: 'm3', title: 'Hearing', dueDate: addDays(t.appointed, 400) },
      ],
    },
    priorExperience: { generalYears: t.generalYears, specialYears: t.specialYears },
    education: { semesterHours: t.semesterHours, degrees: t.degrees },
  };
}

/** A command as data, relative to the day it arrives (so counterexamples print readably). */
type CommandSpec =
  | { type: 'sign-off-milestone'; milestoneId: string; daysAgo: number; by: Actor }
  | { type: 'rate-service'; rating: 'satisfactory' | 'unsatisfactory'; daysAgo: number; by: Actor }
  | { type: 'advance-clock' }
  | { type: 'record-leave'; startsIn: number; length: number; kind: LeaveKind }
  | { type: 'amend-schedule'; plannedEndAfterAppointment: number }
  | { type: 'transfer'; daysAgo: number; supervisor: Actor; agency: string }
  | { type: 'retract-sign-off'; milestoneId: string; by: Actor }
  | { type: 'cancel-leave'; pick: number }
  | { type: 'submit-progress-report'; daysAgo: number }
  | { type: 'review-progress-report'; pick: number; by: Actor }
  | { type: 'withdraw'; daysAhead: number }
  | { type: 'cancel-withdrawal' }
  | { type: 'confirm-removal'; daysAhead: number }
  | { type: 'record-remediation'; plannedEndAfterAppointment: number };

/** A command, the days since the previous one, and where to probe between today and the next check date. */
interface Step {
  daysLater: number;
  pick: number;
  spec: CommandSpec;
}

function toCommand(
  spec: CommandSpec,
  today: CivilDate,
  appointed: CivilDate,
  n: number,
  state: ProgramState,
): { command: ProgramCommand; actor: Actor } {
  switch (spec.type) {
    case 'sign-off-milestone':
      return { command: { type: spec.type, milestoneId: spec.milestoneId, signedOn: addDays(today, -spec.daysAgo) }, actor: spec.by };
    case 'rate-service':
      return { command: { type: spec.type, rating: spec.rating, ratedOn: addDays(today, -spec.daysAgo) }, actor: spec.by };
    case 'advance-clock':
      return { command: spec, actor: SYSTEM };
    case 'record-leave': {
      const from = addDays(today, spec.startsIn);
      return { command: { type: spec.type, from, to: addDays(from, spec.length), kind: spec.kind }, actor: HR };
    }
    case 'amend-schedule':
      return {
        command: {
          type: spec.type,
          dasApprovalRef: `DAS-P-${n}`,
          approvedOn: today,
          plannedEndDate: addDays(appointed, spec.plannedEndAfterAppointment),
        },
        actor: HR,
      };
    case 'retract-sign-off':
      return { command: { type: spec.type, milestoneId: spec.milestoneId, reason: 'Recorded in error' }, actor: spec.by };
    case 'cancel-leave': {
      // One of the leaves recorded, or dates never recorded (refused) when there is none.
      const leave = state.leaves[Math.floor(spec.pick * state.leaves.length)] ?? { from: today, to: today };
      return { command: { type: spec.type, from: leave.from, to: leave.to, reason: 'Recorded in error' }, actor: HR };
    }
    case 'submit-progress-report':
      return {
        command: { type: spec.type, periodEnding: addDays(today, -spec.daysAgo), summary: `Report ${spec.daysAgo}` },
        actor: { id: 'E2002', role: 'trainee' },
      };
    case 'review-progress-report': {
      const reports = state.progressReports ?? [];
      const report = reports[Math.floor(spec.pick * reports.length)];
      return { command: { type: spec.type, periodEnding: report?.periodEnding ?? today, reviewedOn: today }, actor: spec.by };
    }
    case 'withdraw':
      return { command: { type: spec.type, effectiveOn: addDays(today, spec.daysAhead), reason: 'Resigned' }, actor: HR };
    case 'cancel-withdrawal':
      return { command: { type: spec.type, reason: 'Resignation withdrawn' }, actor: HR };
    case 'confirm-removal':
      return { command: { type: spec.type, effectiveOn: addDays(today, spec.daysAhead), reason: 'Removal after fair trial' }, actor: HR };
    case 'record-remediation':
      return {
        command: {
          type: spec.type,
          plan: 'Paired casework',
          dasApprovalRef: `DAS-R-${n}`,
          approvedOn: today,
          plannedEndDate: addDays(appointed, spec.plannedEndAfterAppointment),
        },
        actor: HR,
      };
    case 'transfer':
      return {
        command: { type: spec.type, effectiveOn: addDays(today, -spec.daysAgo), supervisorId: spec.supervisor.id, agency: spec.agency },
        actor: HR,
      };
  }
}

const by = fc.constantFrom(SUPERVISOR, SUPERVISOR, PROGRAM_MANAGER, STRANGER);
const commandSpec: fc.Arbitrary<CommandSpec> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      type: fc.constant('sign-off-milestone' as const),
      milestoneId: fc.constantFrom('m1', 'm2', 'm3', 'm1', 'm2', 'm3', 'm9'),
      daysAgo: fc.integer({ min: -5, max: 90 }), // a few in the future, which are refused
      by,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('rate-service' as const),
      rating: fc.oneof(
        { weight: 9, arbitrary: fc.constant('satisfactory' as const) },
        { weight: 1, arbitrary: fc.constant('unsatisfactory' as const) },
      ),
      daysAgo: fc.integer({ min: 0, max: 60 }),
      by,
    }),
  },
  { weight: 4, arbitrary: fc.constant({ type: 'advance-clock' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('record-leave' as const),
      startsIn: fc.integer({ min: -120, max: 60 }),
      length: fc.integer({ min: 0, max: 40 }),
      kind: leaveKind,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('amend-schedule' as const), plannedEndAfterAppointment: fc.integer({ min: 300, max: 1200 }) }),
  },
  {
    // The stranger becomes the supervisor (and the first one a stranger), or it moves back.
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('transfer' as const),
      daysAgo: fc.integer({ min: 0, max: 20 }),
      supervisor: fc.constantFrom(SUPERVISOR, STRANGER),
      agency: fc.constantFrom('DAS', 'DOL'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('retract-sign-off' as const),
      milestoneId: fc.constantFrom('m1', 'm2', 'm3'),
      by: fc.constantFrom(SUPERVISOR, HR, STRANGER),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('cancel-leave' as const), pick: fc.double({ min: 0, max: 0.999, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('submit-progress-report' as const), daysAgo: fc.integer({ min: 0, max: 30 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('review-progress-report' as const),
      pick: fc.double({ min: 0, max: 0.999, noNaN: true }),
      by: fc.constantFrom(PROGRAM_MANAGER, STRANGER),
    }),
  },
);

/** Rules edition 2 adds withdrawals dated ahead (rare, so most programs run their course). */
const commandSpecEdition2: fc.Arbitrary<CommandSpec> = fc.oneof(
  { weight: 30, arbitrary: commandSpec },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('withdraw' as const), daysAhead: fc.integer({ min: 0, max: 200 }) }) },
  { weight: 1, arbitrary: fc.constant({ type: 'cancel-withdrawal' as const }) },
  // HR's decision after an unsatisfactory rating (decision 7): removal dated up to a year ahead, or remediation.
  { weight: 1, arbitrary: fc.record({ type: fc.constant('confirm-removal' as const), daysAhead: fc.integer({ min: -30, max: 365 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('record-remediation' as const),
      plannedEndAfterAppointment: fc.integer({ min: 300, max: 1200 }),
    }),
  },
);

const stepOf = (spec: fc.Arbitrary<CommandSpec>): fc.Arbitrary<Step> =>
  fc.record({
    daysLater: fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 0, max: 30 }) },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: 150 }) },
      { weight: 1, arbitrary: fc.integer({ min: 100, max: 500 }) }, // a clock that jumps, as after an outage or a migration
    ),
    pick: fc.double({ min: 0, max: 1, noNaN: true }),
    spec,
  });
const step = stepOf(commandSpec);

interface Run {
  events: ProgramEvent[];
  states: { state: ProgramState; today: CivilDate; pick: number }[];
}

/** Runs the steps the way the workflow does: execute, stamp, record, fold. Checks replay against execute on every step. */
function run(t: Trainee, steps: readonly Step[], policy: PolicySettings = defaultPolicy): Run {
  const enrollment = enrollmentFor(t);
  const opened = decideEnrollment(enrollment, findTargetClass('5257MP'), policy, HR);
  if (!opened.ok) throw new Error(`fixture enrollment rejected: ${JSON.stringify(opened.violations)}`);
  let events = stamp(PROGRAM_ID, 0, opened.events, `${t.appointed}T14:00:00.000Z`);
  let state = replay(events)!;
  let today = t.appointed;
  const states: Run['states'] = [];
  steps.forEach((s, n) => {
    today = addDays(today, s.daysLater);
    const { command, actor } = toCommand(s.spec, today, t.appointed, n + 1, state);
    const result = execute(state, command, actor, { today });
    if (!result.ok) return;
    events = [...events, ...stamp(PROGRAM_ID, state.version, result.events, `${today}T14:00:00.000Z`)];
    const replayed = replay(events);
    // execute numbers its drafts as stamp does: the state it looked ahead to is the one replay rebuilds.
    expect(replayed).toEqual(result.state);
    state = replayed!;
    states.push({ state, today, pick: s.pick });
  });
  return { events, states };
}

const count = (events: readonly ProgramEvent[], type: EventType): number => events.filter((e) => e.type === type).length;
const TERMINAL: EventType[] = ['reclassification-notice-issued', 'program-expired-at-maximum', 'program-ended'];

describe('the event stream, for any sequence of commands', () => {
  const sequences = fc.tuple(trainee, fc.array(step, { minLength: 1, maxLength: 30, size: 'max' }));

  it('replays to the state execute returned, step by step', () => {
    fc.assert(
      fc.property(sequences, ([t, steps]) => {
        const { events } = run(t, steps);
        expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1));
      }),
      { numRuns: 300 },
    );
  });

  it('never signs off a milestone twice (unless retracted between), issues at most one reclassification notice and nothing after the program closes', () => {
    fc.assert(
      fc.property(sequences, ([t, steps]) => {
        const { events } = run(t, steps);
        // Per milestone: signed off, retracted, signed off again… never two sign-offs or two retractions in a row.
        for (const id of ['m1', 'm2', 'm3']) {
          const marks = events.flatMap((e) =>
            e.type === 'milestone-signed-off' && e.data.milestoneId === id
              ? ['signed']
              : e.type === 'sign-off-retracted' && e.data.milestoneId === id
                ? ['retracted']
                : [],
          );
          marks.forEach((mark, index) => expect(mark).toBe(index % 2 === 0 ? 'signed' : 'retracted'));
        }
        // Every correction points at the event it corrects.
        for (const e of events) {
          if (e.type === 'sign-off-retracted')
            expect(events.find((x) => x.id === e.data.corrects)).toMatchObject({
              type: 'milestone-signed-off',
              data: { milestoneId: e.data.milestoneId },
            });
          if (e.type === 'leave-cancelled')
            expect(events.find((x) => x.id === e.data.corrects)).toMatchObject({
              type: 'leave-recorded',
              data: { from: e.data.from, to: e.data.to },
            });
        }
        expect(count(events, 'reclassification-notice-issued')).toBeLessThanOrEqual(1);
        const closedAt = events.findIndex((e) => TERMINAL.includes(e.type));
        if (closedAt >= 0) expect(events.slice(closedAt + 1).map((e) => e.type)).toEqual([]);
        const final = replay(events)!;
        expect(isTerminal(final.status)).toBe(closedAt >= 0);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves nothing for a second advance on the same day, nor before the next check date', () => {
    fc.assert(
      fc.property(sequences, ([t, steps]) => {
        for (const { state, today, pick } of run(t, steps).states) {
          expect(advance(state, today)).toEqual([]);
          const next = nextCheckDate(state, today);
          if (next === null) {
            expect(isTerminal(state.status)).toBe(true);
            continue;
          }
          expect(next > today, `next check ${next} after ${today}`).toBe(true);
          const gap = daysBetween(today, next);
          if (gap > 1) {
            const probe = addDays(today, 1 + Math.min(gap - 2, Math.floor(pick * (gap - 1))));
            expect(probe < next).toBe(true);
            expect(advance(state, probe)).toEqual([]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reclassifies only between the earliest reclassification date and the latest completion date', () => {
    fc.assert(
      fc.property(sequences, ([t, steps]) => {
        const { events } = run(t, steps);
        const final = replay(events)!;
        for (const e of events) {
          if (e.type !== 'reclassification-notice-issued') continue;
          expectOnOrBefore(final.earliestReclassificationDate, e.data.effectiveOn, 'earliest reclassification date vs notice');
          expectOnOrBefore(e.data.effectiveOn, final.latestCompletionDate, 'notice vs latest completion date');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('programs under rules edition 2, for any sequence of commands', () => {
  const policy = enrollmentPolicy(defaultPolicy);
  const sequences = fc.tuple(trainee, fc.array(stepOf(commandSpecEdition2), { minLength: 1, maxLength: 30, size: 'max' }));

  it('shows every checklist item met exactly when the program is reclassified; awaiting-minimum lacks only time and perhaps the qualification', () => {
    fc.assert(
      fc.property(sequences, ([t, steps]) => {
        for (const { state, today } of run(t, steps, policy).states) {
          const { checklist } = reclassificationChecklist(state, today);
          const met = Object.fromEntries(checklist.map((c) => [c.requirement, c.met]));
          expect(Object.keys(met).sort()).toEqual([
            'meets-target-class-qualifications',
            'milestones-signed-off',
            'minimum-period-served',
            'service-rated-satisfactory',
          ]);
          expect(
            checklist.every((c) => c.met),
            `${state.status} on ${today}: ${JSON.stringify(checklist)}`,
          ).toBe(state.status === 'reclassified');
          if (state.status === 'awaiting-minimum') {
            expect(met).toMatchObject({
              'milestones-signed-off': true,
              'service-rated-satisfactory': true,
              'minimum-period-served': false,
            });
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('closes once, with nothing after, and leaves nothing for advance before the next check date', () => {
    fc.assert(
      fc.property(sequences, ([t, steps]) => {
        const { events, states } = run(t, steps, policy);
        const closedAt = events.findIndex((e) => TERMINAL.includes(e.type));
        if (closedAt >= 0) expect(events.slice(closedAt + 1).map((e) => e.type)).toEqual([]);
        for (const { state, today, pick } of states) {
          expect(advance(state, today)).toEqual([]);
          const next = nextCheckDate(state, today);
          if (next === null) continue;
          const gap = daysBetween(today, next);
          if (gap > 1) expect(advance(state, addDays(today, 1 + Math.min(gap - 2, Math.floor(pick * (gap - 1)))))).toEqual([]);
        }
        // A scheduled withdrawal ends the program on its date, never before; an unsatisfactory rating ends nothing by itself.
        for (const e of events) {
          if (e.type === 'program-ended' && e.data.reason === 'unsatisfactory-service') {
            const removal = events.filter((r) => r.type === 'removal-confirmed' && r.version < e.version).at(-1);
            expect(removal?.data).toMatchObject({ effectiveOn: e.data.on });
          }
          if (e.type === 'program-ended' && e.data.reason === 'withdrawn') {
            const withdrawn = events.filter((w) => w.type === 'withdrawn' && w.version < e.version).at(-1);
            expect(withdrawn?.data).toMatchObject({ effectiveOn: e.data.on });
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
