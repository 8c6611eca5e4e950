/**
 * Shapes of the activities' inputs. Activity inputs are an edge: the workflow is ours, but a reset,
 * a replayed old history or a hand-started workflow can still send something else.
 */
import { z } from 'zod';
import { NOTICE_KINDS, RECIPIENT_ROLES, type LegacyNotice, type Notice } from '../domain/notices.js';
import { EVENT_TYPES } from '../domain/program.js';
import { actorSchema, civilDate } from '../domain/schemas.js';

export const eventRowSchema = z.object({
  id: z.string().min(1),
  programId: z.string().min(1),
  version: z.number().int().positive(),
  type: z.enum(EVENT_TYPES),
  occurredAt: z.iso.datetime({ offset: true }),
  actor: actorSchema,
  reason: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
  schemaVersion: z.literal(1),
});

const milestoneFact = z.object({ id: z.string(), title: z.string(), dueDate: z.string() });
const party = z.object({ ref: z.string(), address: z.string().nullable() });

const noticeDetail = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('reclassification'), effectiveOn: civilDate, dasApprovalRef: z.string() }),
  z.object({
    kind: z.literal('cap-warning'),
    daysBefore: z.number(),
    daysRemaining: z.number(),
    latestCompletionDate: civilDate,
    on: civilDate,
  }),
  z.object({ kind: z.literal('program-expired'), on: civilDate, latestCompletionDate: civilDate, openMilestones: z.array(milestoneFact) }),
  z.object({ kind: z.literal('program-ended'), on: civilDate, reason: z.enum(['unsatisfactory-service', 'withdrawn']) }),
  z.object({ kind: z.literal('minimum-period-reached'), on: civilDate }),
  z.object({ kind: z.literal('milestone-due-soon'), milestone: milestoneFact, on: civilDate, daysBefore: z.number() }),
  z.object({ kind: z.literal('milestone-overdue'), milestone: milestoneFact, on: civilDate, daysOverdue: z.number() }),
  z.object({ kind: z.literal('milestone-escalated'), milestone: milestoneFact, on: civilDate, daysOverdue: z.number() }),
  z.object({
    kind: z.enum(['overdue-reminder', 'overdue-reminder-escalated']),
    on: civilDate,
    milestones: z.array(milestoneFact.extend({ daysOverdue: z.number(), escalated: z.boolean() })),
  }),
  z.object({ kind: z.literal('qualification-warning'), asOf: civilDate, shortfallYears: z.number() }),
  z.object({ kind: z.literal('progress-report-submitted'), periodEnding: civilDate, submittedOn: civilDate }),
  z.object({ kind: z.literal('hr-decision-required'), ratedOn: civilDate, on: civilDate, escalatesOn: civilDate }),
  z.object({
    kind: z.enum(['hr-decision-reminder', 'hr-decision-reminder-escalated', 'hr-decision-escalated']),
    ratedOn: civilDate,
    on: civilDate,
    daysWaiting: z.number(),
  }),
  z.object({ kind: z.literal('remediation-recorded'), ratedOn: civilDate, on: civilDate, plan: z.string(), dasApprovalRef: z.string() }),
]);

export const noticeSchema = z.object({
  noticeId: z.string().min(1),
  programId: z.string().min(1),
  kind: z.enum(NOTICE_KINDS),
  eventId: z.string().min(1),
  issuedOn: civilDate,
  parties: z.object({
    trainee: party,
    supervisor: party,
    'program-manager': party,
    'agency-hr': party,
    das: party,
  }),
  facts: z.object({
    trainee: z.object({ name: z.string(), employeeId: z.string() }),
    traineeClass: z.string(),
    functionalRole: z.string(),
    agency: z.string(),
    targetClass: z.object({ code: z.string(), title: z.string(), payPlan: z.string(), salaryGroup: z.string().nullable() }),
    appointmentDate: civilDate,
    earliestReclassificationDate: civilDate,
    latestCompletionDate: civilDate,
    dasApprovalRef: z.string(),
    openMilestones: z.array(milestoneFact),
    detail: noticeDetail,
  }),
});

export const legacyNoticeSchema = z.object({
  noticeId: z.string().min(1),
  programId: z.string().min(1),
  kind: z.string().min(1),
  eventId: z.string().min(1),
  issuedOn: civilDate,
  recipients: z.array(z.object({ role: z.enum(RECIPIENT_ROLES), ref: z.string() })),
  subject: z.string().min(1),
  body: z.string().min(1),
});

/** What the workflow queues: a notice with its facts, or one queued before templates. */
export const queuedNoticeSchema = z.union([noticeSchema, legacyNoticeSchema]);

export const deliverNoticeInput = z.strictObject({ noticeId: z.string().min(1) });

// The schemas and the domain's types describe the same thing; these fail to compile if they drift.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const assertTrue = <T extends true>(): T | undefined => undefined;
assertTrue<Same<z.infer<typeof noticeSchema>, Notice>>();
assertTrue<Same<z.infer<typeof legacyNoticeSchema>, LegacyNotice>>();
