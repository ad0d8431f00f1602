import type { AuditDb } from "@forusbots/db";
import type { EventError } from "../errors.ts";
import type { AuditEvent } from "../events/schemas.ts";
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
import { splitIntoPhases } from "./phases.ts";

/** [matching, the rest], each in the order given. */
function partition<T>(items: readonly T[], matches: (item: T) => boolean): [T[], T[]] {
  const matching: T[] = [];
  const rest: T[] = [];
  for (const item of items) (matches(item) ? matching : rest).push(item);
  return [matching, rest];
}

/** What became of one event: written now, already reflected, or refused. */
export type EventOutcome = "stored" | "unchanged" | EventError;

/**
 * Writes validated events with one statement per kind, in lifecycle order (a new job's start and
 * finish ride in its INSERT when the batch holds them), then classifies those that did not apply
 * with at most two reads. Runs in the caller's transaction, if any: the batch
 * path wraps it in one, a single recorder call needs none (its write is one statement).
 *
 * The four statements are sent together, without waiting for one answer before sending the next
 * (postgres.js pipelines them on the transaction's connection), so a batch costs one round trip
 * instead of four. That is safe because no statement depends on another's answer except for one
 * case: the start and finish of a job whose acceptance is in the batch. Those wait for a second
 * round, after the INSERT has said whether the job was new: for a new job they were written with
 * it (folded) or go through the UPDATEs now, in lifecycle order; for a job that already existed
 * they go through the UPDATEs like any other start or finish.
 */
export async function applyEvents(
  db: AuditDb,
  events: readonly PositionedEvent<AuditEvent>[],
): Promise<Map<number, EventOutcome>> {
  const phases = splitIntoPhases(events);
  const acceptedHere = new Set(phases.accepts.map(({ event }) => event.jobId));
  const [waitForAccept, independentStarts] = partition(phases.starts, ({ event }) =>
    acceptedHere.has(event.jobId),
  );
  const [waitForAcceptFinishes, independentFinishes] = partition(phases.finishes, ({ event }) =>
    acceptedHere.has(event.jobId),
  );
  const [inserted, startedFirst, stagesStored, finishedFirst] = await Promise.all([
    applyAccepts(db, phases.accepts),
    applyStarts(db, independentStarts),
    applyStages(db, phases.stages),
    applyFinishes(db, independentFinishes),
  ]);
  const applied = new Set([...startedFirst, ...stagesStored, ...finishedFirst]);
  for (const { index, start, finish } of phases.accepts) {
    if (inserted.has(index)) {
      // The new row holds the folded start and finish too.
      for (const step of [index, start?.index, finish?.index]) {
        if (step !== undefined) applied.add(step);
      }
    } else {
      // The job existed: its start and finish go through the conditional UPDATEs.
      if (start) waitForAccept.push(start);
      if (finish) waitForAcceptFinishes.push(finish);
    }
  }
  for (const index of await applyStarts(db, waitForAccept)) applied.add(index);
  for (const index of await applyFinishes(db, waitForAcceptFinishes)) applied.add(index);

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
