import type { AuditDb } from "@forusbots/db";
import type { EventError } from "../errors.ts";
import type {
  AuditEvent,
  JobFinishedEvent,
  JobStartedEvent,
  StageEvent,
} from "../events/schemas.ts";
import {
  classifyAccept,
  classifyFinish,
  classifyStage,
  classifyStart,
  readStoredJobs,
  readStoredStages,
  stageKey,
} from "./classify-outcomes.ts";
import { type AcceptWithLifecycle, splitIntoPhases } from "./plan-writes.ts";
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
} from "./write-statements.ts";

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

export function planEvents(events: readonly PositionedEvent<AuditEvent>[]): EventPlan {
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
 * on another's answer: the stages of the jobs accepted in the batch go into the accepts' own
 * statement, which stores them with their job when it is new. Only for a job that already
 * existed do its start, stages and finish from the same batch wait for a second round, through
 * the UPDATEs and the stages' INSERT like any other, in lifecycle order.
 */
export async function applyPlan(db: AuditDb, plan: EventPlan): Promise<Map<number, EventOutcome>> {
  const [inserted, startedFirst, stagesStored, finishedFirst] = await Promise.all([
    applyAccepts(db, plan.acceptRows, plan.stagesOfAcceptedRows),
    applyStarts(db, plan.startRows),
    applyStages(db, plan.stageRows),
    applyFinishes(db, plan.finishRows),
  ]);
  const applied = new Set([...startedFirst, ...stagesStored, ...finishedFirst]);
  const startsAfterAccept = [...plan.startsAfterAccept];
  const finishesAfterAccept = [...plan.finishesAfterAccept];
  const newJobs = new Set<string>();
  for (const { index, event, start, finish } of plan.accepts) {
    if (inserted.has(index)) {
      // The new row holds the folded start and finish too.
      newJobs.add(event.jobId);
      for (const step of [index, start?.index, finish?.index]) {
        if (step !== undefined) applied.add(step);
      }
    } else {
      // The job existed: its start and finish go through the conditional UPDATEs.
      if (start) startsAfterAccept.push(start);
      if (finish) finishesAfterAccept.push(finish);
    }
  }
  const [storedWithJob, stagesOfExistingJobs] = partition(plan.stagesOfAccepted, ({ event }) =>
    newJobs.has(event.jobId),
  );
  for (const { index } of storedWithJob) applied.add(index);
  for (const index of await applyStarts(db, startRows(startsAfterAccept))) applied.add(index);
  for (const index of await applyStages(db, stageRows(stagesOfExistingJobs), {
    jobsExist: true,
  })) {
    applied.add(index);
  }
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
