import type { AuditDb } from "@forusbots/db";
import { botJobHourly, jobMetricsByBot, jobs } from "@forusbots/db/schema";
import { and, eq, type SQL, sql } from "drizzle-orm";
import { withDatabaseErrors } from "../errors.ts";
import { parseWith } from "../events/parse.ts";
import { byteOrder, type RangeFilter, rangeConditions, rangeFilterSchema } from "./filters.ts";
import { isOnWholeHours, type ReadOptions } from "./read-options.ts";

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

const durationSeconds = sql`EXTRACT(EPOCH FROM (${jobs.finishedAt} - ${jobs.startedAt}))`;
const countWhere = (condition: SQL) =>
  sql<number>`(count(*) FILTER (WHERE ${condition}))::integer`.mapWith(Number);
const percentile = (fraction: number) =>
  sql<
    number | null
  >`(percentile_cont(${sql.raw(String(fraction))}) WITHIN GROUP (ORDER BY ${durationSeconds}))::double precision`.mapWith(
    Number,
  );
const nullableNumber = (value: SQL) => sql<number | null>`${value}`.mapWith(Number);

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
    const total = sql`sum(${h.queuedJobs} + ${h.runningJobs} + ${h.succeededJobs} + ${h.failedJobs} + ${h.canceledJobs})`;
    return db
      .select({
        botId: h.botId,
        totalJobs: sql<number>`${total}::integer`.mapWith(Number),
        succeededJobs: sql<number>`sum(${h.succeededJobs})::integer`.mapWith(Number),
        failedJobs: sql<number>`sum(${h.failedJobs})::integer`.mapWith(Number),
        // numeric / bigint: the division avg() performs, as in the view.
        avgDurationSeconds: nullableNumber(
          sql`(sum(${h.durationSecondsSum}) / NULLIF(sum(${h.timedJobs}), 0))::double precision`,
        ),
        successRate: nullableNumber(sql`(100.0 * sum(${h.succeededJobs})
          / NULLIF(sum(${h.succeededJobs}) + sum(${h.failedJobs}), 0))::double precision`),
      })
      .from(h)
      .where(
        and(
          botId === undefined ? undefined : eq(h.botId, botId),
          ...rangeConditions(h.hour, range),
        ),
      )
      .groupBy(h.botId)
      .having(sql`${total} > 0`)
      .orderBy(byteOrder(h.botId));
  }
  return db
    .select({
      botId: jobs.botId,
      totalJobs: sql<number>`count(*)::integer`.mapWith(Number),
      succeededJobs: countWhere(sql`${jobs.state} = 'succeeded'`),
      failedJobs: countWhere(sql`${jobs.state} = 'failed'`),
      avgDurationSeconds: nullableNumber(sql`(avg(${durationSeconds}))::double precision`),
      successRate: nullableNumber(sql`(100.0 * count(*) FILTER (WHERE ${jobs.state} = 'succeeded')
        / NULLIF(count(*) FILTER (WHERE ${jobs.state} IN ('succeeded', 'failed')), 0))::double precision`),
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
    .select({ botId: jobs.botId, p50: percentile(0.5), p95: percentile(0.95) })
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
