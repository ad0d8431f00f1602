import type { AuditDb } from "@forusbots/db";
import type { EventError } from "../errors.ts";
import type {
  AuditEvent,
  AuditEventType,
  JobAcceptedEvent,
  JobFinishedEvent,
  JobStartedEvent,
  StageEvent,
} from "../events/schemas.ts";
import {
  applyAccepts,
  applyFinishes,
  applyStages,
  applyStarts,
  type PositionedEvent,
} from "./apply.ts";
import {
  classifyAccept,
  classifyFinish,
  classifyStage,
  classifyStart,
  readStoredJobs,
  readStoredStages,
  stageKey,
} from "./classify.ts";

/** What became of one event: written now, already reflected, or refused. */
export type EventOutcome = "stored" | "unchanged" | EventError;

/** Lifecycle order: a job's start, stages and finish can follow its acceptance in one batch. */
export const LIFECYCLE_ORDER: Readonly<Record<AuditEventType, number>> = {
  "job.accepted": 0,
  "job.started": 1,
  stage: 2,
  "job.finished": 3,
};

interface Phases {
  accepts: PositionedEvent<JobAcceptedEvent>[];
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

/** Splits events by kind, keeping the first event of each key; later ones wait for classification. */
function splitIntoPhases(events: readonly PositionedEvent<AuditEvent>[]): Phases {
  const phases: Phases = { accepts: [], starts: [], stages: [], finishes: [] };
  const seen = new Set<string>();
  for (const positioned of events) {
    const key = rowKey(positioned.event);
    if (seen.has(key)) continue;
    seen.add(key);
    const { index, event } = positioned;
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
  return phases;
}

/**
 * Writes validated events with one statement per kind, in lifecycle order, then classifies those
 * that did not apply with at most two reads. Runs in the caller's transaction, if any: the batch
 * path wraps it in one, a single recorder call needs none (its write is one statement).
 */
export async function applyEvents(
  db: AuditDb,
  events: readonly PositionedEvent<AuditEvent>[],
): Promise<Map<number, EventOutcome>> {
  const phases = splitIntoPhases(events);
  const applied = new Set<number>();
  for (const index of await applyAccepts(db, phases.accepts)) applied.add(index);
  for (const index of await applyStarts(db, phases.starts)) applied.add(index);
  for (const index of await applyStages(db, phases.stages)) applied.add(index);
  for (const index of await applyFinishes(db, phases.finishes)) applied.add(index);

  const outcomes = new Map<number, EventOutcome>();
  const pending: PositionedEvent<AuditEvent>[] = [];
  for (const positioned of events) {
    if (applied.has(positioned.index)) outcomes.set(positioned.index, "stored");
    else pending.push(positioned);
  }
  if (pending.length === 0) return outcomes;

  const storedJobs = await readStoredJobs(
    db,
    pending.map(({ event }) => event.jobId),
  );
  const pendingStages = pending.flatMap(({ event }) => (event.type === "stage" ? [event] : []));
  const storedStages = await readStoredStages(db, pendingStages);
  for (const { index, event } of pending) {
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
