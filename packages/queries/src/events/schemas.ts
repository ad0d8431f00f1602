import { MAX_DURATION_MS, TERMINAL_JOB_STATES } from "@forusbots/db/schema";
import { z } from "zod";
import {
  botIdSchema,
  createdBySchema,
  errorMessageSchema,
  jobIdSchema,
  jsonObjectSchema,
  optionalField,
  stageNameSchema,
  stageStatusSchema,
  timestampSchema,
} from "./fields.ts";

/**
 * One schema per event of the contract (JSON, one per line for ingest):
 *   {"type":"job.accepted","jobId","botId","at","meta"?,"createdBy"?}
 *   {"type":"job.started","jobId","at"}
 *   {"type":"stage","jobId","stageName","startedAt","endedAt","status","meta"?,"error"?}
 *     (status succeed | fail, or the job's words succeeded | failed for them)
 *   {"type":"job.finished","jobId","state","at","result"?,"errorMessage"?}
 * Unknown keys are refused rather than dropped: a misspelt `errorMesage` would otherwise vanish
 * from the audit trail without a word.
 */

export const jobAcceptedEventSchema = z.strictObject({
  type: z.literal("job.accepted"),
  jobId: jobIdSchema,
  botId: botIdSchema,
  at: timestampSchema,
  meta: optionalField(jsonObjectSchema),
  createdBy: optionalField(createdBySchema),
});

export const jobStartedEventSchema = z.strictObject({
  type: z.literal("job.started"),
  jobId: jobIdSchema,
  at: timestampSchema,
});

/** `duration_ms` is INTEGER: a span it cannot hold is refused here, not by an overflow later. */
export function durationProblem(from: Date, to: Date): string | undefined {
  const milliseconds = to.getTime() - from.getTime();
  if (milliseconds <= MAX_DURATION_MS) return undefined;
  return `lasts ${milliseconds} ms, more than duration_ms holds (${MAX_DURATION_MS} ms, about 24.8 days)`;
}

/** A stage's fields, and the order and length of its span when it has an end. */
const stageFieldsSchema = z
  .strictObject({
    type: z.literal("stage"),
    jobId: jobIdSchema,
    stageName: stageNameSchema,
    startedAt: timestampSchema,
    endedAt: optionalField(timestampSchema),
    status: stageStatusSchema,
    meta: optionalField(jsonObjectSchema),
    error: optionalField(jsonObjectSchema),
  })
  .superRefine((stage, context) => {
    if (stage.endedAt == null) return;
    if (stage.endedAt < stage.startedAt) {
      context.addIssue({
        code: "custom",
        path: ["endedAt"],
        message: `before startedAt (${stage.startedAt.toISOString()})`,
      });
      return;
    }
    const tooLong = durationProblem(stage.startedAt, stage.endedAt);
    if (tooLong) context.addIssue({ code: "custom", path: ["endedAt"], message: tooLong });
  });

// Both outcomes say the stage is over, so it has an end: without one its duration would be
// unknown and a timing report would count it as still running.
const missingEnd = (status: string) =>
  `required: a stage whose status is ${status} has finished, so it needs its end time`;

/**
 * A stage as a file carries it (ingest, export, the spool). An `endedAt` left out is refused.
 * `"endedAt": null` is accepted: it says the end was never recorded, which the database can hold
 * (stages stored before this rule, or adopted from a legacy database) and export writes so, so
 * that every stored stage can be restored.
 */
export const stageEventSchema = stageFieldsSchema.superRefine((stage, context) => {
  if (stage.endedAt !== undefined) return;
  const hint = '(a stage stored without one is written "endedAt": null)';
  context.addIssue({
    code: "custom",
    path: ["endedAt"],
    message: `${missingEnd(stage.status)} ${hint}`,
  });
});

/** A stage as the recorder takes it, when it ends: its end time is known, so null is refused. */
export const recordedStageEventSchema = stageFieldsSchema.superRefine((stage, context) => {
  if (stage.endedAt != null) return;
  context.addIssue({ code: "custom", path: ["endedAt"], message: missingEnd(stage.status) });
});

export const jobFinishedEventSchema = z.strictObject({
  type: z.literal("job.finished"),
  jobId: jobIdSchema,
  state: z.enum(TERMINAL_JOB_STATES),
  at: timestampSchema,
  result: optionalField(jsonObjectSchema),
  errorMessage: optionalField(errorMessageSchema),
});

export const auditEventSchema = z.discriminatedUnion("type", [
  jobAcceptedEventSchema,
  jobStartedEventSchema,
  stageEventSchema,
  jobFinishedEventSchema,
]);

export const AUDIT_EVENT_TYPES = ["job.accepted", "job.started", "stage", "job.finished"] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** Validated events: ids in lower case, timestamps as `Date`; optionals may be null or absent. */
export type JobAcceptedEvent = z.output<typeof jobAcceptedEventSchema>;
export type JobStartedEvent = z.output<typeof jobStartedEventSchema>;
export type StageEvent = z.output<typeof stageEventSchema>;
export type JobFinishedEvent = z.output<typeof jobFinishedEventSchema>;
export type AuditEvent = z.output<typeof auditEventSchema>;

/** What a caller may pass: timestamps as `Date` or ISO string, optionals null or absent. */
export type AuditEventInput = z.input<typeof auditEventSchema>;
