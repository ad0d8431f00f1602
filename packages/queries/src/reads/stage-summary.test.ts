import { randomUUID } from "node:crypto";
import { jobStages, jobs, type NewJobStage } from "@forusbots/db/schema";
import { beforeAll, describe, expect, it } from "vitest";
import { at, useAuditDatabase } from "../testing/audit-database.ts";
import { getStageSummary } from "./stage-summary.ts";

const context = useAuditDatabase();

const ALPHA_JOB = randomUUID();
const BETA_JOB = randomUUID();

/** A stage of `jobId` starting at minute `minute` and lasting `seconds` (open when null). */
const stage = (
  jobId: string,
  stageName: string,
  minute: number,
  seconds: number | null,
  status: "succeed" | "fail" = "succeed",
): NewJobStage => ({
  jobId,
  stageName,
  startedAt: at(minute),
  endedAt: seconds === null ? null : at(minute, seconds),
  status,
});

beforeAll(async () => {
  await context.db.insert(jobs).values([
    { jobId: ALPHA_JOB, botId: "alpha", state: "running", acceptedAt: at(0), startedAt: at(0) },
    { jobId: BETA_JOB, botId: "beta", state: "running", acceptedAt: at(0), startedAt: at(0) },
  ]);
  await context.db.insert(jobStages).values([
    // login: 10, 20, 30, 40 s, one failure, and one still open (no duration).
    stage(ALPHA_JOB, "login", 1, 10),
    stage(ALPHA_JOB, "login", 2, 20, "fail"),
    stage(BETA_JOB, "login", 3, 30),
    stage(BETA_JOB, "login", 4, 40),
    stage(BETA_JOB, "login", 5, null),
    stage(ALPHA_JOB, "submit", 6, 5, "fail"),
    // Upper case sorts before lower case byte-wise, whatever the server's collation.
    stage(BETA_JOB, "Zeta", 7, 1),
  ]);
});

describe("getStageSummary", () => {
  it("gives runs, failures, mean, p50 and p95 per stage name, in byte order", async () => {
    expect(await getStageSummary(context.db)).toEqual([
      {
        stageName: "Zeta",
        totalRuns: 1,
        failedRuns: 0,
        avgDurationMs: 1000,
        p50DurationMs: 1000,
        p95DurationMs: 1000,
      },
      {
        stageName: "login",
        totalRuns: 5,
        failedRuns: 1,
        avgDurationMs: 25_000, // (10 + 20 + 30 + 40) / 4 s; the open stage has no duration
        p50DurationMs: 25_000, // halfway between 20 and 30 s
        p95DurationMs: 38_500, // 0.95 × 3 = 2.85: 30 s + 0.85 × 10 s
      },
      {
        stageName: "submit",
        totalRuns: 1,
        failedRuns: 1,
        avgDurationMs: 5000,
        p50DurationMs: 5000,
        p95DurationMs: 5000,
      },
    ]);
  });

  it("leaves the percentiles out when asked, and nothing else changes", async () => {
    const withPercentiles = await getStageSummary(context.db);
    const without = await getStageSummary(context.db, {}, { percentiles: false });
    expect(without).toEqual(
      withPercentiles.map((row) => ({ ...row, p50DurationMs: null, p95DurationMs: null })),
    );
  });

  it("filters by stage name", async () => {
    const rows = await getStageSummary(context.db, { stageName: "submit" });
    expect(rows.map((row) => [row.stageName, row.totalRuns])).toEqual([["submit", 1]]);
  });

  it("filters by the bot of the job", async () => {
    const rows = await getStageSummary(context.db, { botId: "alpha" });
    expect(rows).toEqual([
      {
        stageName: "login",
        totalRuns: 2,
        failedRuns: 1,
        avgDurationMs: 15_000,
        p50DurationMs: 15_000,
        p95DurationMs: 19_500, // 10 s + 0.95 × 10 s
      },
      {
        stageName: "submit",
        totalRuns: 1,
        failedRuns: 1,
        avgDurationMs: 5000,
        p50DurationMs: 5000,
        p95DurationMs: 5000,
      },
    ]);
  });

  it("counts the stages started in [from, to)", async () => {
    const rows = await getStageSummary(context.db, { from: at(4), to: at(7) });
    // login at minutes 4 (40 s) and 5 (open), submit at 6; Zeta at 7 is excluded.
    expect(rows.map((row) => [row.stageName, row.totalRuns, row.avgDurationMs])).toEqual([
      ["login", 2, 40_000],
      ["submit", 1, 5000],
    ]);
  });
});
