/**
 * The API's schemas. Request bodies are the domain's own (domain/schemas.ts: one schema for the
 * type, the validation and the document); this module adds what only the HTTP edge has: responses,
 * query strings, path parameters, and the component names of the OpenAPI document.
 */
import { z } from 'zod';
import { MAX_PAGE_SIZE, PROGRAM_SORTS, type ProgramSort } from '../db/queries.js';
import type { NoticeRecord, StoredEvent } from '../db/queries.js';
import { civilDate, enrollmentSchema } from '../domain/schemas.js';
import type { TargetClass } from '../domain/target-classes.js';
import type { ProgramView } from '../domain/view.js';

/** Most rows one import request may carry; the CLI sends larger files in chunks. */
export const MAX_IMPORT_ROWS = 500;

// Component names in the OpenAPI document. fastify-type-provider-zod names request-side copies
// `<name>Input`, so `Enrollment` appears as `EnrollmentInput`.
export const enrollmentBody = enrollmentSchema.meta({
  id: 'Enrollment',
  description: 'One trainee to enroll (the named fields of the contract).',
});
// The command bodies' component names are in their edge halves (client/commands/).

// --- Responses -------------------------------------------------------------------------------

const date = z.iso.date();
const timestamp = z.iso.datetime({ offset: true });

const issueSchema = z.object({
  path: z.string().describe('The offending field, e.g. `schedule.milestones[2].dueDate`; empty for the whole body'),
  message: z.string(),
  code: z.string().optional().describe('The rule broken, for rule violations'),
});

export const errorResponse = z
  .object({
    error: z.object({
      code: z
        .string()
        .describe(
          'kebab-case: `invalid-input`, a rule code such as `exceeds-statutory-maximum`, `unauthorized`, `forbidden`, `not-found`, `conflict`, …',
        ),
      message: z.string(),
      issues: z.array(issueSchema).optional(),
    }),
  })
  .meta({ id: 'Error' });

export type ErrorBody = z.infer<typeof errorResponse>['error'];

const qualificationSchema = z.object({
  asOf: date,
  meetsTargetClass: z.boolean().nullable().describe('null when the target class states no minimum qualifications'),
  shortfallYears: z.number(),
  generalYears: z.number(),
  specialYears: z.number(),
  qualifiesOn: date.nullable(),
});

export const programResponse = z
  .object({
    programId: z.string(),
    status: z.enum(['active', 'awaiting-minimum', 'reclassified', 'expired', 'ended']),
    agency: z.string(),
    functionalRole: z.string(),
    traineeEmployeeId: z.string(),
    trainee: z.object({ employeeId: z.string(), name: z.string() }),
    appointmentDate: date,
    earliestReclassificationDate: date,
    latestCompletionDate: date,
    workingTestPeriodEndsOn: date,
    targetClassCode: z.string(),
    supervisorId: z.string(),
    programManagerId: z.string(),
    schedule: z.object({ dasApprovalRef: z.string(), approvedOn: date, plannedEndDate: date }),
    milestones: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        dueDate: date,
        status: z.enum(['pending', 'overdue', 'signed-off']),
        signedOffBy: z.string().optional(),
        signedOffOn: date.optional(),
      }),
    ),
    serviceRating: z.object({ rating: z.enum(['satisfactory', 'unsatisfactory']), ratedOn: date, ratedBy: z.string() }).nullable(),
    leaves: z.array(z.object({ from: date, to: date, kind: z.enum(['unpaid', 'sick', 'workers-comp', 'other']) })),
    progressReports: z.array(
      z.object({
        periodEnding: date,
        submittedOn: date,
        submittedBy: z.string(),
        summary: z.string(),
        reviewedOn: date.optional(),
        reviewedBy: z.string().optional(),
        reviewComments: z.string().optional(),
      }),
    ),
    qualification: qualificationSchema.describe('Projected at the planned end date, or at the effective date once reclassified'),
    reclassification: z.object({ effectiveOn: date, noticeId: z.string() }).nullable(),
    ended: z.object({ on: date, reason: z.enum(['unsatisfactory-service', 'withdrawn', 'expired']) }).nullable(),
    checklist: z
      .array(
        z.object({
          requirement: z.enum([
            'milestones-signed-off',
            'service-rated-satisfactory',
            'minimum-period-served',
            'meets-target-class-qualifications',
          ]),
          met: z.boolean(),
          detail: z.string().describe('Why it is met or not, in a sentence'),
        }),
      )
      .describe('The reclassification requirements as of today; all met once the program is reclassified'),
    reclassifiesOn: date
      .nullable()
      .describe('The day the program will be reclassified if what is open is done in time; null if it cannot be'),
    hrDecision: z
      .object({ ratedOn: date, requestedOn: date, escalatesOn: date, escalated: z.boolean() })
      .nullable()
      .describe(
        "An unsatisfactory rating waiting for HR's decision (removal or remediation); escalated to DAS after the policy's working days",
      ),
    scheduledRemoval: z
      .object({ effectiveOn: date })
      .nullable()
      .describe('A removal HR confirmed, ending the program at the start of that day'),
    version: z.number().int(),
  })
  .meta({ id: 'Program' });

export const previewResponse = z
  .object({
    program: programResponse.nullable().describe('The program as it would be today if enrolled; null for an unknown target class'),
    violations: z
      .array(z.object({ code: z.string().describe('The rule broken'), field: z.string(), message: z.string() }))
      .describe('Every rule the enrollment breaks; empty when it can be enrolled'),
  })
  .meta({ id: 'EnrollmentPreview' });

export const programPageResponse = z
  .object({
    items: z.array(programResponse),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  })
  .meta({ id: 'ProgramPage' });

export const targetClassResponse = z
  .object({
    code: z.string(),
    title: z.string(),
    payPlan: z.literal('MP'),
    salaryGroup: z.string().nullable(),
    annualSalary: z.object({ min: z.number(), max: z.number() }).nullable(),
    minimumQualifications: z
      .object({
        generalYears: z.number(),
        specialYears: z.number(),
        generalExperience: z.string(),
        specialExperience: z.string(),
        substitutions: z.object({
          semesterHoursPerHalfYear: z.number(),
          maxCollegeYears: z.number(),
          additionalYearsForDegree: z.object({
            bachelor: z.number().optional(),
            master: z.number().optional(),
            law: z.number().optional(),
          }),
        }),
      })
      .nullable(),
    source: z.string(),
    seed: z.string().optional().describe('The source document in the seeds the class comes from'),
  })
  .meta({ id: 'TargetClass' });

export const targetClassListResponse = z.object({ items: z.array(targetClassResponse) });

export const eventResponse = z
  .object({
    id: z.string().describe('`<programId>/<version>`'),
    version: z.number().int(),
    type: z.string(),
    at: timestamp,
    actor: z.object({ id: z.string(), role: z.string() }),
    reason: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Event' });

export const eventListResponse = z.object({ items: z.array(eventResponse).describe('Oldest first') });

export const noticeResponse = z
  .object({
    noticeId: z.string(),
    programId: z.string(),
    kind: z.string(),
    eventId: z.string(),
    issuedOn: date,
    recipients: z.array(z.object({ role: z.string(), ref: z.string() })),
    subject: z.string(),
    body: z.string(),
  })
  .meta({ id: 'Notice' });

export const noticeListResponse = z.object({ items: z.array(noticeResponse) });

export const healthResponse = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.object({ api: z.literal('ok'), temporal: z.enum(['ok', 'unavailable']), postgres: z.enum(['ok', 'unavailable']) }),
  })
  .meta({ id: 'Health' });

export const importRowResult = z
  .object({
    row: z.number().int().describe('1-based: the data row of the CSV (the header is not counted) or the index in the JSON array plus one'),
    status: z
      .enum(['created', 'already-enrolled', 'invalid', 'rejected', 'failed'])
      .describe(
        '`invalid`: the row does not fit the schema (as a 400); `rejected`: it breaks a program rule (as a 422); `failed`: the server could not act on it now; retry',
      ),
    trainee: z.object({ employeeId: z.string(), name: z.string() }).optional().describe("The row's trainee, when the row names one"),
    programId: z.string().optional(),
    error: errorResponse.shape.error.optional(),
  })
  .meta({ id: 'ImportRowResult' });

export type ImportRowResult = z.infer<typeof importRowResult>;

export const importResponse = z
  .object({
    results: z.array(importRowResult),
    summary: z.object({
      rows: z.number().int(),
      created: z.number().int(),
      alreadyEnrolled: z.number().int(),
      invalid: z.number().int(),
      rejected: z.number().int(),
      failed: z.number().int(),
    }),
  })
  .meta({ id: 'ImportResult' });

// --- Requests beyond the bodies ----------------------------------------------------------------

// Program ids are opaque (`p-<hex>`); the pattern only keeps odd characters out of the log lookups.
const programId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'is not a program id');

/** Every parameter a program's path may have, by name: a command's route takes those its path names. */
export const pathParameters = {
  programId,
  milestoneId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:-]+$/, 'is not a milestone id'),
  periodEnding: civilDate,
};

/** The parameters a path of Fastify's pattern names (`/v1/programs/:programId/milestones/:milestoneId/…`). */
export function paramsOf(path: string): z.ZodObject {
  const names = [...path.matchAll(/:(\w+)/g)].map(([, name]) => name ?? '');
  const shape = Object.fromEntries(
    names.map((name) => {
      const schema = (pathParameters as Record<string, z.ZodType>)[name];
      if (!schema) throw new Error(`no schema for the path parameter "${name}" (api/schemas.ts pathParameters)`);
      return [name, schema];
    }),
  );
  return z.strictObject(shape);
}

export const programParams = z.strictObject({ programId });
export const noticeParams = z.strictObject({
  noticeId: z.string().min(1).max(300).describe('URL-encoded: notice ids contain `/`, sent as `%2F`'),
});

export const listProgramsQuery = z.strictObject({
  status: z.enum(['active', 'awaiting-minimum', 'reclassified', 'expired', 'ended']).optional(),
  agency: z.string().min(1).max(100).optional(),
  targetClass: z.string().min(1).max(32).optional().describe('Target class code, e.g. 5257MP'),
  capFrom: civilDate.optional().describe('Only programs whose latest completion date is on or after this date'),
  capBefore: civilDate.optional().describe('Only programs whose latest completion date is before this date'),
  reclassifiesFrom: civilDate.optional().describe('Only programs whose earliest reclassification date is on or after this date'),
  reclassifiesBefore: civilDate.optional().describe('Only programs whose earliest reclassification date is before this date'),
  supervisor: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe("Only programs whose supervisor is this staff id (a supervisor's or program manager's own list stays their own)"),
  overdue: z.enum(['true']).optional().describe('`true`: only open programs with at least one overdue milestone'),
  q: z.string().trim().min(1).max(100).optional().describe("Part of the trainee's name or employee id, in any case"),
  sort: z
    .enum(PROGRAM_SORTS as [ProgramSort, ...ProgramSort[]])
    .optional()
    .describe(
      'The order: `earliestReclassificationDate`, `latestCompletionDate` (when absent), `appointmentDate` or `trainee.name`; a leading `-` for descending. Ties in program id order',
    ),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional().describe(`Page size, 1 to ${MAX_PAGE_SIZE}; 50 when absent`),
  cursor: z.string().min(1).max(512).optional().describe('The `nextCursor` of the previous page'),
});

export const enrollmentHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional()
    .describe('The same key again gives the same program, not a second one'),
});

const idempotencyKeyHeader = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
  .optional()
  .describe(
    'Remembered 48 hours per caller: the same key and body again get the first answer and change nothing; another body under the key is 409 `idempotency-key-reused`',
  );

/** Headers of every command on a program (shared/API.md 1.1). */
export const commandHeaders = z.looseObject({
  'idempotency-key': idempotencyKeyHeader,
  'if-match': z
    .string()
    .max(40)
    .optional()
    .describe(
      'The ETag of GET /v1/programs/{programId}: the command applies only if the program is still at that version; otherwise 412 `version-mismatch` and nothing changes',
    ),
});

// The response schemas must describe exactly what the domain and the read model produce.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const assertTrue = <T extends true>(): T | undefined => undefined;
assertTrue<Same<z.infer<typeof programResponse>, ProgramView>>();
assertTrue<Same<z.infer<typeof targetClassResponse>, TargetClass>>();
assertTrue<Same<z.infer<typeof eventResponse>, StoredEvent>>();
assertTrue<Same<z.infer<typeof noticeResponse>, NoticeRecord>>();
