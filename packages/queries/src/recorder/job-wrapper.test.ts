import { setTimeout as sleep } from "node:timers/promises";
import { jobStages, jobs } from "@forusbots/db/schema";
import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import { useAuditDatabase } from "../testing/audit-database.ts";
import { createAuditRecorder } from "./recorder.ts";

const context = useAuditDatabase();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function storedJob(jobId: string) {
  const rows = await context.db.select().from(jobs).where(eq(jobs.jobId, jobId));
  expect(rows).toHaveLength(1);
  return rows[0];
}

const storedStages = (jobId: string) =>
  context.db
    .select()
    .from(jobStages)
    .where(eq(jobStages.jobId, jobId))
    .orderBy(asc(jobStages.startedAt));

/** An error as a login library might throw it: a secret beside the message, and a stack. */
class LoginError extends Error {
  override name = "LoginError";
  readonly password = "hunter2";
}

describe("audit.job", () => {
  it("records the acceptance, start, each stage with its timing and the result", async () => {
    const audit = createAuditRecorder(context.db, { enabled: true });
    const before = new Date();
    let seenId = "";
    const value = await audit.job({ botId: "invoice-bot", meta: { customer: 42 } }, async (job) => {
      seenId = job.id;
      expect(job.botId).toBe("invoice-bot");
      const session = await job.stage("login", async () => {
        await sleep(30);
        return "session-1";
      });
      expect(session).toBe("session-1");
      await job.stage("fill-form", () => 3, { meta: { page: 2 } });
      return { rows: 3 };
    });
    const after = new Date();
    expect(value).toEqual({ rows: 3 });
    expect(seenId).toMatch(UUID);

    const job = await storedJob(seenId);
    expect(job).toMatchObject({
      botId: "invoice-bot",
      state: "succeeded",
      meta: { customer: 42 },
      result: { rows: 3 },
      errorMessage: null,
    });
    const { acceptedAt, startedAt, finishedAt } = job as {
      acceptedAt: Date;
      startedAt: Date;
      finishedAt: Date;
    };
    expect(acceptedAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(startedAt.getTime()).toBeGreaterThanOrEqual(acceptedAt.getTime());
    expect(finishedAt.getTime()).toBeLessThanOrEqual(after.getTime());

    const stages = await storedStages(seenId);
    expect(
      stages.map(({ stageName, status, meta, error }) => ({ stageName, status, meta, error })),
    ).toEqual([
      { stageName: "login", status: "succeed", meta: {}, error: null },
      { stageName: "fill-form", status: "succeed", meta: { page: 2 }, error: null },
    ]);
    const [login, form] = stages as [(typeof stages)[0], (typeof stages)[0]];
    // The login stage slept 30 ms: its recorded duration covers that, inside the job's span.
    expect(login.durationMs).toBeGreaterThanOrEqual(29);
    expect(login.startedAt.getTime()).toBeGreaterThanOrEqual(startedAt.getTime());
    expect(form.startedAt.getTime()).toBeGreaterThanOrEqual(login.endedAt?.getTime() ?? Infinity);
    expect(form.endedAt?.getTime()).toBeLessThanOrEqual(finishedAt.getTime());
  });

  it("records a thrown error as a failed stage and a failed job, and rethrows the bot's error", async () => {
    const audit = createAuditRecorder(context.db, { enabled: true });
    const thrown = new LoginError("wrong password for ops@example.com");
    let jobId = "";
    let laterStageRan = false;
    const outcome = await audit
      .job({ botId: "invoice-bot" }, async (job) => {
        jobId = job.id;
        await job.stage("open-page", () => "ok");
        await job.stage("login", async () => {
          throw thrown;
        });
        await job.stage("fill-form", () => {
          laterStageRan = true;
        });
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(outcome).toBe(thrown);
    expect(laterStageRan).toBe(false);

    expect(await storedJob(jobId)).toMatchObject({
      state: "failed",
      errorMessage: "wrong password for ops@example.com",
      result: null,
    });
    const stages = await storedStages(jobId);
    expect(stages.map(({ stageName, status, error }) => ({ stageName, status, error }))).toEqual([
      { stageName: "open-page", status: "succeed", error: null },
      {
        stageName: "login",
        status: "fail",
        // Name and message only: not the stack, not the password the error carried.
        error: { name: "LoginError", message: "wrong password for ops@example.com" },
      },
    ]);
    expect(stages[1]?.endedAt).not.toBeNull();
  });

  it("fails the job with an error thrown outside any stage", async () => {
    const audit = createAuditRecorder(context.db, { enabled: true });
    let jobId = "";
    await expect(
      audit.job({ botId: "invoice-bot" }, async (job) => {
        jobId = job.id;
        throw new TypeError("cannot read the invoice list");
      }),
    ).rejects.toThrow(new TypeError("cannot read the invoice list"));
    expect(await storedJob(jobId)).toMatchObject({
      state: "failed",
      errorMessage: "cannot read the invoice list",
    });
    expect(await storedStages(jobId)).toEqual([]);
  });

  it("lets a job that caught a stage's error succeed, with that stage recorded as failed", async () => {
    const audit = createAuditRecorder(context.db, { enabled: true });
    let jobId = "";
    await audit.job({ botId: "retry-bot" }, async (job) => {
      jobId = job.id;
      await job.stage("login", () => Promise.reject(new Error("timeout"))).catch(() => {});
      await job.stage("login", () => "second try");
    });
    expect(await storedJob(jobId)).toMatchObject({ state: "succeeded", errorMessage: null });
    expect((await storedStages(jobId)).map(({ status, error }) => ({ status, error }))).toEqual([
      { status: "fail", error: { name: "Error", message: "timeout" } },
      { status: "succeed", error: null },
    ]);
  });

  it("stores a JSON object as the result, another JSON value as { value }, and nothing else", async () => {
    const audit = createAuditRecorder(context.db, { enabled: true });
    const resultOf = async (value: unknown) => {
      let jobId = "";
      const returned = await audit.job({ botId: "result-bot" }, async (job) => {
        jobId = job.id;
        return value;
      });
      expect(returned).toBe(value);
      return (await storedJob(jobId))?.result;
    };
    expect(await resultOf({ total: 12.5, lines: ["a"] })).toEqual({ total: 12.5, lines: ["a"] });
    expect(await resultOf(["a", "b"])).toEqual({ value: ["a", "b"] });
    expect(await resultOf(7)).toEqual({ value: 7 });
    expect(await resultOf(undefined)).toBeNull();
    expect(await resultOf(new Date(0))).toBeNull();
    expect(await resultOf({ at: new Date(0) })).toBeNull();
  });

  it("refuses a stage started after the job finished", async () => {
    const audit = createAuditRecorder(context.db, { enabled: true });
    let leaked: ((name: string) => Promise<unknown>) | undefined;
    let jobId = "";
    await audit.job({ botId: "leaky-bot" }, async (job) => {
      jobId = job.id;
      leaked = (name) => job.stage(name, () => 1);
    });
    await expect(leaked?.("late")).rejects.toThrow(
      `stage "late": job ${jobId} has already finished`,
    );
    expect(await storedStages(jobId)).toEqual([]);
  });

  it("runs nothing of the bot when its job cannot be recorded (an invalid bot id)", async () => {
    const audit = createAuditRecorder(context.db, { enabled: true });
    let ran = false;
    await expect(
      audit.job({ botId: "" }, async () => {
        ran = true;
      }),
    ).rejects.toThrow(ValidationError);
    expect(ran).toBe(false);
  });
});

describe("audit.job with auditing off", () => {
  it("runs the bot's work, returns its value and rethrows its error, recording nothing", async () => {
    const audit = createAuditRecorder(null, { enabled: false });
    const value = await audit.job({ botId: "invoice-bot" }, async (job) => {
      expect(job.id).toMatch(UUID);
      return job.stage("login", () => "session");
    });
    expect(value).toBe("session");
    const thrown = new Error("down");
    await expect(
      audit.job({ botId: "invoice-bot" }, (job) =>
        job.stage("login", () => Promise.reject(thrown)),
      ),
    ).rejects.toBe(thrown);
  });
});
