import type { AuditDb } from "@forusbots/db";
import type { z } from "zod";
import { withDatabaseErrors } from "../errors.ts";
import { parseWith } from "../events/parse.ts";
import {
  type AuditEvent,
  jobAcceptedEventSchema,
  jobFinishedEventSchema,
  jobStartedEventSchema,
  stageEventSchema,
} from "../events/schemas.ts";
import { executeWritePlan, planWrites } from "../write-engine/index.ts";

/** A write that returns normally either changed the database or found the event already there. */
export type WriteOutcome = "stored" | "unchanged";

type Optional<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

/** Inputs of the single-event writes: the events without `type`; `at` defaults to now. */
export type AcceptJobInput = Optional<Omit<z.input<typeof jobAcceptedEventSchema>, "type">, "at">;
export type StartJobInput = Optional<Omit<z.input<typeof jobStartedEventSchema>, "type">, "at">;
export type RecordStageInput = Omit<z.input<typeof stageEventSchema>, "type">;
export type FinishJobInput = Optional<Omit<z.input<typeof jobFinishedEventSchema>, "type">, "at">;

/** Writes one validated event; a refused one throws its typed error. */
async function writeOne(db: AuditDb, event: AuditEvent): Promise<WriteOutcome> {
  return withDatabaseErrors(async () => {
    const outcomes = await executeWritePlan(db, planWrites([{ index: 0, event }]));
    const outcome = outcomes.get(0);
    if (outcome === undefined) throw new Error("the write reported no outcome for the event");
    if (outcome === "stored" || outcome === "unchanged") return outcome;
    throw outcome;
  });
}

/**
 * Records a job as accepted (queued). Replaying it for the same bot is "unchanged", whatever its
 * time: the first acceptance stands. For another bot it is a `ConflictError`.
 */
export async function acceptJob(db: AuditDb, input: AcceptJobInput): Promise<WriteOutcome> {
  const event = parseWith(jobAcceptedEventSchema, {
    ...input,
    type: "job.accepted",
    at: input.at ?? new Date(),
  });
  return writeOne(db, event);
}

/** queued → running. Replaying the same start time is "unchanged"; another one a conflict. */
export async function startJob(db: AuditDb, input: StartJobInput): Promise<WriteOutcome> {
  const event = parseWith(jobStartedEventSchema, {
    ...input,
    type: "job.started",
    at: input.at ?? new Date(),
  });
  return writeOne(db, event);
}

/**
 * Stores one stage of a job, identified by (jobId, stageName, startedAt). The same stage again is
 * "unchanged"; with another status or end it is a conflict.
 */
export async function recordStage(db: AuditDb, input: RecordStageInput): Promise<WriteOutcome> {
  const event = parseWith(stageEventSchema, { ...input, type: "stage" });
  return writeOne(db, event);
}

/**
 * running → succeeded | failed | canceled, or queued → canceled. The same final state at the same
 * time again is "unchanged"; any other finish of a finished job is a `ConflictError`.
 */
export async function finishJob(db: AuditDb, input: FinishJobInput): Promise<WriteOutcome> {
  const event = parseWith(jobFinishedEventSchema, {
    ...input,
    type: "job.finished",
    at: input.at ?? new Date(),
  });
  return writeOne(db, event);
}
