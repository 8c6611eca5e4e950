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
  /**
   * Whether Connecticut's legal holidays (domain/holidays.ts) are left out of a leave's working days.
   * Absent in programs enrolled before the setting existed, which keep counting weekdays only.
   */
  workingDaysExcludeStateHolidays?: boolean;
  /** Days before the latest completion date on which a cap warning is issued. */
  capWarningDays: readonly number[];
  /** The full-time schedule the class specification requires. */
  requiredHoursPerWeek: number;
  /**
   * Reminders about milestones. Absent in programs enrolled before the setting existed, which keep
   * the rules they were enrolled under (no reminders); `null` turns them off for a program.
   */
  milestoneReminders?: MilestoneReminderPolicy | null;
  /**
   * The edition of the rules the program was enrolled under. Absent (edition 1) in programs enrolled
   * before the decisions of 2026-11-29 (DOMAIN.md), which keep the rules they were enrolled under;
   * 2 for programs enrolled since: the last day counts, leave after the minimum moves nothing,
   * scheduled withdrawals, HR decides after an unsatisfactory rating, degrees count once.
   */
  rulesEdition?: 2;
  /** Working days HR has to decide after an unsatisfactory rating before it is escalated (edition 2). */
  hrDecisionEscalateAfterWorkingDays?: number;
}

/** When the supervisor is reminded of a milestone, and when the program manager is brought in. */
export interface MilestoneReminderPolicy {
  /** A "due soon" notice this many days before a milestone's due date. */
  dueSoonDaysBefore: number;
  /** An overdue milestone is escalated to the program manager this many days after its due date. */
  escalateAfterDaysOverdue: number;
  /** While any milestone is overdue, a reminder repeats this many days after the last one. */
  repeatEveryDays: number;
}

export const defaultPolicy: PolicySettings = {
  workingTestPeriodMonths: 6,
  programTimeCountsAsGeneralExperience: true,
  unpaidLeaveExtendsMinimumPeriod: true,
  unpaidLeaveThresholdWorkingDays: 3,
  workingDaysExcludeStateHolidays: true,
  capWarningDays: [90, 30],
  requiredHoursPerWeek: 40,
};

export const defaultMilestoneReminders: MilestoneReminderPolicy = {
  dueSoonDaysBefore: 14,
  escalateAfterDaysOverdue: 14,
  repeatEveryDays: 7,
};

/**
 * The policy a program is enrolled under from now on: the given settings, with the default
 * milestone reminders where the caller did not say. `defaultPolicy` itself stays as DOMAIN.md lists
 * it, so what it means for programs already enrolled does not change.
 */
export function withMilestoneReminderDefaults(policy: PolicySettings): PolicySettings {
  return policy.milestoneReminders === undefined ? { ...policy, milestoneReminders: defaultMilestoneReminders } : policy;
}

/** The rules edition a program follows: 1 for programs enrolled before the setting existed. */
export const rulesEditionOf = (policy: PolicySettings): number => policy.rulesEdition ?? 1;

/** Programs enrolled from now on follow the decisions of 2026-11-29. */
export function withCurrentRules(policy: PolicySettings): PolicySettings {
  return { ...policy, rulesEdition: 2, hrDecisionEscalateAfterWorkingDays: policy.hrDecisionEscalateAfterWorkingDays ?? 10 };
}

/** The policy a new program is enrolled under: every default a running program did not have. */
export function enrollmentPolicy(policy: PolicySettings): PolicySettings {
  return withCurrentRules(withMilestoneReminderDefaults(policy));
}

export function resolvePolicy(overrides: Partial<PolicySettings> | undefined): PolicySettings {
  return { ...defaultPolicy, ...overrides };
}
