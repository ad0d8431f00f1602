import type { AuditDb } from "@forusbots/db";
import type { z } from "zod";
import { withDatabaseErrors } from "../errors.ts";
import { parseWith } from "../events/parse.ts";
import {
  type AuditEvent,
  type JobAcceptedEvent,
  type JobFinishedEvent,
  type JobStartedEvent,
  jobAcceptedEventSchema,
  jobFinishedEventSchema,
  jobStartedEventSchema,
  recordedStageEventSchema,
  type StageEvent,
} from "../events/schemas.ts";
import { executeWritePlan, planWrites } from "../write-engine/index.ts";

/**
 * A write that returns normally changed the database, found the event already there, or (the
 * durable recorder only) put it in the local spool for the background flusher to write.
 */
export type WriteOutcome = "stored" | "unchanged" | "spooled";

type Optional<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

/** Inputs of the single-event writes: the events without `type`; `at` defaults to now. */
export type AcceptJobInput = Optional<Omit<z.input<typeof jobAcceptedEventSchema>, "type">, "at">;
export type StartJobInput = Optional<Omit<z.input<typeof jobStartedEventSchema>, "type">, "at">;
export type RecordStageInput = Omit<z.input<typeof recordedStageEventSchema>, "type">;
export type FinishJobInput = Optional<Omit<z.input<typeof jobFinishedEventSchema>, "type">, "at">;

/*
 * The events of the four calls, validated (a `ValidationError` naming the field otherwise) and
 * with `at` fixed when the call is made, so that a spooled event replays with the same time.
 */
export const acceptedEvent = (input: AcceptJobInput): JobAcceptedEvent =>
  parseWith(jobAcceptedEventSchema, { ...input, type: "job.accepted", at: input.at ?? new Date() });

export const startedEvent = (input: StartJobInput): JobStartedEvent =>
  parseWith(jobStartedEventSchema, { ...input, type: "job.started", at: input.at ?? new Date() });

export const stageEvent = (input: RecordStageInput): StageEvent =>
  parseWith(recordedStageEventSchema, { ...input, type: "stage" });

export const finishedEvent = (input: FinishJobInput): JobFinishedEvent =>
  parseWith(jobFinishedEventSchema, { ...input, type: "job.finished", at: input.at ?? new Date() });

/** Writes one validated event; a refused one throws its typed error. */
export async function writeEvent(db: AuditDb, event: AuditEvent): Promise<"stored" | "unchanged"> {
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
  return writeEvent(db, acceptedEvent(input));
}

/** queued → running. Replaying the same start time is "unchanged"; another one a conflict. */
export async function startJob(db: AuditDb, input: StartJobInput): Promise<WriteOutcome> {
  return writeEvent(db, startedEvent(input));
}

/**
 * Stores one stage of a job, identified by (jobId, stageName, startedAt). The same stage again is
 * "unchanged"; with another status or end it is a conflict.
 */
export async function recordStage(db: AuditDb, input: RecordStageInput): Promise<WriteOutcome> {
  return writeEvent(db, stageEvent(input));
}

/**
 * running → succeeded | failed | canceled, or queued → canceled. The same final state at the same
 * time again is "unchanged"; any other finish of a finished job is a `ConflictError`.
 */
export async function finishJob(db: AuditDb, input: FinishJobInput): Promise<WriteOutcome> {
  return writeEvent(db, finishedEvent(input));
}
