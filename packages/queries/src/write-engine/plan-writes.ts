import type {
  AuditEvent,
  AuditEventType,
  JobFinishedEvent,
  JobStartedEvent,
  StageEvent,
} from "../events/schemas.ts";
import { durationProblem } from "../events/schemas.ts";
import type { AcceptWithLifecycle, PositionedEvent } from "./positioned-event.ts";
import { stageKey } from "./stage-key.ts";
import { FINISH_FROM, START_FROM } from "./transitions.ts";
import { acceptRows, finishRows, stageRows, startRows, type WriteRows } from "./write-rows.ts";

/** Lifecycle order: a job's start, stages and finish can follow its acceptance in one batch. */
export const LIFECYCLE_ORDER: Readonly<Record<AuditEventType, number>> = {
  "job.accepted": 0,
  "job.started": 1,
  stage: 2,
  "job.finished": 3,
};

interface Phases {
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
function splitIntoPhases(events: readonly PositionedEvent<AuditEvent>[]): Phases {
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
    // The conditions of updateStartedJobs and updateFinishedJobs, on the row the acceptance creates.
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

/** [matching, the rest], each in the order given. */
export function partition<T>(items: readonly T[], matches: (item: T) => boolean): [T[], T[]] {
  const matching: T[] = [];
  const rest: T[] = [];
  for (const item of items) (matches(item) ? matching : rest).push(item);
  return [matching, rest];
}

/**
 * What a set of validated events will write, worked out before any database is touched: the
 * phases, and the JSON rows of the first round's four statements. Planning is Node's work only,
 * so the batch path plans the next batch while the database writes the previous one.
 */
export interface WritePlan {
  events: readonly PositionedEvent<AuditEvent>[];
  accepts: readonly AcceptWithLifecycle[];
  acceptRows: WriteRows;
  /** Stages of the jobs accepted in the batch: stored with their job when it is new. */
  stagesOfAccepted: readonly PositionedEvent<StageEvent>[];
  stagesOfAcceptedRows: WriteRows;
  startRows: WriteRows;
  stageRows: WriteRows;
  finishRows: WriteRows;
  /** Starts and finishes of jobs accepted in this batch: written once the INSERT has answered. */
  startsAfterAccept: readonly PositionedEvent<JobStartedEvent>[];
  finishesAfterAccept: readonly PositionedEvent<JobFinishedEvent>[];
}

export function planWrites(events: readonly PositionedEvent<AuditEvent>[]): WritePlan {
  const phases = splitIntoPhases(events);
  const acceptedHere = new Set(phases.accepts.map(({ event }) => event.jobId));
  const ofJobAcceptedHere = ({ event }: PositionedEvent<AuditEvent>) =>
    acceptedHere.has(event.jobId);
  const [startsAfterAccept, otherStarts] = partition(phases.starts, ofJobAcceptedHere);
  const [stagesOfAccepted, otherStages] = partition(phases.stages, ofJobAcceptedHere);
  const [finishesAfterAccept, otherFinishes] = partition(phases.finishes, ofJobAcceptedHere);
  return {
    events,
    accepts: phases.accepts,
    acceptRows: acceptRows(phases.accepts),
    stagesOfAccepted,
    stagesOfAcceptedRows: stageRows(stagesOfAccepted),
    startRows: startRows(otherStarts),
    stageRows: stageRows(otherStages),
    finishRows: finishRows(otherFinishes),
    startsAfterAccept,
    finishesAfterAccept,
  };
}
