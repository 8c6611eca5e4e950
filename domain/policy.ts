/**
 * Policy settings (DOMAIN.md): rules an agency may change without a code change. Each default is
 * the one DOMAIN.md gives until someone with authority decides otherwise.
 */
export interface PolicySettings {
  /** Length of the trainee's working test period in the trainee class (C.G.S. 5-230: 3 to 12 months). */
  workingTestPeriodMonths: number;
  /** Whether time in the program counts as general experience toward the target class. */
  programTimeCountsAsGeneralExperience: boolean;
  /** Whether unpaid leave longer than the threshold pushes the earliest reclassification date back. */
  unpaidLeaveExtendsMinimumPeriod: boolean;
  /** Unpaid leave of more than this many working days extends the minimum period (DAS General Letter 31). */
  unpaidLeaveThresholdWorkingDays: number;
  /** Days before the latest completion date on which a cap warning is issued. */
  capWarningDays: readonly number[];
  /** The full-time schedule the class specification requires. */
  requiredHoursPerWeek: number;
}

export const defaultPolicy: PolicySettings = {
  workingTestPeriodMonths: 6,
  programTimeCountsAsGeneralExperience: true,
  unpaidLeaveExtendsMinimumPeriod: true,
  unpaidLeaveThresholdWorkingDays: 3,
  capWarningDays: [90, 30],
  requiredHoursPerWeek: 40,
};

export function resolvePolicy(overrides: Partial<PolicySettings> | undefined): PolicySettings {
  return { ...defaultPolicy, ...overrides };
}
