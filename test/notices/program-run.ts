/**
 * A program run the way the workflow runs it, without Temporal: enrollment, then the clock woken on
 * each `nextCheckDate` and each scripted command, every event stamped, folded and turned into its
 * notice. For given/when/then tests of the time-driven rules and for realistic notices.
 */
import { addMonths, type CivilDate } from '../../domain/dates.js';
import { noticeFor, type Notice } from '../../domain/notices.js';
import { defaultMilestoneReminders, defaultPolicy, enrollmentPolicy, type PolicySettings } from '../../domain/policy.js';
import {
  decideEnrollment,
  evolve,
  execute,
  isTerminal,
  nextCheckDate,
  stamp,
  type Actor,
  type EventDraft,
  type ProgramCommand,
  type ProgramEvent,
  type ProgramState,
} from '../../domain/program.js';
import type { Enrollment } from '../../domain/rules.js';
import { findTargetClass } from '../../domain/target-classes.js';

export const HR: Actor = { id: 'hr-7', role: 'hr' };
export const SUPERVISOR: Actor = { id: 'sup-1', role: 'supervisor' };
export const PROGRAM_MANAGER: Actor = { id: 'pm-1', role: 'program-manager' };
export const DAS: Actor = { id: 'das-1', role: 'das' };
export const SYSTEM: Actor = { id: 'system', role: 'system' };

/** The policy of a program enrolled today: DOMAIN.md's defaults and the default reminders. */
export const reminderPolicy: PolicySettings = { ...defaultPolicy, milestoneReminders: defaultMilestoneReminders };

export const APPOINTED = '2025-03-03';

export function enrollmentFixture(overrides: Partial<Enrollment> = {}): Enrollment {
  return {
    trainee: { employeeId: 'E1001', name: 'Dana Rivera', email: 'dana.rivera@example.ct.gov' },
    agency: 'OPM',
    functionalRole: 'Agency Labor Relations Specialist Trainee',
    targetClassCode: '5257MP',
    supervisorId: SUPERVISOR.id,
    programManagerId: PROGRAM_MANAGER.id,
    appointmentDate: APPOINTED,
    hoursPerWeek: 40,
    priorExperience: { generalYears: 5, specialYears: 2 },
    education: { semesterHours: 120, degrees: ['bachelor'] },
    schedule: {
      dasApprovalRef: 'DAS-2025-0142',
      approvedOn: '2025-02-20',
      plannedEndDate: addMonths(APPOINTED, 18),
      milestones: [
        { id: 'm1', title: 'Contract administration rotation', dueDate: '2025-06-30' },
        { id: 'm2', title: 'Grievance and arbitration casework', dueDate: '2025-09-30' },
      ],
    },
    ...overrides,
  };
}

export interface ScriptedCommand {
  on: CivilDate;
  command: ProgramCommand;
  actor: Actor;
}

export interface ProgramRun {
  state: ProgramState;
  events: ProgramEvent[];
  notices: Notice[];
  /** Every day the clock woke, in order, and the program as it stood after that day. */
  wakes: CivilDate[];
  checkpoints: { today: CivilDate; state: ProgramState }[];
}

/**
 * Runs a program from `enrolledOn` (the appointment date by default) until `until` or until it
 * closes, waking as the workflow does.
 */
export function runProgram(
  enrollment: Enrollment,
  options: { policy?: PolicySettings; script?: ScriptedCommand[]; until?: CivilDate; enrolledOn?: CivilDate; programId?: string } = {},
): ProgramRun {
  const { policy = reminderPolicy, script = [], until = '2099-12-31', programId = 'p-run' } = options;
  const events: ProgramEvent[] = [];
  const notices: Notice[] = [];
  const wakes: CivilDate[] = [];
  const checkpoints: ProgramRun['checkpoints'] = [];
  let state: ProgramState | null = null;
  const commit = (drafts: readonly EventDraft[], today: CivilDate): void => {
    for (const event of stamp(programId, state?.version ?? 0, drafts, `${today}T05:00:00.000Z`)) {
      state = evolve(state, event);
      events.push(event);
      const notice = noticeFor(event, state);
      if (notice) notices.push(notice);
    }
  };
  let today = options.enrolledOn ?? enrollment.appointmentDate;
  const opened = decideEnrollment(enrollment, findTargetClass(enrollment.targetClassCode), policy, HR);
  if (!opened.ok) throw new Error(`test setup: enrollment rejected: ${JSON.stringify(opened.violations)}`);
  commit(opened.events, today);
  const pending = [...script].sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
  const current = (): ProgramState => {
    if (!state) throw new Error('unreachable: the program is open');
    return state;
  };
  const tick = (): void => {
    wakes.push(today);
    while (pending[0] && pending[0].on <= today) {
      const { command, actor } = pending.shift()!;
      const result = execute(current(), command, actor, { today });
      if (!result.ok) throw new Error(`scripted ${command.type} on ${today} rejected: ${JSON.stringify(result.violations)}`);
      commit(result.events, today);
    }
    const result = execute(current(), { type: 'advance-clock' }, SYSTEM, { today });
    if (result.ok) commit(result.events, today);
    checkpoints.push({ today, state: current() });
  };
  tick();
  while (!isTerminal(current().status)) {
    const next = [nextCheckDate(current(), today), pending[0]?.on ?? null].filter((d): d is CivilDate => d !== null && d > today).sort()[0];
    if (!next || next > until) break;
    today = next;
    tick();
  }
  return { state: current(), events, notices, wakes, checkpoints };
}

/** `[issuedOn, kind]` of each notice: the shape most assertions want. */
export const schedule = (notices: readonly Notice[]): [CivilDate, string][] => notices.map((n) => [n.issuedOn, n.kind]);

/** One realistic notice of every kind, from programs run through the domain rules. */
export function noticesOfEveryKind(): Map<string, Notice> {
  const signOff = (milestoneId: string, on: CivilDate): ScriptedCommand => ({
    on,
    command: { type: 'sign-off-milestone', milestoneId, signedOn: on },
    actor: SUPERVISOR,
  });
  const rate = (rating: 'satisfactory' | 'unsatisfactory', on: CivilDate): ScriptedCommand => ({
    on,
    command: { type: 'rate-service', rating, ratedOn: on },
    actor: SUPERVISOR,
  });
  const runs = [
    // Late with m2, never rated: every reminder, then the cap.
    runProgram(enrollmentFixture(), { script: [signOff('m1', '2025-06-25'), signOff('m2', '2025-10-31')] }),
    // Everything done: reclassified on the first anniversary.
    runProgram(enrollmentFixture(), {
      script: [signOff('m1', '2025-06-25'), signOff('m2', '2025-09-25'), rate('satisfactory', '2025-09-25')],
    }),
    runProgram(enrollmentFixture(), {
      script: [
        {
          on: '2025-04-02',
          command: { type: 'submit-progress-report', periodEnding: '2025-03-31', summary: 'First month' },
          actor: { id: 'E1001', role: 'trainee' },
        },
        rate('unsatisfactory', '2025-05-15'),
      ],
    }),
    runProgram(enrollmentFixture({ priorExperience: { generalYears: 0, specialYears: 0 }, education: { semesterHours: 0, degrees: [] } }), {
      until: '2025-03-03',
    }),
    // Rules edition 2: HR's decision after an unsatisfactory rating, reminded, escalated, then remediation.
    runProgram(enrollmentFixture(), {
      policy: enrollmentPolicy(defaultPolicy),
      script: [
        rate('unsatisfactory', '2025-05-15'),
        {
          on: '2025-06-20',
          command: {
            type: 'record-remediation',
            plan: 'Paired casework for six weeks',
            dasApprovalRef: 'DAS-2025-0990',
            approvedOn: '2025-06-19',
            plannedEndDate: '2026-12-31',
          },
          actor: HR,
        },
      ],
      until: '2025-06-20',
    }),
  ];
  const byKind = new Map<string, Notice>();
  for (const notice of runs.flatMap((r) => r.notices)) if (!byKind.has(notice.kind)) byKind.set(notice.kind, notice);
  return byKind;
}
