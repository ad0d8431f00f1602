import type { JobAcceptedEvent, JobFinishedEvent, JobStartedEvent } from "../events/schemas.ts";

/**
 * A validated event and its position in the caller's list: the engine reports each outcome by
 * that position, so a batch's report can name the line of every refused event.
 */
export interface PositionedEvent<E> {
  index: number;
  event: E;
}

/**
 * An acceptance, with the start and finish of the same job from the same batch that can be
 * written into the new row at once. Bulk ingest mostly carries whole lifecycles: writing the
 * final row once, instead of inserting it queued and updating it twice, spares two row versions
 * and their index entries per job. When the job turns out to exist already, the start and the
 * finish go through the conditional UPDATEs like any other.
 */
export interface AcceptWithLifecycle extends PositionedEvent<JobAcceptedEvent> {
  start?: PositionedEvent<JobStartedEvent>;
  finish?: PositionedEvent<JobFinishedEvent>;
}
