import type { AuditDb } from "@forusbots/db";
import { jobs } from "@forusbots/db/schema";
import { and, eq, sql } from "drizzle-orm";
import { withDatabaseErrors } from "../errors.ts";
import { parseWith } from "../events/parse.ts";
import { byteOrder, type RangeFilter, rangeConditions, rangeFilterSchema } from "./filters.ts";

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
  p50DurationSeconds: number | null;
  p95DurationSeconds: number | null;
}

export type BotMetricsFilter = RangeFilter;

const durationSeconds = sql`EXTRACT(EPOCH FROM (${jobs.finishedAt} - ${jobs.startedAt}))`;
const countWhere = (condition: ReturnType<typeof sql>) =>
  sql<number>`(count(*) FILTER (WHERE ${condition}))::integer`.mapWith(Number);
const percentile = (fraction: number) =>
  sql<
    number | null
  >`(percentile_cont(${sql.raw(String(fraction))}) WITHIN GROUP (ORDER BY ${durationSeconds}))::double precision`.mapWith(
    Number,
  );

/**
 * Per-bot metrics, ordered by bot id, for the jobs accepted in [from, to) (all jobs when the
 * range is open). Without a filter the figures equal the view's; the view cannot take the range
 * (it has no `accepted_at`), so the same definitions are applied to the table here.
 */
export async function getBotMetrics(
  db: AuditDb,
  filter: BotMetricsFilter = {},
): Promise<BotMetrics[]> {
  const { botId, ...range } = parseWith(rangeFilterSchema, filter);
  return withDatabaseErrors(() =>
    db
      .select({
        botId: jobs.botId,
        totalJobs: sql<number>`count(*)::integer`.mapWith(Number),
        succeededJobs: countWhere(sql`${jobs.state} = 'succeeded'`),
        failedJobs: countWhere(sql`${jobs.state} = 'failed'`),
        avgDurationSeconds: sql<number | null>`(avg(${durationSeconds}))::double precision`.mapWith(
          Number,
        ),
        successRate: sql<number | null>`(100.0 * count(*) FILTER (WHERE ${jobs.state} = 'succeeded')
          / NULLIF(count(*) FILTER (WHERE ${jobs.state} IN ('succeeded', 'failed')), 0))::double precision`.mapWith(
          Number,
        ),
        p50DurationSeconds: percentile(0.5),
        p95DurationSeconds: percentile(0.95),
      })
      .from(jobs)
      .where(
        and(
          botId === undefined ? undefined : eq(jobs.botId, botId),
          ...rangeConditions(jobs.acceptedAt, range),
        ),
      )
      .groupBy(jobs.botId)
      .orderBy(byteOrder(jobs.botId)),
  );
}
