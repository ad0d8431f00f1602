import type { GeneratedJob } from "./generate-jobs.ts";

/**
 * COPY's text format: one line per row, tab-separated, `\N` for NULL, and backslash, tab,
 * newline and carriage return escaped inside values (JSON can hold any of them).
 */
const NULL = "\\N";

export function copyText(value: string | null): string {
  if (value === null) return NULL;
  return value.replace(/[\\\t\n\r]/g, (character) => {
    switch (character) {
      case "\t":
        return "\\t";
      case "\n":
        return "\\n";
      case "\r":
        return "\\r";
      default:
        return "\\\\";
    }
  });
}

const timestamp = (date: Date | null) => (date ? date.toISOString() : null);
const json = (value: object | null) => (value ? JSON.stringify(value) : null);
const line = (values: (string | null)[]) => `${values.map(copyText).join("\t")}\n`;

/** The columns both paths write; `duration_ms` is generated and `id` is the sequence's. */
export const JOB_COPY_COLUMNS = [
  "job_id",
  "bot_id",
  "state",
  "accepted_at",
  "started_at",
  "finished_at",
  "meta",
  "result",
  "created_by",
  "error_message",
] as const;

export const STAGE_COPY_COLUMNS = [
  "job_id",
  "stage_name",
  "started_at",
  "ended_at",
  "status",
  "meta",
  "error",
] as const;

export const jobCopyLine = (job: GeneratedJob): string =>
  line([
    job.jobId,
    job.botId,
    job.state,
    timestamp(job.acceptedAt),
    timestamp(job.startedAt),
    timestamp(job.finishedAt),
    json(job.meta),
    json(job.result),
    null,
    job.errorMessage,
  ]);

export const stageCopyLines = (job: GeneratedJob): string =>
  job.stages
    .map((stage) =>
      line([
        job.jobId,
        stage.stageName,
        timestamp(stage.startedAt),
        timestamp(stage.endedAt),
        stage.status,
        json(stage.meta),
        json(stage.error),
      ]),
    )
    .join("");
