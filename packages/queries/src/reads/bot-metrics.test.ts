import { randomUUID } from "node:crypto";
import { jobs, type NewJob } from "@forusbots/db/schema";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import { at, useAuditDatabase } from "../testing/audit-database.ts";
import { getBotMetrics } from "./bot-metrics.ts";

const context = useAuditDatabase();

const job = (row: Omit<NewJob, "jobId">): NewJob => ({ jobId: randomUUID(), ...row });

beforeAll(async () => {
  await context.db.insert(jobs).values([
    // alpha: runs of 60 s, 120 s (succeeded) and 300 s (failed), one canceled in the queue,
    // one running, one queued.
    job({
      botId: "alpha",
      state: "succeeded",
      acceptedAt: at(0),
      startedAt: at(0),
      finishedAt: at(1),
    }),
    job({
      botId: "alpha",
      state: "succeeded",
      acceptedAt: at(10),
      startedAt: at(10),
      finishedAt: at(12),
    }),
    job({
      botId: "alpha",
      state: "failed",
      acceptedAt: at(20),
      startedAt: at(20),
      finishedAt: at(25),
    }),
    job({ botId: "alpha", state: "canceled", acceptedAt: at(30), finishedAt: at(31) }),
    job({ botId: "alpha", state: "running", acceptedAt: at(40), startedAt: at(41) }),
    job({ botId: "alpha", state: "queued", acceptedAt: at(50) }),
    // beta: a run canceled after 120 s (it has a duration, but is neither success nor failure).
    job({
      botId: "beta",
      state: "canceled",
      acceptedAt: at(0),
      startedAt: at(1),
      finishedAt: at(3),
    }),
    job({ botId: "beta", state: "queued", acceptedAt: at(5) }),
    // gamma: nothing finished.
    job({ botId: "gamma", state: "queued", acceptedAt: at(60) }),
  ]);
});

describe("getBotMetrics", () => {
  it("gives each bot's counts, mean, success rate and percentiles, ordered by bot", async () => {
    const metrics = await getBotMetrics(context.db);
    expect(metrics.map((row) => row.botId)).toEqual(["alpha", "beta", "gamma"]);
    const [alpha, beta, gamma] = metrics;
    expect(alpha).toMatchObject({
      totalJobs: 6,
      succeededJobs: 2,
      failedJobs: 1,
      avgDurationSeconds: 160, // (60 + 120 + 300) / 3
      p50DurationSeconds: 120, // the middle of 60, 120, 300
      p95DurationSeconds: 282, // 0.95 × 2 = 1.9: 120 + 0.9 × (300 − 120)
    });
    expect(alpha?.successRate).toBeCloseTo((100 * 2) / 3, 10);
    expect(beta).toEqual({
      botId: "beta",
      totalJobs: 2,
      succeededJobs: 0,
      failedJobs: 0,
      avgDurationSeconds: 120,
      successRate: null, // no success and no failure: canceled jobs are not failures
      p50DurationSeconds: 120,
      p95DurationSeconds: 120,
    });
    expect(gamma).toEqual({
      botId: "gamma",
      totalJobs: 1,
      succeededJobs: 0,
      failedJobs: 0,
      avgDurationSeconds: null,
      successRate: null,
      p50DurationSeconds: null,
      p95DurationSeconds: null,
    });
  });

  it("agrees with the job_metrics_by_bot view", async () => {
    const view = await context.handle.query<Record<string, unknown>>(
      sql`SELECT bot_id, total_jobs, succeeded_jobs, failed_jobs, avg_duration_seconds, success_rate
          FROM job_metrics_by_bot ORDER BY bot_id COLLATE "C"`,
    );
    const metrics = await getBotMetrics(context.db);
    expect(
      metrics.map((row) => [
        row.botId,
        row.totalJobs,
        row.succeededJobs,
        row.failedJobs,
        row.avgDurationSeconds,
        row.successRate,
      ]),
    ).toEqual(
      view.map((row) => [
        row.bot_id,
        Number(row.total_jobs),
        Number(row.succeeded_jobs),
        Number(row.failed_jobs),
        row.avg_duration_seconds === null ? null : Number(row.avg_duration_seconds),
        row.success_rate === null ? null : Number(row.success_rate),
      ]),
    );
  });

  it("filters by bot", async () => {
    const metrics = await getBotMetrics(context.db, { botId: "beta" });
    expect(metrics.map((row) => [row.botId, row.totalJobs])).toEqual([["beta", 2]]);
    expect(await getBotMetrics(context.db, { botId: "nobody" })).toEqual([]);
  });

  it("counts the jobs accepted in [from, to)", async () => {
    // alpha's jobs accepted at minutes 10 and 20; the one at 30 is excluded (to is exclusive).
    const metrics = await getBotMetrics(context.db, { from: at(10), to: at(30) });
    expect(metrics).toEqual([
      {
        botId: "alpha",
        totalJobs: 2,
        succeededJobs: 1,
        failedJobs: 1,
        avgDurationSeconds: 210, // (120 + 300) / 2
        successRate: 50,
        p50DurationSeconds: 210,
        p95DurationSeconds: 291, // 120 + 0.95 × 180
      },
    ]);
    const later = await getBotMetrics(context.db, { from: at(40).toISOString() });
    expect(later.map((row) => [row.botId, row.totalJobs, row.avgDurationSeconds])).toEqual([
      ["alpha", 2, null],
      ["gamma", 1, null],
    ]);
  });

  it("answers a range on whole hours from the hourly rollup with the same figures", async () => {
    // [10:00, 11:00) holds every job but gamma's (accepted at 11:00, and `to` is exclusive).
    const metrics = await getBotMetrics(context.db, { from: at(0), to: at(60) });
    expect(metrics).toEqual([
      {
        botId: "alpha",
        totalJobs: 6,
        succeededJobs: 2,
        failedJobs: 1,
        avgDurationSeconds: 160, // (60 + 120 + 300) / 3
        successRate: 200 / 3,
        p50DurationSeconds: 120,
        p95DurationSeconds: 282, // 120 + 0.9 × 180, at position 0.95 × 2
      },
      {
        botId: "beta",
        totalJobs: 2,
        succeededJobs: 0,
        failedJobs: 0,
        avgDurationSeconds: 120,
        successRate: null,
        p50DurationSeconds: 120,
        p95DurationSeconds: 120,
      },
    ]);
    const fromEleven = await getBotMetrics(context.db, { from: at(60) });
    expect(fromEleven.map((row) => [row.botId, row.totalJobs, row.avgDurationSeconds])).toEqual([
      ["gamma", 1, null],
    ]);
  });

  it("leaves the percentiles out when asked, and nothing else changes", async () => {
    const withPercentiles = await getBotMetrics(context.db);
    const without = await getBotMetrics(context.db, {}, { percentiles: false });
    expect(without).toEqual(
      withPercentiles.map((row) => ({
        ...row,
        p50DurationSeconds: null,
        p95DurationSeconds: null,
      })),
    );
  });

  it("refuses a range that ends before it starts, naming the field", async () => {
    await expect(getBotMetrics(context.db, { from: at(10), to: at(10) })).rejects.toThrow(
      new ValidationError([{ field: "to", message: "must be later than from" }]),
    );
    await expect(getBotMetrics(context.db, { from: "last week" })).rejects.toThrow(
      /^from: not an ISO 8601/,
    );
  });
});
