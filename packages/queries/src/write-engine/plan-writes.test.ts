import { MAX_DURATION_MS } from "@forusbots/db/schema";
import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../events/schemas.ts";
import { at } from "../testing/audit-database.ts";
import { planWrites } from "./plan-writes.ts";

const JOB = "0f8fad5b-d9cb-469f-a165-70867728950e";
const OTHER_JOB = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

const accepted = (jobId: string, minute: number): AuditEvent => ({
  type: "job.accepted",
  jobId,
  botId: "bot-a",
  at: at(minute),
});
const started = (jobId: string, when: Date): AuditEvent => ({
  type: "job.started",
  jobId,
  at: when,
});
const finished = (
  jobId: string,
  state: "succeeded" | "failed" | "canceled",
  when: Date,
): AuditEvent => ({ type: "job.finished", jobId, state, at: when });
const stage = (jobId: string, name: string, minute: number): AuditEvent => ({
  type: "stage",
  jobId,
  stageName: name,
  startedAt: at(minute),
  status: "succeed",
});

/** The events at positions 0, 1, 2, … as the engine takes them. */
const positioned = (...events: AuditEvent[]) => events.map((event, index) => ({ index, event }));

/** A statement's JSON rows, parsed back. */
const rows = (parameter: string | null): Record<string, unknown>[] =>
  parameter === null ? [] : (JSON.parse(parameter) as Record<string, unknown>[]);

describe("planning a new job's whole life", () => {
  it("folds its start and finish into the row its acceptance inserts", () => {
    const plan = planWrites(
      positioned(accepted(JOB, 0), started(JOB, at(1)), finished(JOB, "succeeded", at(2))),
    );
    expect(plan.accepts).toHaveLength(1);
    expect(plan.accepts[0]?.start?.index).toBe(1);
    expect(plan.accepts[0]?.finish?.index).toBe(2);
    expect(rows(plan.acceptRows)).toEqual([
      expect.objectContaining({
        i: 0,
        job_id: JOB,
        state: "succeeded",
        accepted_at: "2024-01-15T10:00:00.000Z",
        started_at: "2024-01-15T10:01:00.000Z",
        finished_at: "2024-01-15T10:02:00.000Z",
      }),
    ]);
    expect(plan.startRows).toBeNull();
    expect(plan.finishRows).toBeNull();
    expect(plan.startsAfterAccept).toEqual([]);
    expect(plan.finishesAfterAccept).toEqual([]);
  });

  it("folds a cancel of a job that never started, which leaves it queued → canceled", () => {
    const plan = planWrites(positioned(accepted(JOB, 0), finished(JOB, "canceled", at(3))));
    expect(rows(plan.acceptRows)).toEqual([
      expect.objectContaining({ state: "canceled", started_at: null }),
    ]);
  });

  it("leaves a success of a job that never started to the UPDATE, which will refuse it", () => {
    const plan = planWrites(positioned(accepted(JOB, 0), finished(JOB, "succeeded", at(3))));
    expect(rows(plan.acceptRows)).toEqual([expect.objectContaining({ state: "queued" })]);
    expect(plan.finishesAfterAccept.map(({ index }) => index)).toEqual([1]);
  });

  it("leaves a start before the acceptance to the UPDATE", () => {
    const plan = planWrites(positioned(accepted(JOB, 5), started(JOB, at(4))));
    expect(plan.accepts[0]?.start).toBeUndefined();
    expect(plan.startsAfterAccept.map(({ index }) => index)).toEqual([1]);
    expect(plan.startRows).toBeNull();
  });

  it("leaves a finish a millisecond past what duration_ms holds to the UPDATE", () => {
    const start = at(1);
    const tooLate = new Date(start.getTime() + MAX_DURATION_MS + 1);
    const plan = planWrites(
      positioned(accepted(JOB, 0), started(JOB, start), finished(JOB, "failed", tooLate)),
    );
    expect(plan.accepts[0]?.start?.index).toBe(1);
    expect(plan.accepts[0]?.finish).toBeUndefined();
    expect(plan.finishesAfterAccept.map(({ index }) => index)).toEqual([2]);
  });

  it("puts the stages of a job accepted in the batch into the acceptance's statement", () => {
    const plan = planWrites(positioned(accepted(JOB, 0), stage(JOB, "login", 1)));
    expect(plan.stagesOfAccepted.map(({ index }) => index)).toEqual([1]);
    expect(rows(plan.stagesOfAcceptedRows)).toEqual([
      expect.objectContaining({ i: 1, job_id: JOB, stage_name: "login" }),
    ]);
    expect(plan.stageRows).toBeNull();
  });
});

describe("planning events of jobs accepted earlier", () => {
  it("sends them in the first round, each to its own statement", () => {
    const plan = planWrites(
      positioned(
        started(OTHER_JOB, at(1)),
        stage(OTHER_JOB, "login", 1),
        finished(OTHER_JOB, "failed", at(2)),
      ),
    );
    expect(plan.acceptRows).toBeNull();
    expect(rows(plan.startRows).map((row) => row.i)).toEqual([0]);
    expect(rows(plan.stageRows).map((row) => row.i)).toEqual([1]);
    expect(rows(plan.finishRows).map((row) => row.i)).toEqual([2]);
  });
});

describe("two events for one row", () => {
  it("plans the first and leaves the second to be classified as a replay", () => {
    const events = positioned(
      finished(OTHER_JOB, "succeeded", at(2)),
      finished(OTHER_JOB, "failed", at(3)),
      stage(OTHER_JOB, "login", 1),
      stage(OTHER_JOB, "login", 1),
    );
    const plan = planWrites(events);
    expect(rows(plan.finishRows).map((row) => row.i)).toEqual([0]);
    expect(rows(plan.stageRows).map((row) => row.i)).toEqual([2]);
    // Still among the plan's events: every position gets an outcome.
    expect(plan.events).toBe(events);
  });
});
