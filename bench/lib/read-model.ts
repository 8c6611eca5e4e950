/**
 * A read model of many programs for the read benchmarks, without Temporal: each program is lived by
 * the domain's own decide/evolve (enrollment, sign-offs, ratings, the clock) from its appointment to
 * today, then written into rm_programs and rm_milestones as the projector writes them. Programs are
 * spread over four years of appointments, twelve agencies, the catalogue's classes, 25 trainees to a
 * supervisor and 100 to a program manager.
 */
import type pg from 'pg';
import { milestoneRows, programRow } from '../../db/projections.js';
import { addDays, addMonths, civilDateInNewYork, daysBetween, type CivilDate } from '../../domain/dates.js';
import { defaultPolicy } from '../../domain/policy.js';
import { decideEnrollment, execute, replay, stamp, type Actor, type ProgramCommand, type ProgramState } from '../../domain/program.js';
import type { Enrollment } from '../../domain/rules.js';
import { findTargetClass, targetClasses } from '../../domain/target-classes.js';

const AGENCIES = ['OPM', 'DAS', 'DOL', 'DCF', 'DMHAS', 'DOC', 'DPH', 'DSS', 'DEEP', 'DOT', 'DRS', 'DVA'];
const BEHAVIOURS = ['on-time', 'late', 'stalled', 'withdrawn'] as const;
type Behaviour = (typeof BEHAVIOURS)[number];

const hr: Actor = { id: 'hr-bench', role: 'hr' };
const supervisor: Actor = { id: 'sup-bench', role: 'supervisor' };
const system: Actor = { id: 'system', role: 'system' };
const today = civilDateInNewYork(Date.now());

function enrollment(appointmentDate: CivilDate, targetClassCode: string): Enrollment {
  return {
    trainee: { employeeId: 'E0000000', name: 'Bench Trainee', email: 'bench@example.gov' },
    agency: 'OPM',
    functionalRole: 'Leadership Associate',
    targetClassCode,
    supervisorId: supervisor.id,
    programManagerId: 'pm-bench',
    appointmentDate,
    hoursPerWeek: 40,
    schedule: {
      dasApprovalRef: 'DAS-BENCH',
      approvedOn: addDays(appointmentDate, -14),
      plannedEndDate: addMonths(appointmentDate, 18),
      milestones: Array.from({ length: 4 }, (_, i) => ({
        id: `m${i + 1}`,
        title: `Rotation ${i + 1}`,
        dueDate: addMonths(appointmentDate, 3 * (i + 1)),
      })),
    },
    priorExperience: { generalYears: 6, specialYears: 2 },
    education: { semesterHours: 120, degrees: ['bachelor'] },
  };
}

/** One program lived from its appointment up to today under the domain's rules. */
function simulate(appointment: CivilDate, targetClassCode: string, behaviour: Behaviour): ProgramState {
  const opened = decideEnrollment(enrollment(appointment, targetClassCode), findTargetClass(targetClassCode), defaultPolicy, hr);
  if (!opened.ok) throw new Error(`bench enrollment rejected: ${JSON.stringify(opened.violations)}`);
  let state = replay(stamp('template', 0, opened.events, `${appointment}T14:00:00.000Z`));
  if (!state) throw new Error('bench enrollment produced no state');
  const commands: [number, ProgramCommand, Actor][] = [];
  const lateBy = behaviour === 'late' ? 40 : -5;
  if (behaviour !== 'stalled') {
    for (let m = 1; m <= 4; m++)
      commands.push([
        90 * m + lateBy,
        { type: 'sign-off-milestone', milestoneId: `m${m}`, signedOn: addDays(appointment, 90 * m + lateBy) },
        supervisor,
      ]);
    commands.push([170, { type: 'rate-service', rating: 'satisfactory', ratedOn: addDays(appointment, 170) }, supervisor]);
  }
  if (behaviour === 'withdrawn') commands.push([200, { type: 'withdraw', effectiveOn: addDays(appointment, 200), reason: 'Resigned' }, hr]);
  for (let day = 15; day <= 1100; day += 15) commands.push([day, { type: 'advance-clock' }, system]);
  commands.sort((a, b) => a[0] - b[0]);
  const lived = daysBetween(appointment, today);
  for (const [day, command, actor] of commands) {
    if (day > lived) break;
    const result = execute(state, command, actor, { today: addDays(appointment, day) });
    if (result.ok) state = result.state;
  }
  const caughtUp = execute(state, { type: 'advance-clock' }, system, { today });
  return caughtUp.ok ? caughtUp.state : state;
}

/** Templates for every fortnight of four years of appointments, each class and behaviour; programs copy them. */
export function buildPrograms(count: number, offset = 0): ProgramState[] {
  const templates = new Map<string, ProgramState>();
  const programs: ProgramState[] = [];
  for (let i = offset; i < offset + count; i++) {
    const appointment = addDays(today, -14 * (i % 104) - 1);
    const targetClassCode = targetClasses[i % targetClasses.length]?.code ?? '5257MP';
    const behaviour = BEHAVIOURS[(i * 7) % 10 < 5 ? 0 : (i * 7) % 10 < 7 ? 1 : (i * 7) % 10 < 9 ? 2 : 3] ?? 'on-time';
    const key = `${appointment}/${targetClassCode}/${behaviour}`;
    let template = templates.get(key);
    if (!template) {
      template = simulate(appointment, targetClassCode, behaviour);
      templates.set(key, template);
    }
    const state = structuredClone(template);
    const n = String(i).padStart(6, '0');
    state.programId = `p-bench-${n}`;
    state.enrollment.trainee.employeeId = `E9${n}`;
    state.enrollment.agency = AGENCIES[i % AGENCIES.length] ?? 'OPM';
    // A supervisor has 25 trainees and a program manager 100, however many programs there are in all:
    // more programs means more staff, so one person's inbox measures the cost of the total alone.
    state.enrollment.supervisorId = `sup-${String(Math.floor(i / 25)).padStart(4, '0')}`;
    state.enrollment.programManagerId = `pm-${String(Math.floor(i / 100)).padStart(4, '0')}`;
    programs.push(state);
  }
  console.error(`simulated ${templates.size} distinct programs, copied into ${count}`);
  return programs;
}

/** The rows the projector writes (db/projections.ts), straight into the read model. */
export async function insertReadModel(db: pg.Pool, states: readonly ProgramState[]): Promise<void> {
  for (let start = 0; start < states.length; start += 500) {
    const batch = states.slice(start, start + 500);
    await db.query(
      `INSERT INTO rm_programs (program_id, version, status, agency, target_class_code, supervisor_id, program_manager_id, trainee_employee_id,
         appointment_date, earliest_reclassification_date, latest_completion_date, overdue_milestones, meets_target_class, state, view)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(program_id text, version integer, status text, agency text, target_class_code text,
         supervisor_id text, program_manager_id text, trainee_employee_id text, appointment_date date, earliest_reclassification_date date,
         latest_completion_date date, overdue_milestones integer, meets_target_class boolean, state jsonb, view jsonb)`,
      [JSON.stringify(batch.map(programRow))],
    );
    await db.query(
      `INSERT INTO rm_milestones (program_id, milestone_id, title, due_date, status, signed_off_by, signed_off_on)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(program_id text, milestone_id text, title text, due_date date, status text,
         signed_off_by text, signed_off_on date)`,
      [JSON.stringify(batch.flatMap(milestoneRows))],
    );
  }
  // As autovacuum leaves a table after a load: statistics, and a visibility map that lets an index
  // answer alone (a table read straight after a bulk insert pays for setting its hint bits instead).
  await db.query('VACUUM (ANALYZE) rm_programs, rm_milestones');
}
