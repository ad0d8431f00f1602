import type { DatabaseHandle } from "@forusbots/db";
import { plainJobMetricsByBotQuery, plainJobStageSummaryQuery } from "@forusbots/db/schema";
import {
  getBotMetrics,
  getJobTimeSeries,
  getJobWithStages,
  getRecentJobs,
  getStageSummary,
} from "@forusbots/queries";
import { sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/pg-core";
import { DATASET_END } from "./generate-jobs.ts";

/** One read of the queries package and the plain SQL it is measured against. */
export interface ReadCase {
  key:
    | "metrics"
    | "recent"
    | "stageSummary"
    | "jobDetail"
    | "timeSeriesDay"
    | "timeSeriesHour"
    | "timeSeriesHourCut"
    | "timeSeriesShort"
    | "metricsPercentiles"
    | "stageSummaryPercentiles";
  label: string;
  read: (run: number) => Promise<unknown>;
  baselineLabel: string;
  baseline: (run: number) => Promise<unknown>;
  /** The rollup-backed view, where there is one: what the read could cost at best. */
  view?: { label: string; read: () => Promise<unknown> };
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The reads of the issue, each beside the plain aggregate over the base tables (the views'
 * definitions before the rollups). `jobIds` are cycled through by the one-job read so that it
 * does not measure one cached page.
 */
export function readCases(handle: DatabaseHandle, days: number, jobIds: string[]): ReadCase[] {
  const { db } = handle;
  const qb = new QueryBuilder();
  const plainMetrics = plainJobMetricsByBotQuery(qb).getSQL();
  const plainStages = plainJobStageSummaryQuery(qb).getSQL();
  const jobIdAt = (run: number) => jobIds[run % jobIds.length] ?? "";
  const from = new Date(DATASET_END.getTime() - days * DAY_MS);
  const lastDay = new Date(DATASET_END.getTime() - DAY_MS);
  const halfPastEnd = new Date(DATASET_END.getTime() - HOUR_MS / 2);
  const halfPastLastDay = new Date(halfPastEnd.getTime() - DAY_MS);
  const lastTwentyMinutes = new Date(DATASET_END.getTime() - HOUR_MS / 3);
  const plainHourSeries = (start: Date, end: Date) =>
    handle.query(sql`SELECT date_trunc('hour', accepted_at, 'UTC') AS bucket, bot_id, state,
      count(*)::integer AS jobs FROM jobs
      WHERE accepted_at >= ${start.toISOString()} AND accepted_at < ${end.toISOString()}
      GROUP BY 1, 2, 3`);
  return [
    {
      key: "metrics",
      // The view's columns, as the target asks; percentiles sort every duration (BENCHMARKS.md).
      label: "getBotMetrics (all bots, no percentiles)",
      read: () => getBotMetrics(db, {}, { percentiles: false }),
      baselineLabel: "plainJobMetricsByBotQuery",
      baseline: () => handle.query(plainMetrics),
      view: {
        label: "SELECT * FROM job_metrics_by_bot",
        read: () => handle.query(sql`SELECT * FROM job_metrics_by_bot`),
      },
    },
    {
      key: "recent",
      label: "getRecentJobs (newest 100)",
      read: () => getRecentJobs(db),
      baselineLabel: "jobs ORDER BY accepted_at DESC LIMIT 100",
      baseline: () =>
        handle.query(sql`SELECT * FROM jobs ORDER BY accepted_at DESC, job_id DESC LIMIT 100`),
    },
    {
      key: "stageSummary",
      label: "getStageSummary (all stages, no percentiles)",
      read: () => getStageSummary(db, {}, { percentiles: false }),
      baselineLabel: "plainJobStageSummaryQuery",
      baseline: () => handle.query(plainStages),
      view: {
        label: "SELECT * FROM job_stage_summary",
        read: () => handle.query(sql`SELECT * FROM job_stage_summary`),
      },
    },
    {
      key: "jobDetail",
      label: "getJobWithStages (one job)",
      read: (run) => getJobWithStages(db, jobIdAt(run)),
      baselineLabel: "job by key + its stages (2 SELECTs)",
      baseline: async (run) => {
        const id = jobIdAt(run);
        await handle.query(sql`SELECT * FROM jobs WHERE job_id = ${id}`);
        return handle.query(
          sql`SELECT * FROM job_stages WHERE job_id = ${id} ORDER BY started_at, id`,
        );
      },
    },
    {
      key: "timeSeriesDay",
      label: `getJobTimeSeries (day buckets, ${days} days)`,
      read: () => getJobTimeSeries(db, { bucket: "day", from, to: DATASET_END }),
      baselineLabel: "GROUP BY day, bot, state over jobs",
      baseline: () =>
        handle.query(sql`SELECT date_trunc('day', accepted_at, 'UTC') AS bucket, bot_id, state,
          count(*)::integer AS jobs FROM jobs GROUP BY 1, 2, 3`),
    },
    {
      key: "timeSeriesHour",
      label: "getJobTimeSeries (hour buckets, last 24 h)",
      read: () => getJobTimeSeries(db, { bucket: "hour", from: lastDay, to: DATASET_END }),
      baselineLabel: "GROUP BY hour, bot, state, last 24 h",
      baseline: () => plainHourSeries(lastDay, DATASET_END),
    },
    // The same day starting half-way into an hour: 23 whole hours from the rollup, the half hours
    // at its ends from jobs.
    {
      key: "timeSeriesHourCut",
      label: "getJobTimeSeries (hour buckets, 24 h from :30)",
      read: () => getJobTimeSeries(db, { bucket: "hour", from: halfPastLastDay, to: halfPastEnd }),
      baselineLabel: "GROUP BY hour, bot, state, 24 h from :30",
      baseline: () => plainHourSeries(halfPastLastDay, halfPastEnd),
    },
    // Shorter than an hour: jobs alone.
    {
      key: "timeSeriesShort",
      label: "getJobTimeSeries (hour buckets, last 20 min)",
      read: () =>
        getJobTimeSeries(db, { bucket: "hour", from: lastTwentyMinutes, to: DATASET_END }),
      baselineLabel: "GROUP BY hour, bot, state, last 20 min",
      baseline: () => plainHourSeries(lastTwentyMinutes, DATASET_END),
    },
  ];
}
