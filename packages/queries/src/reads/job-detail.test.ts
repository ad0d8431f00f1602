import { randomUUID } from "node:crypto";
import { jobStages, jobs } from "@forusbots/db/schema";
import { beforeAll, describe, expect, it } from "vitest";
import { NotFoundError, ValidationError } from "../errors.ts";
import { at, useAuditDatabase } from "../testing/audit-database.ts";
import { getJobWithStages } from "./job-detail.ts";

const context = useAuditDatabase();

const JOB = randomUUID();
const createdBy = { name: "ana", role: "operator", at: "2024-01-15T09:59:00.000Z" };

beforeAll(async () => {
  await context.db.insert(jobs).values({
    jobId: JOB,
    botId: "alpha",
    state: "failed",
    acceptedAt: at(0),
    startedAt: at(1),
    finishedAt: at(3, 30),
    meta: { url: "https://example.test" },
    createdBy,
    errorMessage: "captcha",
  });
  // Inserted out of order; two stages start at the same instant (the first stored comes first).
  await context.db.insert(jobStages).values([
    {
      jobId: JOB,
      stageName: "submit",
      startedAt: at(3),
      endedAt: at(3, 30),
      status: "fail",
      error: { code: "E9" },
    },
    { jobId: JOB, stageName: "login", startedAt: at(1), endedAt: at(2), status: "succeed" },
    { jobId: JOB, stageName: "fill-form", startedAt: at(2), endedAt: at(3), status: "succeed" },
    { jobId: JOB, stageName: "attach", startedAt: at(2), status: "succeed", meta: { files: 2 } },
  ]);
});

describe("getJobWithStages", () => {
  it("gives the job with its duration and its stages in the order they started", async () => {
    const job = await getJobWithStages(context.db, JOB);
    expect(job).toMatchObject({
      jobId: JOB,
      botId: "alpha",
      state: "failed",
      acceptedAt: at(0),
      startedAt: at(1),
      finishedAt: at(3, 30),
      meta: { url: "https://example.test" },
      result: null,
      createdBy,
      errorMessage: "captcha",
      durationMs: 150_000,
      durationSeconds: 150,
    });
    expect(
      job.stages.map(({ stageName, startedAt, durationMs, status, meta, error }) => ({
        stageName,
        startedAt,
        durationMs,
        status,
        meta,
        error,
      })),
    ).toEqual([
      {
        stageName: "login",
        startedAt: at(1),
        durationMs: 60_000,
        status: "succeed",
        meta: {},
        error: null,
      },
      {
        stageName: "fill-form",
        startedAt: at(2),
        durationMs: 60_000,
        status: "succeed",
        meta: {},
        error: null,
      },
      {
        stageName: "attach",
        startedAt: at(2),
        durationMs: null,
        status: "succeed",
        meta: { files: 2 },
        error: null,
      },
      {
        stageName: "submit",
        startedAt: at(3),
        durationMs: 30_000,
        status: "fail",
        meta: {},
        error: { code: "E9" },
      },
    ]);
  });

  it("finds the job whatever the case of its id", async () => {
    expect((await getJobWithStages(context.db, JOB.toUpperCase())).jobId).toBe(JOB);
  });

  it("throws NotFoundError for an unknown job and ValidationError for a malformed id", async () => {
    const unknown = randomUUID();
    await expect(getJobWithStages(context.db, unknown)).rejects.toThrow(new NotFoundError(unknown));
    await expect(getJobWithStages(context.db, "job-1")).rejects.toThrow(ValidationError);
    await expect(getJobWithStages(context.db, "job-1")).rejects.toThrow("jobId: not a UUID");
  });
});
