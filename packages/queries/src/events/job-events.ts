import {
  type CreatedBy,
  type Job,
  type JobStage,
  type JsonObject,
  type StageStatus,
  TERMINAL_JOB_STATES,
  type TerminalJobState,
} from "@forusbots/db/schema";

/** The events as JSON, as `jobToEvents` writes them: timestamps are ISO strings. */
export interface JobAcceptedEventJson {
  type: "job.accepted";
  jobId: string;
  botId: string;
  at: string;
  meta?: JsonObject;
  createdBy?: CreatedBy;
}
export interface JobStartedEventJson {
  type: "job.started";
  jobId: string;
  at: string;
}
export interface StageEventJson {
  type: "stage";
  jobId: string;
  stageName: string;
  startedAt: string;
  endedAt?: string;
  status: StageStatus;
  meta?: JsonObject;
  error?: JsonObject;
}
export interface JobFinishedEventJson {
  type: "job.finished";
  jobId: string;
  state: TerminalJobState;
  at: string;
  result?: JsonObject;
  errorMessage?: string;
}
export type AuditEventJson =
  | JobAcceptedEventJson
  | JobStartedEventJson
  | StageEventJson
  | JobFinishedEventJson;

const isTerminal = (state: Job["state"]): state is TerminalJobState =>
  (TERMINAL_JOB_STATES as readonly string[]).includes(state);

/**
 * The events that rebuild a stored job: accepted, started (if it did), its stages in order,
 * finished (if it did). Ingesting them into an empty database stores the same job and stages;
 * ingesting them again changes nothing. What export writes, one per line.
 */
export function jobToEvents(job: Job & { stages: readonly JobStage[] }): AuditEventJson[] {
  const events: AuditEventJson[] = [
    {
      type: "job.accepted",
      jobId: job.jobId,
      botId: job.botId,
      at: job.acceptedAt.toISOString(),
      meta: job.meta,
      ...(job.createdBy ? { createdBy: job.createdBy } : {}),
    },
  ];
  if (job.startedAt) {
    events.push({ type: "job.started", jobId: job.jobId, at: job.startedAt.toISOString() });
  }
  for (const stage of job.stages) {
    events.push({
      type: "stage",
      jobId: stage.jobId,
      stageName: stage.stageName,
      startedAt: stage.startedAt.toISOString(),
      ...(stage.endedAt ? { endedAt: stage.endedAt.toISOString() } : {}),
      status: stage.status,
      meta: stage.meta,
      ...(stage.error ? { error: stage.error } : {}),
    });
  }
  if (job.finishedAt && isTerminal(job.state)) {
    events.push({
      type: "job.finished",
      jobId: job.jobId,
      state: job.state,
      at: job.finishedAt.toISOString(),
      ...(job.result ? { result: job.result } : {}),
      ...(job.errorMessage !== null ? { errorMessage: job.errorMessage } : {}),
    });
  }
  return events;
}
