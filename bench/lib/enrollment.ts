/** The enrollment the benchmarks send through the API, for the staff bench/lib/stack.ts adds to the directory. */
import { addDays, addMonths, civilDateInNewYork, type CivilDate } from '../../domain/dates.js';

/** Today in New York, when the benchmark started: the appointment date and the sign-off date. */
export const benchToday: CivilDate = civilDateInNewYork(Date.now());

export function benchEnrollment(employeeId: string): unknown {
  return {
    trainee: { employeeId, name: 'Bench Trainee', email: 'bench.trainee@example.gov' },
    agency: 'OPM',
    functionalRole: 'Agency Labor Relations Specialist Trainee',
    targetClassCode: '5257MP',
    supervisorId: 'sup-bench',
    programManagerId: 'pm-bench',
    appointmentDate: benchToday,
    hoursPerWeek: 40,
    schedule: {
      dasApprovalRef: 'DAS-BENCH',
      approvedOn: addDays(benchToday, -14),
      plannedEndDate: addMonths(benchToday, 18),
      milestones: [1, 2, 3].map((m) => ({ id: `m${m}`, title: `Rotation ${m}`, dueDate: addMonths(benchToday, 4 * m) })),
    },
    priorExperience: { generalYears: 6, specialYears: 2 },
    education: { semesterHours: 120, degrees: ['bachelor'] },
  };
}
