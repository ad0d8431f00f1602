import type { AuditDb } from "@forusbots/db";
import { hourlyBotMetricColumns, plainBotMetricColumns } from "@forusbots/db/metric-sql";
import { botJobHourly, jobMetricsByBot, jobs } from "@forusbots/db/schema";
import { and, eq, sql } from "drizzle-orm";
import { withDatabaseErrors } from "../errors.ts";
import { parseOptions } from "../events/parse.ts";
import {
  type DurationPercentiles,
  readBotPercentilesAllTime,
  sortedPercentileColumns,
} from "./duration-percentiles.ts";
import { byteOrder, type RangeFilter, rangeConditions, rangeFilterSchema } from "./filters.ts";
import { isOnWholeHours, type ReadOptions } from "./read-options.ts";
import { nullableNumber } from "./sql-numbers.ts";

/** One bot's figures: the `job_metrics_by_bot` view's columns, plus duration percentiles. */
export interface BotMetrics {
  botId: string;
  totalJobs: number;
  succeededJobs: number;
  failedJobs: number;
  /** Mean of finished_at − started_at over jobs having both; null when none has. */
  avgDurationSeconds: number | null;
  /** 100 × succeeded / (succeeded + failed); null when neither (canceled jobs are not failures). */
  successRate: number | null;
  /**
   * Percentiles (percentile_cont) of `duration_ms`, the whole milliseconds the table stores and
   * indexes, in seconds; null when none has a duration, or when percentiles were not asked for.
   */
  p50DurationSeconds: number | null;
  p95DurationSeconds: number | null;
}

export type BotMetricsFilter = RangeFilter;

type BotCounts = Omit<BotMetrics, "p50DurationSeconds" | "p95DurationSeconds">;

/** Milliseconds as seconds: the division percentile_cont(…) / 1000.0 performs in SQL. */
const inSeconds = (milliseconds: number | null | undefined): number | null =>
  milliseconds === null || milliseconds === undefined ? null : milliseconds / 1000;

/**
 * Per-bot metrics, ordered by bot id, for the jobs accepted in [from, to) (all jobs when the
 * range is open).
 *
 * Counts, average and success rate come from the rollups when they can: the `job_metrics_by_bot`
 * view for all time, `bot_job_hourly` for a range on whole hours; the base table only for a range
 * that cuts an hour. All three use the same arithmetic, so the figures are equal to the last bit
 * whichever answers. Percentiles over all time walk the `(bot_id, duration_ms)` index to the
 * rows they need, counted by the rollup (duration-percentiles.ts); over a range they sort the
 * range's durations. Pass `{ percentiles: false }` when they are not shown.
 */
export async function getBotMetrics(
  db: AuditDb,
  filter: BotMetricsFilter = {},
  options: ReadOptions = {},
): Promise<BotMetrics[]> {
  const { botId, ...range } = parseOptions(rangeFilterSchema, filter);
  return withDatabaseErrors(async () => {
    const counts = await readCounts(db, botId, range);
    if (options.percentiles === false || counts.length === 0) {
      return counts.map((row) => ({ ...row, p50DurationSeconds: null, p95DurationSeconds: null }));
    }
    const percentiles =
      range.from === undefined && range.to === undefined
        ? await readBotPercentilesAllTime(db, botId)
        : await readPercentiles(db, botId, range);
    return counts.map((row) => ({
      ...row,
      p50DurationSeconds: inSeconds(percentiles.get(row.botId)?.p50),
      p95DurationSeconds: inSeconds(percentiles.get(row.botId)?.p95),
    }));
  });
}

function readCounts(
  db: AuditDb,
  botId: string | undefined,
  range: { from?: Date; to?: Date },
): Promise<BotCounts[]> {
  if (range.from === undefined && range.to === undefined) {
    return db
      .select({
        botId: jobMetricsByBot.botId,
        totalJobs: jobMetricsByBot.totalJobs,
        succeededJobs: jobMetricsByBot.succeededJobs,
        failedJobs: jobMetricsByBot.failedJobs,
        avgDurationSeconds: nullableNumber(sql`${jobMetricsByBot.avgDurationSeconds}`),
        successRate: nullableNumber(sql`${jobMetricsByBot.successRate}`),
      })
      .from(jobMetricsByBot)
      .where(botId === undefined ? undefined : eq(jobMetricsByBot.botId, botId))
      .orderBy(byteOrder(jobMetricsByBot.botId));
  }
  if (isOnWholeHours(range)) {
    const h = botJobHourly;
    const figures = hourlyBotMetricColumns(h);
    return (
      db
        .select({
          botId: h.botId,
          totalJobs: figures.totalJobs.mapWith(Number),
          succeededJobs: figures.succeededJobs.mapWith(Number),
          failedJobs: figures.failedJobs.mapWith(Number),
          avgDurationSeconds: nullableNumber(figures.avgDurationSeconds),
          successRate: nullableNumber(figures.successRate),
        })
        .from(h)
        .where(
          and(
            botId === undefined ? undefined : eq(h.botId, botId),
            ...rangeConditions(h.hour, range),
          ),
        )
        .groupBy(h.botId)
        // Hours whose jobs were all updated away or deleted stay as zero rows.
        .having(sql`${hourlyBotMetricColumns(h).totalJobs} > 0`)
        .orderBy(byteOrder(h.botId))
    );
  }
  const figures = plainBotMetricColumns();
  return db
    .select({
      botId: jobs.botId,
      totalJobs: figures.totalJobs.mapWith(Number),
      succeededJobs: figures.succeededJobs.mapWith(Number),
      failedJobs: figures.failedJobs.mapWith(Number),
      avgDurationSeconds: nullableNumber(figures.avgDurationSeconds),
      successRate: nullableNumber(figures.successRate),
    })
    .from(jobs)
    .where(jobConditions(botId, range))
    .groupBy(jobs.botId)
    .orderBy(byteOrder(jobs.botId));
}

/** Over a range: the range's durations, sorted (the index walk cannot skip the jobs outside it). */
async function readPercentiles(
  db: AuditDb,
  botId: string | undefined,
  range: { from?: Date; to?: Date },
): Promise<Map<string, DurationPercentiles>> {
  const rows = await db
    .select({
      botId: jobs.botId,
      ...sortedPercentileColumns(jobs.durationMs),
    })
    .from(jobs)
    .where(and(jobConditions(botId, range), sql`${jobs.durationMs} IS NOT NULL`))
    .groupBy(jobs.botId);
  return new Map(rows.map((row) => [row.botId, { p50: row.p50, p95: row.p95 }]));
}

const jobConditions = (botId: string | undefined, range: { from?: Date; to?: Date }) =>
  and(
    botId === undefined ? undefined : eq(jobs.botId, botId),
    ...rangeConditions(jobs.acceptedAt, range),
  );
