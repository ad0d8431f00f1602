import type {
  AuditEvent,
  AuditEventType,
  JobAcceptedEvent,
  JobFinishedEvent,
  JobStartedEvent,
  StageEvent,
} from "../events/schemas.ts";
import { durationProblem } from "../events/schemas.ts";
import { stageKey } from "./classify-outcomes.ts";
import { FINISH_FROM, START_FROM } from "./transitions.ts";
import type { PositionedEvent } from "./write-statements.ts";

/** Lifecycle order: a job's start, stages and finish can follow its acceptance in one batch. */
export const LIFECYCLE_ORDER: Readonly<Record<AuditEventType, number>> = {
  "job.accepted": 0,
  "job.started": 1,
  stage: 2,
  "job.finished": 3,
};

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

export interface Phases {
  accepts: AcceptWithLifecycle[];
  starts: PositionedEvent<JobStartedEvent>[];
  stages: PositionedEvent<StageEvent>[];
  finishes: PositionedEvent<JobFinishedEvent>[];
}

/** The row an event writes: two events with one key cannot both go into one statement. */
function rowKey(event: AuditEvent): string {
  return event.type === "stage"
    ? `stage:${stageKey(event.jobId, event.stageName, event.startedAt)}`
    : `${event.type}:${event.jobId}`;
}

/**
 * Splits events by kind, keeping the first event of each key (later ones are classified after
 * the writes, as replays), then folds starts and finishes into their job's acceptance where the
 * state machine allows the same steps the UPDATEs would take.
 */
export function splitIntoPhases(events: readonly PositionedEvent<AuditEvent>[]): Phases {
  const phases: Phases = { accepts: [], starts: [], stages: [], finishes: [] };
  const seen = new Set<string>();
  for (const { index, event } of events) {
    const key = rowKey(event);
    if (seen.has(key)) continue;
    seen.add(key);
    switch (event.type) {
      case "job.accepted":
        phases.accepts.push({ index, event });
        break;
      case "job.started":
        phases.starts.push({ index, event });
        break;
      case "stage":
        phases.stages.push({ index, event });
        break;
      case "job.finished":
        phases.finishes.push({ index, event });
        break;
    }
  }
  return foldLifecycles(phases);
}

function foldLifecycles(phases: Phases): Phases {
  const starts = new Map(phases.starts.map((start) => [start.event.jobId, start]));
  const finishes = new Map(phases.finishes.map((finish) => [finish.event.jobId, finish]));
  const folded = new Set<number>();
  for (const accept of phases.accepts) {
    const start = starts.get(accept.event.jobId);
    // The conditions of applyStarts and applyFinishes, on the row the acceptance creates.
    if (start && START_FROM.includes("queued") && start.event.at >= accept.event.at) {
      accept.start = start;
      folded.add(start.index);
    }
    const finish = finishes.get(accept.event.jobId);
    if (!finish) continue;
    const from = accept.start ? "running" : "queued";
    const notBefore = accept.start?.event.at ?? accept.event.at;
    const fits =
      FINISH_FROM[finish.event.state].includes(from) &&
      finish.event.at >= notBefore &&
      (accept.start === undefined || !durationProblem(accept.start.event.at, finish.event.at));
    if (fits) {
      accept.finish = finish;
      folded.add(finish.index);
    }
  }
  return {
    accepts: phases.accepts,
    starts: phases.starts.filter(({ index }) => !folded.has(index)),
    stages: phases.stages,
    finishes: phases.finishes.filter(({ index }) => !folded.has(index)),
  };
}
