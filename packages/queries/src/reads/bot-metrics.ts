import type { AuditDb } from "@forusbots/db";
import {
  hourlyBotMetricColumns,
  percentileOf,
  plainBotMetricColumns,
  secondsBetween,
} from "@forusbots/db/metric-sql";
import { botJobHourly, jobMetricsByBot, jobs } from "@forusbots/db/schema";
import { and, eq, sql } from "drizzle-orm";
import { withDatabaseErrors } from "../errors.ts";
import { parseWith } from "../events/parse.ts";
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
  /** Null when none has a duration, or when percentiles were not asked for. */
  p50DurationSeconds: number | null;
  p95DurationSeconds: number | null;
}

export type BotMetricsFilter = RangeFilter;

type BotCounts = Omit<BotMetrics, "p50DurationSeconds" | "p95DurationSeconds">;

const durationPercentiles = () => {
  const durationSeconds = secondsBetween(jobs.startedAt, jobs.finishedAt);
  return {
    p50: nullableNumber(percentileOf(0.5, durationSeconds)),
    p95: nullableNumber(percentileOf(0.95, durationSeconds)),
  };
};

/**
 * Per-bot metrics, ordered by bot id, for the jobs accepted in [from, to) (all jobs when the
 * range is open).
 *
 * Counts, average and success rate come from the rollups when they can: the `job_metrics_by_bot`
 * view for all time, `bot_job_hourly` for a range on whole hours; the base table only for a range
 * that cuts an hour. All three use the same arithmetic, so the figures are equal to the last bit
 * whichever answers. Percentiles need every duration, so they always read `jobs`; pass
 * `{ percentiles: false }` when they are not shown.
 */
export async function getBotMetrics(
  db: AuditDb,
  filter: BotMetricsFilter = {},
  options: ReadOptions = {},
): Promise<BotMetrics[]> {
  const { botId, ...range } = parseWith(rangeFilterSchema, filter);
  return withDatabaseErrors(async () => {
    const counts = await readCounts(db, botId, range);
    if (options.percentiles === false || counts.length === 0) {
      return counts.map((row) => ({ ...row, p50DurationSeconds: null, p95DurationSeconds: null }));
    }
    const percentiles = await readPercentiles(db, botId, range);
    return counts.map((row) => ({
      ...row,
      p50DurationSeconds: percentiles.get(row.botId)?.p50 ?? null,
      p95DurationSeconds: percentiles.get(row.botId)?.p95 ?? null,
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

async function readPercentiles(
  db: AuditDb,
  botId: string | undefined,
  range: { from?: Date; to?: Date },
): Promise<Map<string, { p50: number | null; p95: number | null }>> {
  const rows = await db
    .select({ botId: jobs.botId, ...durationPercentiles() })
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
