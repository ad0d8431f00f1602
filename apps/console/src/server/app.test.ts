import { jobs } from "@forusbots/db/schema";
import { useTestDatabase } from "@forusbots/db/testing";
import { count } from "drizzle-orm";
import type { Hono } from "hono";
import { beforeAll, describe, expect, it } from "vitest";
import { ANY_HOST, TEST_READ_LIMITS } from "../../test/api-access.ts";
import {
  BULK_JOBS,
  bulkJobId,
  insertKnownAuditData,
  JOB,
  UNKNOWN_JOB,
} from "../../test/known-audit-data.ts";
import { createConsoleApp } from "./app.ts";
import { connectionOf } from "./database-connection.ts";

/** The figures of test/known-audit-data.ts, worked out by hand there and here. */
describe("console API on known data", () => {
  const test = useTestDatabase();
  let app: Hono;

  beforeAll(async () => {
    await insertKnownAuditData(test.db);
    app = createConsoleApp({
      connection: connectionOf(test.handle, TEST_READ_LIMITS),
      access: ANY_HOST,
      logError: () => {},
    });
  });

  async function get(path: string) {
    const response = await app.request(path);
    return { status: response.status, body: await response.json() };
  }

  it("names the database it reads", async () => {
    const { status, body } = await get("/api/status");
    expect(status).toBe(200);
    expect(body).toEqual({ database: test.handle.description, reachable: true, problem: null });
  });

  describe("GET /api/bots", () => {
    it("gives each bot's metrics over 1–7 March, ordered by bot", async () => {
      const { status, body } = await get("/api/bots?from=2026-03-01&to=2026-03-08");
      expect(status).toBe(200);
      expect(body.bots).toHaveLength(3);
      const [bulk, invoice, report] = body.bots;
      // bulk-bot: 26 queued jobs, none finished: no rate, no duration.
      expect(bulk).toEqual({
        botId: "bulk-bot",
        totalJobs: 26,
        succeededJobs: 0,
        failedJobs: 0,
        avgDurationSeconds: null,
        successRate: null,
        p50DurationSeconds: null,
        p95DurationSeconds: null,
      });
      // invoice-bot: 60 s, 120 s and 30 s runs; 2 of 3 finished jobs succeeded.
      expect(invoice).toMatchObject({
        botId: "invoice-bot",
        totalJobs: 3,
        succeededJobs: 2,
        failedJobs: 1,
      });
      expect(invoice.avgDurationSeconds).toBeCloseTo((60 + 120 + 30) / 3, 6);
      expect(invoice.successRate).toBeCloseTo((100 * 2) / 3, 6);
      // p95 interpolated over [30, 60, 120]: rank 0.95 × 2 = 1.9 → 60 + 0.9 × (120 − 60).
      expect(invoice.p95DurationSeconds).toBeCloseTo(114, 6);
      // report-bot: one 240 s success; the canceled job counts in the total but not in the rate.
      expect(report).toMatchObject({
        botId: "report-bot",
        totalJobs: 3,
        succeededJobs: 1,
        failedJobs: 0,
      });
      expect(report.avgDurationSeconds).toBeCloseTo(240, 6);
      expect(report.successRate).toBeCloseTo(100, 6);
      expect(report.p95DurationSeconds).toBeCloseTo(240, 6);
    });

    it("counts jobs accepted from `from` (included) to `to` (excluded)", async () => {
      // J2 was accepted at 10:00 exactly (in), J3 at 11:00 exactly (out).
      const { body } = await get("/api/bots?from=2026-03-02T10:00:00Z&to=2026-03-03T11:00:00Z");
      expect(body.bots).toHaveLength(1);
      expect(body.bots[0]).toMatchObject({ botId: "invoice-bot", totalJobs: 1, succeededJobs: 1 });
      expect(body.bots[0].avgDurationSeconds).toBeCloseTo(120, 6);
    });

    it("filters by bot", async () => {
      const { body } = await get("/api/bots?bot=report-bot");
      expect(body.bots.map((bot: { botId: string }) => bot.botId)).toEqual(["report-bot"]);
    });

    it("reads from and to as the CLI reads --from and --to", async () => {
      // J2 accepted at 10:00 UTC (in), J3 at 11:00 UTC the next day (out), however it is written.
      const ranges = [
        "from=2026-03-02T11:00:00%2B0100&to=2026-03-03T12:00:00%2B01:00",
        // A "+" left unescaped in a query string arrives as a space; it can only be the offset's.
        "from=2026-03-02T11:00:00+0100&to=2026-03-03T06:00-0500",
        "from=2026-03-02T10:00&to=2026-03-03T11:00:00",
        "from=2026-03-02t10:00:00z&to=2026-03-03T11:00:00.000Z",
      ];
      for (const range of ranges) {
        const { status, body } = await get(`/api/bots?${range}`);
        expect(status, range).toBe(200);
        expect(
          body.bots.map((bot: { botId: string; totalJobs: number }) => [bot.botId, bot.totalJobs]),
          range,
        ).toEqual([["invoice-bot", 1]]);
      }
    });

    it("counts relative times back from the request's now", async () => {
      // Fixed at 8 March 2026, 06:30 UTC: 7d is 1 March 06:30, yesterday 7 March, today 8 March.
      const clocked = createConsoleApp({
        connection: connectionOf(test.handle, TEST_READ_LIMITS),
        access: ANY_HOST,
        logError: () => {},
        now: () => new Date("2026-03-08T06:30:00Z"),
      });
      const getAt = async (path: string) => (await clocked.request(path)).json();
      const lastWeek = await getAt("/api/bots?from=7d&to=now");
      expect(lastWeek).toEqual(
        (await get("/api/bots?from=2026-03-01T06:30Z&to=2026-03-08T06:30Z")).body,
      );
      expect(lastWeek.bots.map((bot: { totalJobs: number }) => bot.totalJobs)).toEqual([26, 3, 3]);
      // From 3 March 06:30 (5 days back): J3, J4 and everything after.
      const lastDays = await getAt("/api/bots?from=120h&to=today");
      expect(lastDays.bots.map((bot: { totalJobs: number }) => bot.totalJobs)).toEqual([26, 1, 3]);
      const series = await getAt("/api/bots/time-series?from=yesterday&to=today&bucket=hour");
      expect(series).toMatchObject({
        from: "2026-03-07T00:00:00.000Z",
        to: "2026-03-08T00:00:00.000Z",
        points: [],
      });
    });

    it("refuses a malformed time, saying what it takes", async () => {
      const { status, body } = await get("/api/bots?from=last-week");
      expect(status).toBe(400);
      expect(body.error.kind).toBe("validation");
      expect(body.error.message).toBe(
        'query parameter from: expected a date (2026-03-01), an ISO timestamp (2026-03-01T12:00:00Z, +01:00 or +0100; without a zone, UTC), a time ago (30m, 24h, 7d, 2w), now, today or yesterday (got "last-week")',
      );
    });

    it("refuses a range that ends before it starts", async () => {
      const { status, body } = await get("/api/bots?from=2026-03-05&to=2026-03-01");
      expect(status).toBe(400);
      expect(body.error.message).toBe("query parameter to: must be later than from");
    });
  });

  describe("GET /api/bots/time-series", () => {
    it("counts jobs per day, bot and state", async () => {
      const { status, body } = await get(
        "/api/bots/time-series?from=2026-03-01&to=2026-03-08&bucket=day",
      );
      expect(status).toBe(200);
      const points = body.points
        .filter((point: { jobs: number }) => point.jobs > 0)
        .map((point: { bucketStart: string; botId: string; state: string; jobs: number }) => [
          point.bucketStart.slice(0, 10),
          point.botId,
          point.state,
          point.jobs,
        ])
        .sort();
      expect(points).toEqual(
        [
          ["2026-03-02", "invoice-bot", "succeeded", 2],
          ["2026-03-03", "invoice-bot", "failed", 1],
          ["2026-03-03", "report-bot", "succeeded", 1],
          ["2026-03-04", "report-bot", "queued", 1],
          ["2026-03-04", "report-bot", "canceled", 1],
          ["2026-03-05", "bulk-bot", "queued", 26],
        ].sort(),
      );
    });

    it("needs a range", async () => {
      const { status, body } = await get("/api/bots/time-series?to=2026-03-08");
      expect(status).toBe(400);
      expect(body.error.message).toBe("query parameter from: is required");
    });

    it("takes a series of up to 1000 buckets, hours or days", async () => {
      // 1 March to 11 April is 41 days: 984 hours.
      const hours = await get("/api/bots/time-series?from=2026-03-01&to=2026-04-11&bucket=hour");
      expect(hours.status).toBe(200);
      expect(hours.body.points).toHaveLength(7);
      // 1 January 2024 to 26 September 2026: 366 + 365 + 269 = 1,000 days.
      const days = await get("/api/bots/time-series?from=2024-01-01&to=2026-09-27&bucket=day");
      expect(days.status).toBe(200);
    });

    it("refuses a series of more buckets, as the queries would", async () => {
      // January and February 2026: 59 days, 1,416 hours.
      const hours = await get("/api/bots/time-series?from=2026-01-01&to=2026-03-01&bucket=hour");
      expect(hours.status).toBe(400);
      expect(hours.body.error.message).toBe(
        "query parameter to: spans 1416 hours; a series holds at most 1000 (ask for days, or a shorter range)",
      );
      const days = await get("/api/bots/time-series?from=2024-01-01&to=2026-09-28&bucket=day");
      expect(days.status).toBe(400);
      expect(days.body.error.message).toMatch(/^query parameter to: spans 1001 days;/);
    });

    it("refuses an unknown bucket", async () => {
      const { status, body } = await get(
        "/api/bots/time-series?from=2026-03-01&to=2026-03-08&bucket=week",
      );
      expect(status).toBe(400);
      expect(body.error.message).toBe('query parameter bucket: expected hour or day (got "week")');
    });
  });

  describe("GET /api/jobs", () => {
    it("lists newest first and pages further back with the cursor", async () => {
      const first = await get("/api/jobs?limit=25");
      expect(first.status).toBe(200);
      // The 25 newest are bulk jobs 25 down to 1 (accepted 00:25 … 00:01 on 5 March).
      expect(first.body.jobs.map((job: { jobId: string }) => job.jobId)).toEqual(
        Array.from({ length: 25 }, (_, index) => bulkJobId(BULK_JOBS - 1 - index)),
      );
      expect(typeof first.body.nextCursor).toBe("string");
      const second = await get(
        `/api/jobs?limit=25&before=${encodeURIComponent(first.body.nextCursor)}`,
      );
      expect(second.body.jobs.map((job: { jobId: string }) => job.jobId)).toEqual([
        bulkJobId(0),
        JOB.J6,
        JOB.J5,
        JOB.J4,
        JOB.J3,
        JOB.J2,
        JOB.J1,
      ]);
      expect(second.body.nextCursor).toBeNull();
    });

    it("filters by bot, with each job's duration and stage count", async () => {
      const { body } = await get("/api/jobs?bot=invoice-bot");
      expect(
        body.jobs.map((job: { jobId: string; durationSeconds: number; stageCount: number }) => [
          job.jobId,
          job.durationSeconds,
          job.stageCount,
        ]),
      ).toEqual([
        [JOB.J3, 30, 2],
        [JOB.J2, 120, 3],
        [JOB.J1, 60, 3],
      ]);
      expect(body.jobs[0]).toMatchObject({
        botId: "invoice-bot",
        state: "failed",
        acceptedAt: "2026-03-03T11:00:00.000Z",
        errorMessage: "portal rejected the upload",
      });
    });

    it("filters by state, and by bot and state together", async () => {
      const failed = await get("/api/jobs?state=failed");
      expect(failed.body.jobs.map((job: { jobId: string }) => job.jobId)).toEqual([JOB.J3]);
      const queued = await get("/api/jobs?bot=report-bot&state=queued");
      expect(queued.body.jobs.map((job: { jobId: string }) => job.jobId)).toEqual([JOB.J5]);
    });

    it("refuses an unknown state and a limit out of range", async () => {
      const state = await get("/api/jobs?state=done");
      expect(state.status).toBe(400);
      expect(state.body.error.message).toMatch(/^query parameter state: expected one of queued/);
      const limit = await get("/api/jobs?limit=101");
      expect(limit.status).toBe(400);
      expect(limit.body.error.message).toBe(
        'query parameter limit: expected a whole number from 1 to 100 (got "101")',
      );
    });
  });

  describe("GET /api/jobs/:jobId", () => {
    it("gives the job with its stages in the order they ran", async () => {
      const { status, body } = await get(`/api/jobs/${JOB.J3}`);
      expect(status).toBe(200);
      expect(body.job).toMatchObject({
        jobId: JOB.J3,
        botId: "invoice-bot",
        state: "failed",
        acceptedAt: "2026-03-03T11:00:00.000Z",
        startedAt: "2026-03-03T11:00:00.000Z",
        finishedAt: "2026-03-03T11:00:30.000Z",
        durationMs: 30_000,
        meta: { customer: "globex", pages: 12 },
        result: { partial: true, parsed: { pages: 4 } },
        createdBy: { name: "Grace", role: "scheduler", at: "2026-03-03T10:59:00Z" },
        errorMessage: "portal rejected the upload",
      });
      expect(
        body.job.stages.map((stage: { stageName: string; status: string; durationMs: number }) => [
          stage.stageName,
          stage.status,
          stage.durationMs,
        ]),
      ).toEqual([
        ["fetch", "succeed", 6_000],
        ["parse", "fail", 24_000],
      ]);
      expect(body.job.stages[1].error).toEqual({
        code: "E_PARSE",
        message: "unexpected end of file",
      });
    });

    it("answers 404 for an unknown job id", async () => {
      const { status, body } = await get(`/api/jobs/${UNKNOWN_JOB}`);
      expect(status).toBe(404);
      expect(body.error.kind).toBe("not_found");
      expect(body.error.message).toContain(UNKNOWN_JOB);
    });

    it("answers 400 for an id that is not a UUID", async () => {
      const { status, body } = await get("/api/jobs/not-a-uuid");
      expect(status).toBe(400);
      expect(body.error.kind).toBe("validation");
    });
  });

  describe("GET /api/stages", () => {
    it("summarises each stage name with its percentiles", async () => {
      const { status, body } = await get("/api/stages?from=2026-03-01&to=2026-03-08");
      expect(status).toBe(200);
      expect(body.percentilesOmitted).toBe(null);
      expect(body.stages.map((stage: { stageName: string }) => stage.stageName)).toEqual([
        "fetch",
        "parse",
        "upload",
      ]);
      const [fetch, parse, upload] = body.stages;
      // fetch: 10, 15, 6 and 41 s; sorted [6, 10, 15, 41] s.
      expect(fetch).toMatchObject({ totalRuns: 4, failedRuns: 0 });
      expect(fetch.avgDurationMs).toBeCloseTo(72_000 / 4, 6);
      expect(fetch.p50DurationMs).toBeCloseTo(10_000 + 0.5 * 5_000, 6); // rank 1.5
      expect(fetch.p95DurationMs).toBeCloseTo(15_000 + 0.85 * 26_000, 6); // rank 2.85
      // parse: 30, 60 and 24 s (the 24 s one failed); sorted [24, 30, 60] s.
      expect(parse).toMatchObject({ totalRuns: 3, failedRuns: 1 });
      expect(parse.avgDurationMs).toBeCloseTo(114_000 / 3, 6);
      expect(parse.p50DurationMs).toBeCloseTo(30_000, 6);
      expect(parse.p95DurationMs).toBeCloseTo(30_000 + 0.9 * 30_000, 6); // rank 1.9
      // upload: 20 and 44 s.
      expect(upload).toMatchObject({ totalRuns: 2, failedRuns: 0 });
      expect(upload.avgDurationMs).toBeCloseTo(32_000, 6);
      expect(upload.p50DurationMs).toBeCloseTo(32_000, 6);
      expect(upload.p95DurationMs).toBeCloseTo(20_000 + 0.95 * 24_000, 6); // rank 0.95
    });

    it("keeps the stages of one bot's jobs", async () => {
      // report-bot ran one stage: J4's 41 s fetch.
      const { body } = await get("/api/stages?bot=report-bot&from=2026-03-01&to=2026-03-08");
      expect(body.stages).toHaveLength(1);
      expect(body.stages[0]).toMatchObject({ stageName: "fetch", totalRuns: 1, failedRuns: 0 });
      expect(body.stages[0].avgDurationMs).toBeCloseTo(41_000, 6);
      expect(body.stages[0].p95DurationMs).toBeCloseTo(41_000, 6);
    });

    it("leaves p50 and p95 out of an open range or one over 366 days, saying why", async () => {
      const open = await get("/api/stages");
      expect(open.status).toBe(200);
      expect(open.body.percentilesOmitted).toBe(
        "p50 and p95 need a range (from and to) of at most 366 days",
      );
      // The counts and averages are still there, from the rollup: [6, 10, 15, 41] s for fetch.
      expect(open.body.stages[0]).toMatchObject({
        stageName: "fetch",
        totalRuns: 4,
        failedRuns: 0,
        p50DurationMs: null,
        p95DurationMs: null,
      });
      expect(open.body.stages[0].avgDurationMs).toBeCloseTo(18_000, 6);
      // 2025-03-01 to 2026-03-08: 372 days.
      const long = await get("/api/stages?from=2025-03-01&to=2026-03-08");
      expect(long.body.percentilesOmitted).toBe(
        "p50 and p95 are computed over at most 366 days (this range spans 372)",
      );
      expect(long.body.stages.map((stage: { p95DurationMs: null }) => stage.p95DurationMs)).toEqual(
        [null, null, null],
      );
      const bots = await get("/api/bots");
      expect(bots.body.percentilesOmitted).toBe(
        "p50 and p95 need a range (from and to) of at most 366 days",
      );
      expect(
        bots.body.bots.map((bot: { botId: string; totalJobs: number }) => bot.totalJobs),
      ).toEqual([26, 3, 3]);
      expect(
        bots.body.bots.every(
          (bot: { p95DurationSeconds: null }) => bot.p95DurationSeconds === null,
        ),
      ).toBe(true);
    });

    it("keeps the stages started in [from, to)", async () => {
      // 3 March: J3's fetch (6 s) and failed parse (24 s), J4's fetch (41 s).
      const { body } = await get("/api/stages?from=2026-03-03&to=2026-03-04");
      const [fetch, parse] = body.stages;
      expect(body.stages).toHaveLength(2);
      expect(fetch).toMatchObject({ stageName: "fetch", totalRuns: 2, failedRuns: 0 });
      expect(fetch.avgDurationMs).toBeCloseTo((6_000 + 41_000) / 2, 6);
      expect(parse).toMatchObject({ stageName: "parse", totalRuns: 1, failedRuns: 1 });
    });

    it("filters by stage name", async () => {
      const { body } = await get("/api/stages?name=upload");
      expect(body.stages.map((stage: { stageName: string }) => stage.stageName)).toEqual([
        "upload",
      ]);
    });
  });

  describe("read-only", () => {
    it.each(["POST", "PUT", "PATCH", "DELETE"])(
      "refuses %s with 405 and changes nothing",
      async (method) => {
        for (const path of ["/api/jobs", `/api/jobs/${JOB.J1}`, "/api/bots", "/"]) {
          const response = await app.request(path, { method, body: "{}" });
          expect(response.status).toBe(405);
          expect(response.headers.get("Allow")).toBe("GET, HEAD");
        }
        const [row] = await test.db.select({ jobs: count() }).from(jobs);
        expect(row?.jobs).toBe(6 + BULK_JOBS);
      },
    );

    it("answers an unknown API path with a JSON 404", async () => {
      const { status, body } = await get("/api/nothing-here");
      expect(status).toBe(404);
      expect(body.error).toEqual({ kind: "not_found", message: "no API route /api/nothing-here" });
    });
  });
});
