import { randomUUID } from "node:crypto";
import { jobStages, jobs, MAX_DURATION_MS } from "@forusbots/db/schema";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { at, useAuditDatabase } from "../testing/audit-database.ts";
import { acceptJob, finishJob, recordStage, startJob } from "./record-event.ts";

const context = useAuditDatabase();

async function storedJob(jobId: string) {
  const [row] = await context.db.select().from(jobs).where(eq(jobs.jobId, jobId));
  return row;
}

/** A new job accepted at minute 0 (and started at minute 1 when asked). */
async function newJob(state: "queued" | "running" = "queued"): Promise<string> {
  const jobId = randomUUID();
  await acceptJob(context.db, { jobId, botId: "bot-a", at: at(0) });
  if (state === "running") await startJob(context.db, { jobId, at: at(1) });
  return jobId;
}

/** The rejection of a promise, checked for its class and `field: message`. */
async function refusal<E extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => E,
) {
  const error = await promise.then(
    () => {
      throw new Error("expected a refusal");
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(type);
  return (error as E).message;
}

describe("allowed transitions", () => {
  it("accept stores a queued job with its meta and creator", async () => {
    const jobId = randomUUID();
    const createdBy = { name: "ana", role: "operator", at: "2024-01-15T09:59:00.000Z" };
    expect(
      await acceptJob(context.db, { jobId, botId: "bot-a", at: at(0), meta: { n: 1 }, createdBy }),
    ).toBe("stored");
    expect(await storedJob(jobId)).toMatchObject({
      botId: "bot-a",
      state: "queued",
      acceptedAt: at(0),
      startedAt: null,
      finishedAt: null,
      meta: { n: 1 },
      createdBy,
      durationMs: null,
    });
  });

  it("queued → running", async () => {
    const jobId = await newJob();
    expect(await startJob(context.db, { jobId, at: at(1) })).toBe("stored");
    expect(await storedJob(jobId)).toMatchObject({ state: "running", startedAt: at(1) });
  });

  it.each(["succeeded", "failed", "canceled"] as const)("running → %s", async (state) => {
    const jobId = await newJob("running");
    const outcome = await finishJob(context.db, {
      jobId,
      state,
      at: at(3, 30),
      result: { rows: 3 },
      errorMessage: state === "failed" ? "timeout" : undefined,
    });
    expect(outcome).toBe("stored");
    expect(await storedJob(jobId)).toMatchObject({
      state,
      finishedAt: at(3, 30),
      result: { rows: 3 },
      errorMessage: state === "failed" ? "timeout" : null,
      durationMs: 150_000,
    });
  });

  it("queued → canceled, with no start and no duration", async () => {
    const jobId = await newJob();
    expect(await finishJob(context.db, { jobId, state: "canceled", at: at(2) })).toBe("stored");
    expect(await storedJob(jobId)).toMatchObject({
      state: "canceled",
      startedAt: null,
      finishedAt: at(2),
      durationMs: null,
    });
  });

  it("defaults the time of an event to now", async () => {
    const jobId = randomUUID();
    const before = Date.now();
    await acceptJob(context.db, { jobId, botId: "bot-a" });
    await startJob(context.db, { jobId });
    const row = await storedJob(jobId);
    expect(row?.acceptedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(row?.startedAt?.getTime()).toBeGreaterThanOrEqual(row?.acceptedAt.getTime() ?? 0);
  });
});

describe("refused transitions", () => {
  it.each(["succeeded", "failed"] as const)(
    "queued → %s (a job must start first)",
    async (state) => {
      const jobId = await newJob();
      expect(await refusal(finishJob(context.db, { jobId, state, at: at(2) }), ConflictError)).toBe(
        `state: job ${jobId} has not started: a queued job can only be canceled`,
      );
      expect(await storedJob(jobId)).toMatchObject({ state: "queued", finishedAt: null });
    },
  );

  it.each(["succeeded", "failed", "canceled"] as const)(
    "%s → anything else: a terminal state never changes",
    async (state) => {
      const jobId = await newJob("running");
      await finishJob(context.db, { jobId, state, at: at(2) });
      for (const other of ["succeeded", "failed", "canceled"] as const) {
        if (other === state) continue;
        expect(
          await refusal(finishJob(context.db, { jobId, state: other, at: at(2) }), ConflictError),
        ).toBe(`state: job ${jobId} already finished as ${state} at ${at(2).toISOString()}`);
      }
      expect(await refusal(startJob(context.db, { jobId, at: at(5) }), ConflictError)).toBe(
        `at: job ${jobId} already started at ${at(1).toISOString()}`,
      );
      expect(await storedJob(jobId)).toMatchObject({ state, startedAt: at(1), finishedAt: at(2) });
    },
  );

  it("a job canceled before it started can never start", async () => {
    const jobId = await newJob();
    await finishJob(context.db, { jobId, state: "canceled", at: at(1) });
    expect(await refusal(startJob(context.db, { jobId, at: at(2) }), ConflictError)).toBe(
      `jobId: job ${jobId} is canceled and can no longer start`,
    );
  });

  it("a running job cannot start again at another time", async () => {
    const jobId = await newJob("running");
    expect(await refusal(startJob(context.db, { jobId, at: at(2) }), ConflictError)).toBe(
      `at: job ${jobId} already started at ${at(1).toISOString()}`,
    );
  });

  it("the same final state at another time is a conflicting replay", async () => {
    const jobId = await newJob("running");
    await finishJob(context.db, { jobId, state: "succeeded", at: at(2) });
    const message = await refusal(
      finishJob(context.db, { jobId, state: "succeeded", at: at(3) }),
      ConflictError,
    );
    expect(message).toBe(
      `at: job ${jobId} already finished as succeeded at ${at(2).toISOString()}`,
    );
  });

  it("events of a job that was never accepted are not found", async () => {
    const jobId = randomUUID();
    const notFound = `jobId: no job ${jobId} has been accepted`;
    expect(await refusal(startJob(context.db, { jobId, at: at(1) }), NotFoundError)).toBe(notFound);
    expect(
      await refusal(finishJob(context.db, { jobId, state: "canceled", at: at(1) }), NotFoundError),
    ).toBe(notFound);
    expect(
      await refusal(
        recordStage(context.db, {
          jobId,
          stageName: "login",
          startedAt: at(1),
          endedAt: at(2),
          status: "succeed",
        }),
        NotFoundError,
      ),
    ).toBe(notFound);
  });
});

describe("timestamps in order", () => {
  it("refuses a start before the acceptance", async () => {
    const jobId = await newJob();
    expect(await refusal(startJob(context.db, { jobId, at: at(-1) }), ValidationError)).toBe(
      `at: before the job was accepted (${at(0).toISOString()})`,
    );
  });

  it("refuses a finish before the start", async () => {
    const jobId = await newJob("running");
    expect(
      await refusal(
        finishJob(context.db, { jobId, state: "succeeded", at: at(0) }),
        ValidationError,
      ),
    ).toBe(`at: before the job started (${at(1).toISOString()})`);
  });

  it("refuses a cancel before the acceptance", async () => {
    const jobId = await newJob();
    expect(
      await refusal(
        finishJob(context.db, { jobId, state: "canceled", at: at(-1) }),
        ValidationError,
      ),
    ).toBe(`at: before the job was accepted (${at(0).toISOString()})`);
  });

  it("accepts a start and a finish at the same instant as the step before", async () => {
    const jobId = await newJob();
    expect(await startJob(context.db, { jobId, at: at(0) })).toBe("stored");
    expect(await finishJob(context.db, { jobId, state: "succeeded", at: at(0) })).toBe("stored");
    expect(await storedJob(jobId)).toMatchObject({ durationMs: 0 });
  });

  it("stores the longest run duration_ms holds and refuses one a millisecond longer", async () => {
    const longest = await newJob("running");
    const end = new Date(at(1).getTime() + MAX_DURATION_MS);
    expect(await finishJob(context.db, { jobId: longest, state: "succeeded", at: end })).toBe(
      "stored",
    );
    expect(await storedJob(longest)).toMatchObject({ durationMs: MAX_DURATION_MS });

    const tooLong = await newJob("running");
    const message = await refusal(
      finishJob(context.db, {
        jobId: tooLong,
        state: "succeeded",
        at: new Date(end.getTime() + 1),
      }),
      ValidationError,
    );
    expect(message).toBe(
      `at: the job lasts ${MAX_DURATION_MS + 1} ms, more than duration_ms holds (${MAX_DURATION_MS} ms, about 24.8 days)`,
    );
    expect(await storedJob(tooLong)).toMatchObject({ state: "running" });
  });

  it("refuses an invalid event before touching the database", async () => {
    expect(
      await refusal(startJob(context.db, { jobId: "not-a-uuid", at: at(1) }), ValidationError),
    ).toBe("jobId: not a UUID");
  });
});

describe("idempotent replays", () => {
  it("the same acceptance again is unchanged, even at another time", async () => {
    const jobId = await newJob();
    expect(await acceptJob(context.db, { jobId, botId: "bot-a", at: at(0) })).toBe("unchanged");
    expect(await acceptJob(context.db, { jobId, botId: "bot-a", at: at(9) })).toBe("unchanged");
    expect(await storedJob(jobId)).toMatchObject({ acceptedAt: at(0), state: "queued" });
  });

  it("an acceptance for another bot is a conflict", async () => {
    const jobId = await newJob();
    expect(
      await refusal(acceptJob(context.db, { jobId, botId: "bot-b", at: at(0) }), ConflictError),
    ).toBe(`botId: job ${jobId} was already accepted for bot "bot-a"`);
  });

  it("the same start again is unchanged, also once the job finished", async () => {
    const jobId = await newJob("running");
    expect(await startJob(context.db, { jobId, at: at(1) })).toBe("unchanged");
    await finishJob(context.db, { jobId, state: "succeeded", at: at(2) });
    expect(await startJob(context.db, { jobId, at: at(1) })).toBe("unchanged");
    expect(await acceptJob(context.db, { jobId, botId: "bot-a", at: at(0) })).toBe("unchanged");
  });

  it("the same finish again is unchanged", async () => {
    const jobId = await newJob("running");
    await finishJob(context.db, { jobId, state: "failed", at: at(2), errorMessage: "boom" });
    expect(await finishJob(context.db, { jobId, state: "failed", at: at(2) })).toBe("unchanged");
    expect(await storedJob(jobId)).toMatchObject({ state: "failed", errorMessage: "boom" });
  });

  it("the same stage again is unchanged; with another outcome it is a conflict", async () => {
    const jobId = await newJob("running");
    const stage = {
      jobId,
      stageName: "login",
      startedAt: at(1),
      endedAt: at(1, 20),
      status: "succeed" as const,
      meta: { attempt: 1 },
    };
    expect(await recordStage(context.db, stage)).toBe("stored");
    expect(await recordStage(context.db, stage)).toBe("unchanged");
    expect(
      await refusal(recordStage(context.db, { ...stage, status: "fail" }), ConflictError),
    ).toBe(
      `status: stage "login" of job ${jobId} started at ${at(1).toISOString()} is already stored with status succeed, endedAt ${at(1, 20).toISOString()}`,
    );
    const rows = await context.db.select().from(jobStages).where(eq(jobStages.jobId, jobId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ durationMs: 20_000, status: "succeed", meta: { attempt: 1 } });
  });

  it("a replay in upper case is the same job", async () => {
    const jobId = await newJob();
    expect(
      await acceptJob(context.db, { jobId: jobId.toUpperCase(), botId: "bot-a", at: at(0) }),
    ).toBe("unchanged");
  });
});

describe("stages", () => {
  it("refuses a finished stage without an end, and stores a stage of a finished job", async () => {
    const jobId = await newJob("running");
    await finishJob(context.db, { jobId, state: "failed", at: at(5) });
    expect(
      await refusal(
        recordStage(context.db, {
          jobId,
          stageName: "fill-form",
          startedAt: at(2),
          status: "fail",
        }),
        ValidationError,
      ),
    ).toBe(
      "endedAt: required: a stage whose status is fail has finished, so it needs its end time",
    );
    // null, which a file may carry for a stage whose end was never stored, is no end either.
    expect(
      await refusal(
        recordStage(context.db, {
          jobId,
          stageName: "fill-form",
          startedAt: at(2),
          endedAt: null,
          status: "succeeded",
        }),
        ValidationError,
      ),
    ).toBe(
      "endedAt: required: a stage whose status is succeed has finished, so it needs its end time",
    );
    expect(
      await recordStage(context.db, {
        jobId,
        stageName: "fill-form",
        startedAt: at(2),
        endedAt: at(3),
        status: "failed",
        error: { code: "E42" },
      }),
    ).toBe("stored");
    const [row] = await context.db.select().from(jobStages).where(eq(jobStages.jobId, jobId));
    expect(row).toMatchObject({
      status: "fail",
      endedAt: at(3),
      durationMs: 60_000,
      meta: {},
      error: { code: "E42" },
    });
    expect(
      await context.db.select().from(jobStages).where(eq(jobStages.jobId, jobId)),
    ).toHaveLength(1);
  });
});
