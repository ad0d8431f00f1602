import type { AuditDb } from "@forusbots/db";
import { isTerminalState, jobStages, jobs } from "@forusbots/db/schema";
import { sql } from "drizzle-orm";
import { ConflictError, type EventError, invalidField, NotFoundError } from "../errors.ts";
import {
  type AuditEvent,
  durationProblem,
  type JobAcceptedEvent,
  type JobFinishedEvent,
  type JobStartedEvent,
  type StageEvent,
} from "../events/schemas.ts";
import { jsonParameter } from "../query-rows.ts";
import type { PositionedEvent } from "./positioned-event.ts";
import { stageKey } from "./stage-key.ts";

/**
 * Why an event the write did not apply was not applied, worked out from the row as it now is:
 * "unchanged" when the event is already reflected (an idempotent replay), else the error to
 * report. Reads happen only for events that did not apply, so a clean batch reads nothing.
 */
export type Classification = "unchanged" | EventError;

interface StoredJob {
  jobId: string;
  botId: string;
  state: (typeof jobs.$inferSelect)["state"];
  acceptedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

interface StoredStage {
  jobId: string;
  stageName: string;
  startedAt: Date;
  endedAt: Date | null;
  status: (typeof jobStages.$inferSelect)["status"];
}

async function readStoredJobs(
  db: AuditDb,
  jobIds: Iterable<string>,
): Promise<Map<string, StoredJob>> {
  const ids = [...new Set(jobIds)];
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({
      jobId: jobs.jobId,
      botId: jobs.botId,
      state: jobs.state,
      acceptedAt: jobs.acceptedAt,
      startedAt: jobs.startedAt,
      finishedAt: jobs.finishedAt,
    })
    .from(jobs)
    .where(
      sql`${jobs.jobId} IN (SELECT value::uuid FROM jsonb_array_elements_text(${jsonParameter(ids)}::jsonb))`,
    );
  return new Map(rows.map((row) => [row.jobId, row]));
}

async function readStoredStages(
  db: AuditDb,
  stages: readonly StageEvent[],
): Promise<Map<string, StoredStage>> {
  if (stages.length === 0) return new Map();
  const keys = stages.map((stage) => ({
    job_id: stage.jobId,
    stage_name: stage.stageName,
    started_at: stage.startedAt.toISOString(),
  }));
  const rows = await db
    .select({
      jobId: jobStages.jobId,
      stageName: jobStages.stageName,
      startedAt: jobStages.startedAt,
      endedAt: jobStages.endedAt,
      status: jobStages.status,
    })
    .from(jobStages)
    .where(
      sql`(${jobStages.jobId}, ${jobStages.stageName}, ${jobStages.startedAt}) IN (
        SELECT k.job_id, k.stage_name, k.started_at
        FROM jsonb_to_recordset(${jsonParameter(keys)}::jsonb)
          AS k(job_id uuid, stage_name text, started_at timestamptz))`,
    );
  return new Map(rows.map((row) => [stageKey(row.jobId, row.stageName, row.startedAt), row]));
}

const iso = (date: Date): string => date.toISOString();
const sameTime = (a: Date | null | undefined, b: Date | null | undefined): boolean =>
  (a ?? null)?.getTime() === (b ?? null)?.getTime();

/** Only reached when a concurrent writer changed or removed the row between write and read. */
const changedConcurrently = (jobId: string): ConflictError =>
  new ConflictError(jobId, "jobId", `job ${jobId} changed while this event was written; retry it`);

function classifyAccept(event: JobAcceptedEvent, stored: StoredJob | undefined): Classification {
  if (!stored) return changedConcurrently(event.jobId);
  if (stored.botId !== event.botId) {
    return new ConflictError(
      event.jobId,
      "botId",
      `job ${event.jobId} was already accepted for bot "${stored.botId}"`,
    );
  }
  return "unchanged";
}

function classifyStart(event: JobStartedEvent, stored: StoredJob | undefined): Classification {
  if (!stored) return new NotFoundError(event.jobId);
  if (event.at < stored.acceptedAt) {
    return invalidField("at", `before the job was accepted (${iso(stored.acceptedAt)})`);
  }
  if (stored.startedAt) {
    if (sameTime(stored.startedAt, event.at)) return "unchanged";
    return new ConflictError(
      event.jobId,
      "at",
      `job ${event.jobId} already started at ${iso(stored.startedAt)}`,
    );
  }
  if (isTerminalState(stored.state)) {
    return new ConflictError(
      event.jobId,
      "jobId",
      `job ${event.jobId} is ${stored.state} and can no longer start`,
    );
  }
  return changedConcurrently(event.jobId);
}

function classifyFinish(event: JobFinishedEvent, stored: StoredJob | undefined): Classification {
  if (!stored) return new NotFoundError(event.jobId);
  if (isTerminalState(stored.state)) {
    const finishedAt = stored.finishedAt ? iso(stored.finishedAt) : "an unknown time";
    if (stored.state === event.state && sameTime(stored.finishedAt, event.at)) return "unchanged";
    return new ConflictError(
      event.jobId,
      stored.state === event.state ? "at" : "state",
      `job ${event.jobId} already finished as ${stored.state} at ${finishedAt}`,
    );
  }
  if (stored.startedAt && event.at < stored.startedAt) {
    return invalidField("at", `before the job started (${iso(stored.startedAt)})`);
  }
  if (event.at < stored.acceptedAt) {
    return invalidField("at", `before the job was accepted (${iso(stored.acceptedAt)})`);
  }
  const tooLong = stored.startedAt && durationProblem(stored.startedAt, event.at);
  if (tooLong) return invalidField("at", `the job ${tooLong}`);
  if (stored.state === "queued" && event.state !== "canceled") {
    return new ConflictError(
      event.jobId,
      "state",
      `job ${event.jobId} has not started: a queued job can only be canceled`,
    );
  }
  return changedConcurrently(event.jobId);
}

function classifyStage(
  event: StageEvent,
  stored: StoredStage | undefined,
  jobExists: boolean,
): Classification {
  if (stored) {
    const sameStatus = stored.status === event.status;
    if (sameStatus && sameTime(stored.endedAt, event.endedAt)) return "unchanged";
    const endedAt = stored.endedAt ? iso(stored.endedAt) : "none";
    return new ConflictError(
      event.jobId,
      sameStatus ? "endedAt" : "status",
      `stage "${event.stageName}" of job ${event.jobId} started at ${iso(event.startedAt)} is already stored with status ${stored.status}, endedAt ${endedAt}`,
    );
  }
  if (!jobExists) return new NotFoundError(event.jobId);
  return changedConcurrently(event.jobId);
}

/**
 * The outcome of each event the writes did not apply, by position: the jobs and stages they
 * name are read once, in two statements, whatever their number.
 */
export async function classifyUnapplied(
  db: AuditDb,
  unapplied: readonly PositionedEvent<AuditEvent>[],
): Promise<Map<number, Classification>> {
  const outcomes = new Map<number, Classification>();
  const storedJobs = await readStoredJobs(
    db,
    unapplied.map(({ event }) => event.jobId),
  );
  const unappliedStages = unapplied.flatMap(({ event }) => (event.type === "stage" ? [event] : []));
  const storedStages = await readStoredStages(db, unappliedStages);
  for (const { index, event } of unapplied) {
    const job = storedJobs.get(event.jobId);
    switch (event.type) {
      case "job.accepted":
        outcomes.set(index, classifyAccept(event, job));
        break;
      case "job.started":
        outcomes.set(index, classifyStart(event, job));
        break;
      case "stage": {
        const stage = storedStages.get(stageKey(event.jobId, event.stageName, event.startedAt));
        outcomes.set(index, classifyStage(event, stage, job !== undefined));
        break;
      }
      case "job.finished":
        outcomes.set(index, classifyFinish(event, job));
        break;
    }
  }
  return outcomes;
}
