import { asc, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../testing/index.ts";
import { botMetrics, latestJobs, stageMetrics } from "./aliases.ts";
import { jobStages } from "./job-stages.ts";
import { jobs, type NewJob } from "./jobs.ts";
import { jobMetricsByBot, jobStageSummary, recentJobs } from "./views.ts";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const at = (time: string) => new Date(`2026-03-01T${time}Z`);

/**
 * Fixture, with what each view must say worked out by hand:
 *   bot-a  j1 succeeded 10:00:10→10:00:40 (30 s)   j2 failed 10:01:00→10:01:10 (10 s)
 *          j3 succeeded 10:02:00→10:02:20 (20 s)   j4 canceled while queued (no start)
 *          j5 running since 10:04:01
 *   bot-b  j6 queued                               j7 canceled after running 10:06:00→10:06:02 (2 s)
 */
const fixtureJobs: NewJob[] = [
  {
    jobId: id(1),
    botId: "bot-a",
    state: "succeeded",
    acceptedAt: at("10:00:00"),
    startedAt: at("10:00:10"),
    finishedAt: at("10:00:40"),
  },
  {
    jobId: id(2),
    botId: "bot-a",
    state: "failed",
    acceptedAt: at("10:01:00"),
    startedAt: at("10:01:00"),
    finishedAt: at("10:01:10"),
    errorMessage: "form rejected",
  },
  {
    jobId: id(3),
    botId: "bot-a",
    state: "succeeded",
    acceptedAt: at("10:02:00"),
    startedAt: at("10:02:00"),
    finishedAt: at("10:02:20"),
  },
  {
    jobId: id(4),
    botId: "bot-a",
    state: "canceled",
    acceptedAt: at("10:03:00"),
    finishedAt: at("10:03:05"),
  },
  {
    jobId: id(5),
    botId: "bot-a",
    state: "running",
    acceptedAt: at("10:04:00"),
    startedAt: at("10:04:01"),
  },
  { jobId: id(6), botId: "bot-b", state: "queued", acceptedAt: at("10:05:00") },
  {
    jobId: id(7),
    botId: "bot-b",
    state: "canceled",
    acceptedAt: at("10:06:00"),
    startedAt: at("10:06:00"),
    finishedAt: at("10:06:02"),
  },
];

const stage = (
  job: number,
  stageName: string,
  start: string,
  end: string | null,
  status: "succeed" | "fail",
) => ({
  jobId: id(job),
  stageName,
  startedAt: at(start),
  endedAt: end === null ? null : at(end),
  status,
});

const fixtureStages = [
  stage(1, "login", "10:00:10", "10:00:12", "succeed"), // 2000 ms
  stage(1, "fill-form", "10:00:12", "10:00:20", "succeed"), // 8000 ms
  stage(1, "submit", "10:00:20", "10:00:40", "succeed"), // 20000 ms
  stage(2, "login", "10:01:00", "10:01:03", "succeed"), // 3000 ms
  stage(2, "fill-form", "10:01:03", "10:01:10", "fail"), // 7000 ms
  stage(3, "login", "10:02:00", "10:02:01.500", "succeed"), // 1500 ms
  stage(5, "upload", "10:04:01", null, "fail"), // no end: no duration
];

describe("views on hand-worked fixture data", () => {
  const context = useTestDatabase();
  beforeAll(async () => {
    await context.db.insert(jobs).values(fixtureJobs);
    await context.db.insert(jobStages).values(fixtureStages);
  });

  it("job_metrics_by_bot counts states, averages durations and leaves canceled jobs out of the rate", async () => {
    const rows = await context.db
      .select()
      .from(jobMetricsByBot)
      .orderBy(asc(jobMetricsByBot.botId));
    expect(rows).toEqual([
      // avg over j1, j2, j3 = (30 + 10 + 20) / 3; rate = 2 succeeded / (2 + 1 failed)
      {
        botId: "bot-a",
        totalJobs: 5,
        succeededJobs: 2,
        failedJobs: 1,
        avgDurationSeconds: 20,
        successRate: (100 * 2) / 3,
      },
      // only j7 has both timestamps; no succeeded or failed job, so no rate
      {
        botId: "bot-b",
        totalJobs: 2,
        succeededJobs: 0,
        failedJobs: 0,
        avgDurationSeconds: 2,
        successRate: null,
      },
    ]);
  });

  it("job_stage_summary counts runs and failures and averages milliseconds", async () => {
    const rows = await context.db
      .select()
      .from(jobStageSummary)
      .orderBy(asc(jobStageSummary.stageName));
    expect(rows).toEqual([
      { stageName: "fill-form", totalRuns: 2, failedRuns: 1, avgDurationMs: 7500 },
      { stageName: "login", totalRuns: 3, failedRuns: 0, avgDurationMs: 6500 / 3 },
      { stageName: "submit", totalRuns: 1, failedRuns: 0, avgDurationMs: 20000 },
      { stageName: "upload", totalRuns: 1, failedRuns: 1, avgDurationMs: null },
    ]);
  });

  it("recent_jobs lists newest first with duration_seconds and stage_count", async () => {
    const rows = await context.db.select().from(recentJobs);
    expect(
      rows.map((row) => [row.jobId, row.durationSeconds, row.durationMs, row.stageCount]),
    ).toEqual([
      [id(7), 2, 2000, 0],
      [id(6), null, null, 0],
      [id(5), null, null, 1],
      [id(4), null, null, 0],
      [id(3), 20, 20000, 1],
      [id(2), 10, 10000, 2],
      [id(1), 30, 30000, 3],
    ]);
    expect(rows[5]).toMatchObject({
      botId: "bot-a",
      state: "failed",
      errorMessage: "form rejected",
      meta: {},
    });
  });

  it("the alias views return exactly what their views return", async () => {
    const pairs = [
      ["bot_metrics", "job_metrics_by_bot"],
      ["latest_jobs", "recent_jobs"],
      ["stage_metrics", "job_stage_summary"],
    ] as const;
    for (const [alias, view] of pairs) {
      const aliasRows = await context.handle.query(
        sql`SELECT * FROM ${sql.identifier(alias)} ORDER BY 1`,
      );
      const viewRows = await context.handle.query(
        sql`SELECT * FROM ${sql.identifier(view)} ORDER BY 1`,
      );
      expect(aliasRows.length).toBeGreaterThan(0);
      expect(aliasRows).toEqual(viewRows);
    }
    expect(await context.db.select().from(botMetrics)).toHaveLength(2);
    expect(await context.db.select().from(latestJobs)).toHaveLength(7);
    expect(await context.db.select().from(stageMetrics)).toHaveLength(4);
  });

  it("recent_jobs keeps only the 100 newest", async () => {
    // 101 newer jobs of another bot push every fixture job and the oldest new one out.
    const newer: NewJob[] = Array.from({ length: 101 }, (_, n) => ({
      jobId: id(1000 + n),
      botId: "bot-bulk",
      acceptedAt: new Date(Date.UTC(2026, 2, 2, 0, 0, n)),
    }));
    await context.db.insert(jobs).values(newer);
    const rows = await context.db.select({ jobId: recentJobs.jobId }).from(recentJobs);
    expect(rows).toHaveLength(100);
    expect(rows[0]?.jobId).toBe(id(1100));
    expect(rows[99]?.jobId).toBe(id(1001));
  });
});
