/** The program as HR, supervisors and the API see it (the named fields of shared/API.md). */
import type { CivilDate } from './dates.js';
import { qualificationOn, type MilestoneState, type ProgramState, type ProgramStatus, type ProgressReportState } from './program.js';
import type { QualificationProjection } from './rules.js';

export interface ProgramView {
  programId: string;
  status: ProgramStatus;
  agency: string;
  functionalRole: string;
  traineeEmployeeId: string;
  appointmentDate: CivilDate;
  earliestReclassificationDate: CivilDate;
  latestCompletionDate: CivilDate;
  workingTestPeriodEndsOn: CivilDate;
  targetClassCode: string;
  supervisorId: string;
  programManagerId: string;
  schedule: { dasApprovalRef: string; approvedOn: CivilDate; plannedEndDate: CivilDate };
  milestones: MilestoneState[];
  serviceRating: ProgramState['serviceRating'];
  leaves: ProgramState['leaves'];
  /** The trainee's progress reports, oldest period first, with their reviews. */
  progressReports: ProgressReportState[];
  /** Projected at the planned end date, or at the effective date once reclassified. */
  qualification: QualificationProjection;
  reclassification: ProgramState['reclassification'];
  ended: ProgramState['ended'];
  version: number;
}

export function programView(state: ProgramState): ProgramView {
  const { enrollment } = state;
  return {
    programId: state.programId,
    status: state.status,
    agency: enrollment.agency,
    functionalRole: enrollment.functionalRole,
    traineeEmployeeId: enrollment.trainee.employeeId,
    appointmentDate: state.appointmentDate,
    earliestReclassificationDate: state.earliestReclassificationDate,
    latestCompletionDate: state.latestCompletionDate,
    workingTestPeriodEndsOn: state.workingTestPeriodEndsOn,
    targetClassCode: state.targetClass.code,
    supervisorId: enrollment.supervisorId,
    programManagerId: enrollment.programManagerId,
    schedule: {
      dasApprovalRef: state.schedule.dasApprovalRef,
      approvedOn: state.schedule.approvedOn,
      plannedEndDate: state.schedule.plannedEndDate,
    },
    milestones: state.milestones,
    serviceRating: state.serviceRating,
    leaves: state.leaves,
    progressReports: state.progressReports ?? [],
    qualification: qualificationOn(state, state.reclassification?.effectiveOn ?? state.schedule.plannedEndDate),
    reclassification: state.reclassification,
    ended: state.ended,
    version: state.version,
  };
}
