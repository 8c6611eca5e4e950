/**
 * zod schemas for everything that crosses an edge (CLI, API, activity inputs, environment).
 * Never imported by workflow code: schemas built at module level are held once per cached
 * workflow and have exhausted workers' memory (sdk-typescript issue 2227). Workflows import the
 * plain types from rules.ts and program.ts; the assertions below keep the two in step.
 */
import { z } from 'zod';
import { isCivilDate } from './dates.js';
import type {
  Actor,
  AmendSchedule,
  CancelLeave,
  RateService,
  RecordLeave,
  RetractSignOff,
  ReviewProgressReport,
  SignOffMilestone,
  SubmitProgressReport,
  Transfer,
  Withdraw,
  CancelWithdrawal,
  ConfirmQualification,
  ConfirmRemoval,
  RecordRemediation,
} from './program.js';
import type { Enrollment } from './rules.js';

export const civilDate = z
  .string()
  .refine(isCivilDate, { message: 'must be a calendar date written YYYY-MM-DD' })
  .describe('A civil date in America/New_York, YYYY-MM-DD');

// PostgreSQL cannot store U+0000, nor a lone UTF-16 surrogate in jsonb: such text would be accepted
// here and then never recorded (the recording activity would retry for ever).
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const storableString = () =>
  z.string().refine((s) => !UNSTORABLE.test(s), 'must not contain the NUL character or unpaired UTF-16 surrogates');

const id = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, 'must be letters, digits, ".", "_", ":" or "-"');
const text = (max: number) => storableString().trim().min(1).max(max);
const optionalText = (max: number) => storableString().max(max).optional();

export const milestoneSchema = z.strictObject({
  id,
  title: text(200),
  dueDate: civilDate,
});

export const scheduleSchema = z.strictObject({
  dasApprovalRef: text(64).describe('DAS approval reference of the development program and its time schedule'),
  approvedOn: civilDate,
  plannedEndDate: civilDate,
  milestones: z.array(milestoneSchema).min(1).max(100),
});

export const enrollmentSchema = z.strictObject({
  trainee: z.strictObject({
    employeeId: id,
    name: text(200),
    email: z.email(),
  }),
  agency: text(100),
  functionalRole: text(200),
  targetClassCode: text(32),
  supervisorId: id,
  programManagerId: id,
  appointmentDate: civilDate,
  hoursPerWeek: z.number().positive().max(80),
  schedule: scheduleSchema,
  priorExperience: z.strictObject({
    generalYears: z.number().min(0).max(60),
    specialYears: z.number().min(0).max(60),
  }),
  education: z.strictObject({
    semesterHours: z.number().int().min(0).max(1000),
    degrees: z
      .array(
        z.union([
          z.enum(['bachelor', 'master', 'law']),
          z.strictObject({
            kind: z.enum(['bachelor', 'master', 'law']),
            field: text(200).optional(),
            relatedField: z
              .boolean()
              .optional()
              .describe('HR found the field one the target class names; false: the degree earns no additional years'),
          }),
        ]),
      )
      .max(6)
      .describe('Each kind counts once; the plain "master" means HR confirmed its field is related'),
  }),
  priorRecords: z
    .strictObject({
      signOffs: z
        .array(z.strictObject({ milestoneId: id, signedOn: civilDate, signedOffBy: id }))
        .max(100)
        .optional(),
      serviceRatings: z
        .array(z.strictObject({ rating: z.enum(['satisfactory', 'unsatisfactory']), ratedOn: civilDate, ratedBy: id }))
        .max(20)
        .optional(),
      leaves: z
        .array(z.strictObject({ from: civilDate, to: civilDate, kind: z.enum(['unpaid', 'sick', 'workers-comp', 'other']) }))
        .max(100)
        .optional(),
    })
    .optional()
    .describe(
      'A program already under way: what was recorded elsewhere, each dated; applied as events of the migration, so work already done is never overdue',
    ),
});

export const signOffSchema = z.strictObject({
  signedOn: civilDate,
  comments: optionalText(2000),
});

export const amendmentSchema = z
  .strictObject({
    dasApprovalRef: text(64),
    approvedOn: civilDate,
    plannedEndDate: civilDate.optional(),
    milestones: z.array(milestoneSchema).min(1).max(100).optional(),
    reason: optionalText(2000),
  })
  .refine((a) => a.plannedEndDate !== undefined || a.milestones !== undefined, {
    message: 'an amendment carries a new plannedEndDate, new milestones, or both',
    path: ['plannedEndDate'],
  });

export const serviceRatingSchema = z.strictObject({
  rating: z.enum(['satisfactory', 'unsatisfactory']),
  ratedOn: civilDate,
  comments: optionalText(2000),
});

export const leaveSchema = z.strictObject({
  from: civilDate,
  to: civilDate,
  kind: z.enum(['unpaid', 'sick', 'workers-comp', 'other']),
});

export const withdrawalSchema = z.strictObject({
  effectiveOn: civilDate,
  reason: text(2000),
});

export const withdrawalCancellationSchema = z.strictObject({
  reason: text(2000).describe('Why the withdrawal scheduled ahead is called off'),
});

export const qualificationConfirmationSchema = z.strictObject({
  reason: text(2000).describe('How HR established that the trainee meets the target class'),
});

/** HR's decision after an unsatisfactory rating: removal from the program (decision 7). */
export const removalConfirmationSchema = z.strictObject({
  effectiveOn: civilDate.describe('The removal takes effect at the start of this day: from the rating date to the latest completion date'),
  reason: text(2000),
});

/** HR's decision after an unsatisfactory rating: remediation, with the DAS-approved amendment it rests on (decision 7). */
export const remediationSchema = z
  .strictObject({
    plan: text(4000).describe('The remediation agreed with the trainee'),
    dasApprovalRef: text(64).describe("DAS's approval of the amended schedule"),
    approvedOn: civilDate,
    plannedEndDate: civilDate.optional(),
    milestones: z.array(milestoneSchema).min(1).max(100).optional(),
  })
  .refine((r) => r.plannedEndDate !== undefined || r.milestones !== undefined, {
    message: 'remediation comes with a DAS-approved amendment: a new plannedEndDate, new milestones, or both',
    path: ['milestones'],
  });

export const transferSchema = z
  .strictObject({
    effectiveOn: civilDate,
    agency: text(100).optional(),
    supervisorId: id.optional(),
    programManagerId: id.optional(),
    reason: optionalText(2000),
  })
  .refine((t) => t.agency !== undefined || t.supervisorId !== undefined || t.programManagerId !== undefined, {
    message: 'a transfer names a new agency, supervisorId or programManagerId (or several)',
    path: ['agency'],
  });

export const progressReportSchema = z.strictObject({
  periodEnding: civilDate.describe('The last day of the period the report covers'),
  summary: text(4000),
});

/** The period comes from the path: `POST …/progress-reports/{periodEnding}/review`. */
export const progressReviewSchema = z.strictObject({
  reviewedOn: civilDate,
  comments: optionalText(2000),
});

/** The milestone comes from the path: `POST …/milestones/{milestoneId}/retraction`. */
export const retractionSchema = z.strictObject({
  reason: text(2000).describe('Why the sign-off was recorded in error'),
});

export const leaveCancellationSchema = z.strictObject({
  from: civilDate,
  to: civilDate,
  reason: text(2000).describe('Why the leave was recorded in error'),
});

export const actorSchema = z.strictObject({
  id,
  role: z.enum(['hr', 'supervisor', 'program-manager', 'das', 'trainee', 'auditor', 'system']),
});

export type EnrollmentInput = z.infer<typeof enrollmentSchema>;

// Compile-time checks that each schema produces exactly what the domain accepts.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const assertTrue = <T extends true>(): T | undefined => undefined;
assertTrue<Same<EnrollmentInput, Enrollment>>();
assertTrue<Same<z.infer<typeof actorSchema>, Actor>>();
assertTrue<Same<z.infer<typeof signOffSchema>, Omit<SignOffMilestone, 'type' | 'milestoneId'>>>();
assertTrue<Same<z.infer<typeof serviceRatingSchema>, Omit<RateService, 'type'>>>();
assertTrue<Same<z.infer<typeof leaveSchema>, Omit<RecordLeave, 'type'>>>();
assertTrue<Same<z.infer<typeof withdrawalSchema>, Omit<Withdraw, 'type'>>>();
assertTrue<Same<z.infer<typeof amendmentSchema>, Omit<AmendSchedule, 'type'>>>();
assertTrue<Same<z.infer<typeof withdrawalCancellationSchema>, Omit<CancelWithdrawal, 'type'>>>();
assertTrue<Same<z.infer<typeof qualificationConfirmationSchema>, Omit<ConfirmQualification, 'type'>>>();
assertTrue<Same<z.infer<typeof transferSchema>, Omit<Transfer, 'type'>>>();
assertTrue<Same<z.infer<typeof removalConfirmationSchema>, Omit<ConfirmRemoval, 'type'>>>();
assertTrue<Same<z.infer<typeof remediationSchema>, Omit<RecordRemediation, 'type'>>>();
assertTrue<Same<z.infer<typeof retractionSchema>, Omit<RetractSignOff, 'type' | 'milestoneId'>>>();
assertTrue<Same<z.infer<typeof leaveCancellationSchema>, Omit<CancelLeave, 'type'>>>();
assertTrue<Same<z.infer<typeof progressReportSchema>, Omit<SubmitProgressReport, 'type'>>>();
assertTrue<Same<z.infer<typeof progressReviewSchema>, Omit<ReviewProgressReport, 'type' | 'periodEnding'>>>();

/** Zod issues as `{ path: 'a.b[0]', message }`, the shape the API contract names. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.reduce<string>(
      (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
      '',
    ),
    message: issue.message,
  }));
}
