import type { AuditDb } from "@forusbots/db";
import type { EventError } from "../errors.ts";
import type { AuditEvent } from "../events/schemas.ts";
import { classifyUnapplied } from "./classify-outcomes.ts";
import { partition, type WritePlan } from "./plan-writes.ts";
import type { PositionedEvent } from "./positioned-event.ts";
import { finishRows, stageRows, startRows } from "./write-rows.ts";
import {
  insertAcceptedJobs,
  insertStages,
  updateFinishedJobs,
  updateStartedJobs,
} from "./write-statements.ts";

/** What became of one event: written now, already reflected, or refused. */
export type EventOutcome = "stored" | "unchanged" | EventError;

/**
 * Carries out a plan (`planWrites`): writes its events with one statement per kind, in lifecycle
 * order (a new job's start and finish ride in its INSERT when the batch holds them), then
 * classifies those that did not apply with at most two reads. Runs in the caller's transaction,
 * if any: the batch path wraps it in one, a single recorder call needs none (its write is one
 * statement).
 *
 * The first round's four statements are sent together, without waiting for one answer before
 * sending the next (postgres.js pipelines them on the transaction's connection), so they cost one
 * round trip instead of four. No statement of that round depends on another's answer: the stages
 * of the jobs accepted in the batch go into the accepts' own statement, which stores them with
 * their job when it is new. Only for a job that already existed do its start, stages and finish
 * from the same batch wait for a second round, through the UPDATEs and the stages' INSERT like
 * any other, in lifecycle order.
 */
export async function executeWritePlan(
  db: AuditDb,
  plan: WritePlan,
): Promise<Map<number, EventOutcome>> {
  const [inserted, startedFirst, stagesStored, finishedFirst] = await Promise.all([
    insertAcceptedJobs(db, plan.acceptRows, plan.stagesOfAcceptedRows),
    updateStartedJobs(db, plan.startRows),
    insertStages(db, plan.stageRows),
    updateFinishedJobs(db, plan.finishRows),
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
  for (const index of await updateStartedJobs(db, startRows(startsAfterAccept))) applied.add(index);
  for (const index of await insertStages(db, stageRows(stagesOfExistingJobs), {
    jobsExist: true,
  })) {
    applied.add(index);
  }
  for (const index of await updateFinishedJobs(db, finishRows(finishesAfterAccept)))
    applied.add(index);

  const { events } = plan;
  const outcomes = new Map<number, EventOutcome>();
  const pending: PositionedEvent<AuditEvent>[] = [];
  for (const positioned of events) {
    if (applied.has(positioned.index)) outcomes.set(positioned.index, "stored");
    else pending.push(positioned);
  }
  if (pending.length === 0) return outcomes;

  for (const [index, outcome] of await classifyUnapplied(db, pending)) {
    outcomes.set(index, outcome);
  }
  return outcomes;
}
