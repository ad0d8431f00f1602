import { randomUUID } from "node:crypto";
import type { DatabaseHandle } from "@forusbots/db";
import { plainJobMetricsByBotQuery, plainJobStageSummaryQuery } from "@forusbots/db/schema";
import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { type SQL, sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BatchItem, writeEvents } from "../ingest/write-events.ts";
import type { AuditRecorder } from "../recorder/audit-recorder.ts";
import { createAuditRecorder } from "../recorder/recorder.ts";
import { openInZone } from "../testing/open-in-zone.ts";
import { getBotMetrics } from "./bot-metrics.ts";
import { getJobTimeSeries } from "./job-time-series.ts";

// Every other test database runs in UTC, where date_trunc('hour', t) and date_trunc('hour', t,
// 'UTC') agree; a server in another zone is where they part. Here the database's own time zone
// is set (on PostgreSQL for the database, so every pooled connection has it; on PGlite for its
// one session), jobs are written through writeEvents and the recorder, and rollups, time series
// and metrics are checked against values worked out by hand in UTC.

const utc = (text: string) => new Date(`${text}Z`);
const plus = (date: Date, seconds: number) => new Date(date.getTime() + seconds * 1000);

interface PlannedJob {
  /** Written by `writeEvents` (bot "ingest") or by the recorder (bot "recorder"). */
  via: "ingest" | "recorder";
  accepted: string;
  started?: string;
  finished?: { state: "succeeded" | "failed"; at: string };
}

interface Expected {
  /** bot_job_hourly rows: bot, UTC hour, queued, succeeded, failed, timed jobs, seconds. */
  hourly: [string, string, number, number, number, number, number][];
  /** Time series for the zone's day in UTC: bucket, bot, state, jobs. */
  hours: [string, string, string, number][];
  days: [string, string, string, number][];
  dayFrom: string;
  dayTo: string;
  /** A range on whole hours (read from the rollup) and one that cuts hours (read from jobs). */
  wholeHours: { from: string; to: string; metrics: Metric[] };
  cutHours: { from: string; to: string; metrics: Metric[] };
}

/** bot, total, succeeded, failed, average seconds, success rate. */
type Metric = [string, number, number, number, number | null, number | null];

interface Zone {
  name: string;
  why: string;
  jobs: PlannedJob[];
  expected: Expected;
}

const ZONES: Zone[] = [
  {
    name: "Asia/Kolkata",
    why: "UTC+05:30: its local hours start at :30 UTC, its day at 18:30 UTC",
    jobs: [
      // 16:45 IST; a local hour would file it under 10:30Z.
      {
        via: "ingest",
        accepted: "2024-01-15T10:45:00",
        started: "2024-01-15T10:46:00",
        finished: { state: "failed", at: "2024-01-15T10:56:00" },
      },
      // 15:45 IST: local hour 09:30Z.
      {
        via: "ingest",
        accepted: "2024-01-15T10:15:00",
        started: "2024-01-15T10:16:00",
        finished: { state: "succeeded", at: "2024-01-15T10:20:00" },
      },
      // 00:10 IST on the 16th: a local day would move it to the next day.
      { via: "ingest", accepted: "2024-01-15T18:40:00" },
      {
        via: "recorder",
        accepted: "2024-01-15T10:50:00",
        started: "2024-01-15T10:51:00",
        finished: { state: "succeeded", at: "2024-01-15T11:01:00" },
      },
      // 16:59:59 IST.
      {
        via: "recorder",
        accepted: "2024-01-15T11:29:59",
        started: "2024-01-15T11:30:00",
        finished: { state: "failed", at: "2024-01-15T11:32:00" },
      },
    ],
    expected: {
      hourly: [
        ["ingest", "2024-01-15T10:00:00", 0, 1, 1, 2, 840],
        ["ingest", "2024-01-15T18:00:00", 1, 0, 0, 0, 0],
        ["recorder", "2024-01-15T10:00:00", 0, 1, 0, 1, 600],
        ["recorder", "2024-01-15T11:00:00", 0, 0, 1, 1, 120],
      ],
      hours: [
        ["2024-01-15T10:00:00", "ingest", "failed", 1],
        ["2024-01-15T10:00:00", "ingest", "succeeded", 1],
        ["2024-01-15T10:00:00", "recorder", "succeeded", 1],
        ["2024-01-15T11:00:00", "recorder", "failed", 1],
        ["2024-01-15T18:00:00", "ingest", "queued", 1],
      ],
      days: [
        ["2024-01-15T00:00:00", "ingest", "failed", 1],
        ["2024-01-15T00:00:00", "ingest", "queued", 1],
        ["2024-01-15T00:00:00", "ingest", "succeeded", 1],
        ["2024-01-15T00:00:00", "recorder", "failed", 1],
        ["2024-01-15T00:00:00", "recorder", "succeeded", 1],
      ],
      dayFrom: "2024-01-15T00:00:00",
      dayTo: "2024-01-17T00:00:00",
      wholeHours: {
        from: "2024-01-15T10:00:00",
        to: "2024-01-15T11:00:00",
        metrics: [
          // (240 + 600) / 2 s; 1 of 2 finished succeeded.
          ["ingest", 2, 1, 1, 420, 50],
          ["recorder", 1, 1, 0, 600, 100],
        ],
      },
      cutHours: {
        from: "2024-01-15T10:30:00",
        to: "2024-01-15T11:30:00",
        metrics: [
          ["ingest", 1, 0, 1, 600, 0],
          ["recorder", 2, 1, 1, 360, 50],
        ],
      },
    },
  },
  {
    name: "America/New_York",
    why: "clocks spring forward at 07:00Z on 2024-03-10 (02:00 EST becomes 03:00 EDT)",
    jobs: [
      // 01:30 EST to 03:10 EDT: 39 minutes, though the wall clock moved 1 h 40 min.
      {
        via: "ingest",
        accepted: "2024-03-10T06:30:00",
        started: "2024-03-10T06:31:00",
        finished: { state: "succeeded", at: "2024-03-10T07:10:00" },
      },
      {
        via: "ingest",
        accepted: "2024-03-10T07:30:00",
        started: "2024-03-10T07:31:00",
        finished: { state: "failed", at: "2024-03-10T07:33:00" },
      },
      // 22:00 EST on the 9th: a local day would move it to the day before.
      { via: "ingest", accepted: "2024-03-10T03:00:00" },
      // The last second before the switch and the first instant after it.
      {
        via: "recorder",
        accepted: "2024-03-10T06:59:59",
        started: "2024-03-10T07:00:00",
        finished: { state: "succeeded", at: "2024-03-10T07:00:30" },
      },
      {
        via: "recorder",
        accepted: "2024-03-10T07:00:00",
        started: "2024-03-10T07:00:01",
        finished: { state: "failed", at: "2024-03-10T07:01:01" },
      },
    ],
    expected: {
      hourly: [
        ["ingest", "2024-03-10T03:00:00", 1, 0, 0, 0, 0],
        ["ingest", "2024-03-10T06:00:00", 0, 1, 0, 1, 2340],
        ["ingest", "2024-03-10T07:00:00", 0, 0, 1, 1, 120],
        ["recorder", "2024-03-10T06:00:00", 0, 1, 0, 1, 30],
        ["recorder", "2024-03-10T07:00:00", 0, 0, 1, 1, 60],
      ],
      hours: [
        ["2024-03-10T03:00:00", "ingest", "queued", 1],
        ["2024-03-10T06:00:00", "ingest", "succeeded", 1],
        ["2024-03-10T06:00:00", "recorder", "succeeded", 1],
        ["2024-03-10T07:00:00", "ingest", "failed", 1],
        ["2024-03-10T07:00:00", "recorder", "failed", 1],
      ],
      days: [
        ["2024-03-10T00:00:00", "ingest", "failed", 1],
        ["2024-03-10T00:00:00", "ingest", "queued", 1],
        ["2024-03-10T00:00:00", "ingest", "succeeded", 1],
        ["2024-03-10T00:00:00", "recorder", "failed", 1],
        ["2024-03-10T00:00:00", "recorder", "succeeded", 1],
      ],
      dayFrom: "2024-03-09T00:00:00",
      dayTo: "2024-03-11T00:00:00",
      wholeHours: {
        from: "2024-03-10T06:00:00",
        to: "2024-03-10T07:00:00",
        metrics: [
          ["ingest", 1, 1, 0, 2340, 100],
          ["recorder", 1, 1, 0, 30, 100],
        ],
      },
      cutHours: {
        from: "2024-03-10T06:30:00",
        to: "2024-03-10T07:30:00",
        metrics: [
          // The 07:30 job is at `to`, excluded.
          ["ingest", 1, 1, 0, 2340, 100],
          ["recorder", 2, 1, 1, 45, 50],
        ],
      },
    },
  },
];

/** The job's events in order: accepted, started, one stage, finished. */
function eventsOf(jobId: string, job: PlannedJob): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [
    { type: "job.accepted", jobId, botId: job.via, at: utc(job.accepted).toISOString() },
  ];
  if (job.started) {
    const started = utc(job.started);
    events.push({ type: "job.started", jobId, at: started.toISOString() });
    events.push({
      type: "stage",
      jobId,
      stageName: "login",
      startedAt: started.toISOString(),
      endedAt: plus(started, 10).toISOString(),
      status: job.finished?.state === "failed" ? "fail" : "succeed",
    });
  }
  if (job.finished) {
    events.push({
      type: "job.finished",
      jobId,
      state: job.finished.state,
      at: utc(job.finished.at).toISOString(),
    });
  }
  return events;
}

/** The same job as `eventsOf` gives, through the recorder's calls; what each call answered. */
async function recordWithRecorder(
  recorder: AuditRecorder,
  jobId: string,
  job: PlannedJob,
): Promise<string[]> {
  const outcomes = [await recorder.acceptJob({ jobId, botId: job.via, at: utc(job.accepted) })];
  if (job.started) {
    const started = utc(job.started);
    outcomes.push(await recorder.startJob({ jobId, at: started }));
    outcomes.push(
      await recorder.recordStage({
        jobId,
        stageName: "login",
        startedAt: started,
        endedAt: plus(started, 10),
        status: job.finished?.state === "failed" ? "fail" : "succeed",
      }),
    );
  }
  if (job.finished) {
    outcomes.push(
      await recorder.finishJob({ jobId, state: job.finished.state, at: utc(job.finished.at) }),
    );
  }
  return outcomes;
}

const plain = new QueryBuilder();

for (const zone of ZONES) {
  describe(`a database in ${zone.name} (${zone.why})`, () => {
    let database: TestDatabase;
    let handle: DatabaseHandle;
    beforeAll(async () => {
      database = await createTestDatabase();
      handle = await openInZone(database, zone.name);
      const items: BatchItem[] = [];
      const recorder = createAuditRecorder(handle.db, { enabled: true });
      for (const job of zone.jobs) {
        const jobId = randomUUID();
        if (job.via === "ingest") {
          for (const event of eventsOf(jobId, job))
            items.push({ position: items.length + 1, event });
          continue;
        }
        const outcomes = await recordWithRecorder(recorder, jobId, job);
        expect(new Set(outcomes)).toEqual(new Set(["stored"]));
      }
      const report = await writeEvents(handle.db, items);
      expect(report).toEqual({ stored: items.length, unchanged: 0, rejected: [] });
    });
    afterAll(async () => {
      await handle?.close();
      await database?.dispose();
    });

    const rows = (statement: SQL) => handle.query(statement);

    it("runs its sessions in that zone (the premise of the tests below)", async () => {
      expect(await rows(sql`SELECT current_setting('TimeZone') AS zone`)).toEqual([
        { zone: zone.name },
      ]);
    });

    it("files each job under its UTC hour in bot_job_hourly (hand-computed)", async () => {
      const hourly = await handle.query<Record<string, unknown>>(sql`
          SELECT bot_id, hour, queued_jobs, succeeded_jobs, failed_jobs, timed_jobs,
                 duration_seconds_sum::float8 AS seconds
          FROM bot_job_hourly WHERE queued_jobs + running_jobs + succeeded_jobs + failed_jobs + canceled_jobs > 0
          ORDER BY bot_id, hour`);
      expect(
        hourly.map((row) => [
          row.bot_id,
          new Date(row.hour as string | Date).toISOString(),
          row.queued_jobs,
          row.succeeded_jobs,
          row.failed_jobs,
          row.timed_jobs,
          row.seconds,
        ]),
      ).toEqual(
        zone.expected.hourly.map(([bot, hour, ...counts]) => [
          bot,
          utc(hour).toISOString(),
          ...counts,
        ]),
      );
    });

    it("keeps the rollup-backed views equal to the plain aggregates", async () => {
      expect(await rows(sql`SELECT * FROM job_metrics_by_bot ORDER BY 1`)).toEqual(
        await rows(sql`${plainJobMetricsByBotQuery(plain).getSQL()} ORDER BY 1`),
      );
      expect(await rows(sql`SELECT * FROM job_stage_summary ORDER BY 1`)).toEqual(
        await rows(sql`${plainJobStageSummaryQuery(plain).getSQL()} ORDER BY 1`),
      );
    });

    it("gives the same UTC hour and day series from the rollup (whole hours) and from jobs (cut hours)", async () => {
      const points = (
        series: { bucketStart: Date; botId: string; state: string; jobs: number }[],
      ) =>
        series.map((point) => [
          point.bucketStart.toISOString(),
          point.botId,
          point.state,
          point.jobs,
        ]);
      const expected = (list: [string, string, string, number][]) =>
        list.map(([bucket, ...rest]) => [utc(bucket).toISOString(), ...rest]);
      const from = utc(zone.expected.dayFrom);
      const to = utc(zone.expected.dayTo);
      for (const bucket of ["hour", "day"] as const) {
        const want = expected(bucket === "hour" ? zone.expected.hours : zone.expected.days);
        // Whole UTC hours: summed from bot_job_hourly.
        expect(points(await getJobTimeSeries(handle.db, { bucket, from, to }))).toEqual(want);
        // A second off a whole hour: counted from jobs.
        expect(
          points(await getJobTimeSeries(handle.db, { bucket, from: plus(from, 1), to })),
        ).toEqual(want);
      }
    });

    it("answers bot metrics for a range on whole UTC hours and for one that cuts hours", async () => {
      for (const range of [zone.expected.wholeHours, zone.expected.cutHours]) {
        const metrics = await getBotMetrics(
          handle.db,
          { from: utc(range.from), to: utc(range.to) },
          { percentiles: false },
        );
        expect(
          metrics.map((row) => [
            row.botId,
            row.totalJobs,
            row.succeededJobs,
            row.failedJobs,
            row.avgDurationSeconds,
            row.successRate,
          ]),
        ).toEqual(range.metrics);
      }
    });
  });
}
