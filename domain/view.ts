/** The program as HR, supervisors and the API see it (the named fields of shared/API.md). */
import { addDays, maxDate, minDate, type CivilDate } from './dates.js';
import {
  qualificationOn,
  qualifiesForReclassification,
  type MilestoneState,
  type ProgramState,
  type ProgramStatus,
  type ProgressReportState,
} from './program.js';
import type { QualificationProjection } from './rules.js';

export type ChecklistRequirement =
  'milestones-signed-off' | 'service-rated-satisfactory' | 'minimum-period-served' | 'meets-target-class-qualifications';

/** One requirement of reclassification, met or not, and why (DOMAIN.md decision 13). */
export interface ChecklistItem {
  requirement: ChecklistRequirement;
  met: boolean;
  detail: string;
}

export interface ProgramView {
  programId: string;
  status: ProgramStatus;
  agency: string;
  functionalRole: string;
  traineeEmployeeId: string;
  trainee: { employeeId: string; name: string };
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
  /** What reclassification still needs; every item met once the program is reclassified. */
  checklist: ChecklistItem[];
  /** The day the program will be reclassified if the rest is done in time; null if it cannot be. */
  reclassifiesOn: CivilDate | null;
  /** An unsatisfactory rating waiting for HR's decision (decision 7); null when none is. */
  hrDecision: { ratedOn: CivilDate; requestedOn: CivilDate; escalatesOn: CivilDate; escalated: boolean } | null;
  /** A removal HR confirmed, taking effect at the start of `effectiveOn`; null when none is scheduled. */
  scheduledRemoval: { effectiveOn: CivilDate } | null;
  version: number;
}

/**
 * The reclassification checklist as of `today` (the caller's New York date; without one, as of the
 * planned end date), and the day the program will be reclassified if what is open is done in time.
 */
export function reclassificationChecklist(
  state: ProgramState,
  today?: CivilDate,
): { checklist: ChecklistItem[]; reclassifiesOn: CivilDate | null } {
  const reclassified = state.reclassification;
  // Eligibility is judged no later than the last day of the trainee class, as `advance` judges it.
  // A program that ended is judged as it stood on its last day.
  const lastDay = state.ended ? addDays(state.ended.on, -1) : (today ?? state.schedule.plannedEndDate);
  const asOf = reclassified?.effectiveOn ?? minDate(lastDay, state.latestCompletionDate);
  const open = state.milestones.filter((m) => m.status !== 'signed-off');
  const rating = state.serviceRating;
  const qualification = qualificationOn(state, asOf);
  const qualifies = reclassified !== null || qualifiesForReclassification(state, qualification);
  const checklist: ChecklistItem[] = [
    {
      requirement: 'milestones-signed-off',
      met: open.length === 0,
      detail:
        open.length === 0
          ? `All ${state.milestones.length} milestones are signed off.`
          : `Open: ${open.map((m) => `${m.id} (due ${m.dueDate}${m.status === 'overdue' ? ', overdue' : ''})`).join(', ')}.`,
    },
    {
      requirement: 'service-rated-satisfactory',
      met: rating?.rating === 'satisfactory',
      detail: ratingDetail(state),
    },
    {
      requirement: 'minimum-period-served',
      met: reclassified !== null || state.minimumPeriodReachedOn !== null,
      detail:
        state.minimumPeriodReachedOn !== null
          ? `The minimum period was served on ${state.minimumPeriodReachedOn}.`
          : `The minimum period is served on ${state.earliestReclassificationDate}.`,
    },
    {
      requirement: 'meets-target-class-qualifications',
      met: qualifies,
      detail: qualificationDetail(state, qualification, qualifies),
    },
  ];
  return { checklist, reclassifiesOn: reclassifiesOn(state, today) };
}

function ratingDetail(state: ProgramState): string {
  const rating = state.serviceRating;
  if (!rating) return `No service rating yet; due by ${state.workingTestPeriodEndsOn}.`;
  if (state.hrDecision)
    return `Rated unsatisfactory on ${rating.ratedOn}; HR's decision (removal or remediation) is pending since ${state.hrDecision.requestedOn}.`;
  if (rating.rating === 'unsatisfactory' && state.eventIds?.['remediation-recorded'] && !state.scheduledRemoval) {
    return `Rated unsatisfactory on ${rating.ratedOn}; HR recorded remediation, and a new satisfactory rating is needed.`;
  }
  return `Rated ${rating.rating} on ${rating.ratedOn}.`;
}

function qualificationDetail(state: ProgramState, q: QualificationProjection, qualifies: boolean): string {
  const code = state.targetClass.code;
  if (q.meetsTargetClass === null) {
    return state.qualificationConfirmed
      ? `HR confirmed on ${state.qualificationConfirmed.on} that the trainee meets ${code}: ${state.qualificationConfirmed.reason}`
      : `The catalogue states no minimum qualifications for ${code}; HR must confirm the trainee meets them.`;
  }
  if (qualifies) return `Meets ${code} as of ${q.asOf}: ${q.generalYears} years of general and ${q.specialYears} of special experience.`;
  const when =
    q.qualifiesOn && q.qualifiesOn <= state.latestCompletionDate
      ? ` Program time closes the gap on ${q.qualifiesOn}.`
      : ' Program time alone will not close the gap.';
  return `Short of ${code} by ${q.shortfallYears} years as of ${q.asOf}.${when}`;
}

function reclassifiesOn(state: ProgramState, today: CivilDate | undefined): CivilDate | null {
  if (state.reclassification) return state.reclassification.effectiveOn;
  if (state.status !== 'active' && state.status !== 'awaiting-minimum') return null;
  let date = maxDate(state.earliestReclassificationDate, today ?? state.earliestReclassificationDate);
  const q = qualificationOn(state, state.latestCompletionDate);
  if (q.meetsTargetClass === null) {
    if (!state.qualificationConfirmed && !qualifiesForReclassification(state, q)) return null;
  } else if (!qualifiesForReclassification(state, qualificationOn(state, date))) {
    if (!q.qualifiesOn) return null;
    date = maxDate(date, q.qualifiesOn);
  }
  return date <= state.latestCompletionDate ? date : null;
}

export function programView(state: ProgramState, today?: CivilDate): ProgramView {
  const { enrollment } = state;
  return {
    programId: state.programId,
    status: state.status,
    agency: enrollment.agency,
    functionalRole: enrollment.functionalRole,
    traineeEmployeeId: enrollment.trainee.employeeId,
    trainee: { employeeId: enrollment.trainee.employeeId, name: enrollment.trainee.name },
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
    ...reclassificationChecklist(state, today),
    hrDecision: state.hrDecision
      ? {
          ratedOn: state.hrDecision.ratedOn,
          requestedOn: state.hrDecision.requestedOn,
          escalatesOn: state.hrDecision.escalatesOn,
          escalated: state.hrDecision.escalatedOn !== null,
        }
      : null,
    scheduledRemoval: state.scheduledRemoval ?? null,
    version: state.version,
  };
}
