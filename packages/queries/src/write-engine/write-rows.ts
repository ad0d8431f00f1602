import type { JobFinishedEvent, JobStartedEvent, StageEvent } from "../events/schemas.ts";
import { jsonParameter } from "../query-rows.ts";
import type { AcceptWithLifecycle, PositionedEvent } from "./positioned-event.ts";

/**
 * A write's rows as its one JSON parameter (`write-statements.ts`), or null when there is nothing
 * to write. Built apart from the statement so that a batch can be serialized ahead, while the one
 * before it is being written (`planWrites`). Each row carries its event's position as `i`, which
 * the statement returns for the rows it applied.
 */
export type WriteRows = string | null;

function rowsParameter<E>(events: readonly E[], toRow: (event: E) => object): WriteRows {
  return events.length === 0 ? null : jsonParameter(events.map(toRow));
}

/**
 * New jobs, queued, or already running or finished when their start and finish were folded in
 * (`plan-writes.ts`).
 */
export const acceptRows = (events: readonly AcceptWithLifecycle[]): WriteRows =>
  rowsParameter(events, ({ index, event, start, finish }) => ({
    i: index,
    job_id: event.jobId,
    bot_id: event.botId,
    state: finish?.event.state ?? (start ? "running" : "queued"),
    accepted_at: event.at.toISOString(),
    started_at: start?.event.at.toISOString() ?? null,
    finished_at: finish?.event.at.toISOString() ?? null,
    meta: event.meta ?? {},
    created_by: event.createdBy ?? null,
    result: finish?.event.result ?? null,
    error_message: finish?.event.errorMessage ?? null,
  }));

export const startRows = (events: readonly PositionedEvent<JobStartedEvent>[]): WriteRows =>
  rowsParameter(events, ({ index, event }) => ({
    i: index,
    job_id: event.jobId,
    at: event.at.toISOString(),
  }));

export const stageRows = (events: readonly PositionedEvent<StageEvent>[]): WriteRows =>
  rowsParameter(events, ({ index, event }) => ({
    i: index,
    job_id: event.jobId,
    stage_name: event.stageName,
    started_at: event.startedAt.toISOString(),
    ended_at: event.endedAt?.toISOString() ?? null,
    status: event.status,
    meta: event.meta ?? {},
    error: event.error ?? null,
  }));

export const finishRows = (events: readonly PositionedEvent<JobFinishedEvent>[]): WriteRows =>
  rowsParameter(events, ({ index, event }) => ({
    i: index,
    job_id: event.jobId,
    state: event.state,
    at: event.at.toISOString(),
    result: event.result ?? null,
    error_message: event.errorMessage ?? null,
  }));
