import type { AuditDb } from "@forusbots/db";
import type { EventError } from "../errors.ts";
import type { AuditEvent, JobFinishedEvent, JobStartedEvent } from "../events/schemas.ts";
import {
  acceptRows,
  applyAccepts,
  applyFinishes,
  applyStages,
  applyStarts,
  finishRows,
  type PositionedEvent,
  stageRows,
  startRows,
  type WriteRows,
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
import { type AcceptWithLifecycle, splitIntoPhases } from "./phases.ts";

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
 * What a set of validated events will write, worked out before any database is touched: the
 * phases, and the JSON rows of the first round's four statements. Planning is Node's work only,
 * so the batch path plans the next batch while the database writes the previous one.
 */
export interface EventPlan {
  events: readonly PositionedEvent<AuditEvent>[];
  accepts: readonly AcceptWithLifecycle[];
  acceptRows: WriteRows;
  startRows: WriteRows;
  stageRows: WriteRows;
  finishRows: WriteRows;
  /** Starts and finishes of jobs accepted in this batch: written once the INSERT has answered. */
  startsAfterAccept: readonly PositionedEvent<JobStartedEvent>[];
  finishesAfterAccept: readonly PositionedEvent<JobFinishedEvent>[];
}

export function planEvents(events: readonly PositionedEvent<AuditEvent>[]): EventPlan {
  const phases = splitIntoPhases(events);
  const acceptedHere = new Set(phases.accepts.map(({ event }) => event.jobId));
  const waitsForAccept = ({ event }: PositionedEvent<AuditEvent>) => acceptedHere.has(event.jobId);
  const [startsAfterAccept, otherStarts] = partition(phases.starts, waitsForAccept);
  const [finishesAfterAccept, otherFinishes] = partition(phases.finishes, waitsForAccept);
  return {
    events,
    accepts: phases.accepts,
    acceptRows: acceptRows(phases.accepts),
    startRows: startRows(otherStarts),
    stageRows: stageRows(phases.stages, acceptedHere),
    finishRows: finishRows(otherFinishes),
    startsAfterAccept,
    finishesAfterAccept,
  };
}

/**
 * Writes validated events with one statement per kind, in lifecycle order (a new job's start and
 * finish ride in its INSERT when the batch holds them), then classifies those that did not apply
 * with at most two reads. Runs in the caller's transaction, if any: the batch
 * path wraps it in one, a single recorder call needs none (its write is one statement).
 */
export async function applyEvents(
  db: AuditDb,
  events: readonly PositionedEvent<AuditEvent>[],
): Promise<Map<number, EventOutcome>> {
  return applyPlan(db, planEvents(events));
}

/**
 * Carries out a plan. The first round's four statements are sent together, without waiting for
 * one answer before sending the next (postgres.js pipelines them on the transaction's
 * connection), so they cost one round trip instead of four. No statement of that round depends
 * on another's answer; the starts and finishes of jobs accepted in the same batch do, and wait
 * for a second round, after the INSERT has said whether each job was new: for a new job they
 * were written with it (folded) or go through the UPDATEs now, in lifecycle order; for a job that
 * already existed they go through the UPDATEs like any other start or finish.
 */
export async function applyPlan(db: AuditDb, plan: EventPlan): Promise<Map<number, EventOutcome>> {
  const [inserted, startedFirst, stagesStored, finishedFirst] = await Promise.all([
    applyAccepts(db, plan.acceptRows),
    applyStarts(db, plan.startRows),
    applyStages(db, plan.stageRows),
    applyFinishes(db, plan.finishRows),
  ]);
  const applied = new Set([...startedFirst, ...stagesStored, ...finishedFirst]);
  const startsAfterAccept = [...plan.startsAfterAccept];
  const finishesAfterAccept = [...plan.finishesAfterAccept];
  for (const { index, start, finish } of plan.accepts) {
    if (inserted.has(index)) {
      // The new row holds the folded start and finish too.
      for (const step of [index, start?.index, finish?.index]) {
        if (step !== undefined) applied.add(step);
      }
    } else {
      // The job existed: its start and finish go through the conditional UPDATEs.
      if (start) startsAfterAccept.push(start);
      if (finish) finishesAfterAccept.push(finish);
    }
  }
  for (const index of await applyStarts(db, startRows(startsAfterAccept))) applied.add(index);
  for (const index of await applyFinishes(db, finishRows(finishesAfterAccept))) applied.add(index);

  const { events } = plan;
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
