import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { jobStages } from "./job-stages.ts";
import { jobs } from "./jobs.ts";
import type { botJobHourly, botJobTotals } from "./rollups.ts";

/**
 * The arithmetic of the metrics, written once. The views (views.ts) and the reads of
 * `@forusbots/queries` build every figure from these fragments, so a figure read from a rollup,
 * from the hourly rollup or from the base tables is the same expression over the same counts —
 * equal to the last bit, which views.test.ts and rollups.test.ts check on both engines.
 *
 * Each fragment is a function, so every use gets its own `SQL` (drizzle's `mapWith` and `as`
 * change the object they are called on). Arguments are placed as given: a column passed directly
 * renders as a column does at that spot (bare in a one-table view's select list), which is what
 * the views' stored definitions hold. A fragment whose text changed would change those
 * definitions, and drizzle-kit would want a migration (generate.test.ts says so).
 */

/** Seconds from `from` to `to`, an exact numeric (microseconds kept); NULL when either is. */
export const secondsBetween = (from: SQLWrapper, to: SQLWrapper): SQL<string | null> =>
  sql`EXTRACT(EPOCH FROM (${to} - ${from}))`;

/** How long a job ran, started → finished, in seconds; NULL until it has both. */
export const jobDurationSeconds = (): SQL<number | null> =>
  sql`(${secondsBetween(jobs.startedAt, jobs.finishedAt)})::double precision`;

/**
 * A job's number of stages, as a correlated subquery of a select over `jobs`. Written out:
 * drizzle leaves columns unqualified in a one-table select, which would turn the correlation into
 * job_stages.job_id = job_stages.job_id.
 */
export const jobStageCount = (): SQL<number> =>
  sql`(SELECT count(*) FROM job_stages s WHERE s.job_id = jobs.job_id)::integer`;

/**
 * 100 × succeeded / (succeeded + failed), NULL when both are 0: canceled jobs are neither a
 * success nor a failure. `100.0` makes the division numeric (exact), so the same two counts give
 * the same rate wherever they were counted. The line break is part of the views' stored text.
 */
export const successRate = (succeeded: SQLWrapper, failed: SQLWrapper): SQL<number | null> =>
  sql`(100.0 * ${succeeded}
        / NULLIF(${succeeded} + ${failed}, 0))::double precision`;

/**
 * `sum / count`, NULL when count is 0: the division avg() performs on a numeric sum, so a mean
 * kept as a rollup's running sum and count equals avg() over the rows.
 */
export const meanOf = (sum: SQLWrapper, count: SQLWrapper): SQL<number | null> =>
  sql`(${sum}
        / NULLIF(${count}, 0))::double precision`;

/** `meanOf` for an integer sum, made numeric first: bigint / integer would divide as integers. */
export const meanOfIntegers = (sum: SQLWrapper, count: SQLWrapper): SQL<number | null> =>
  sql`(${sum}::numeric
        / NULLIF(${count}, 0))::double precision`;

/** The continuous (interpolated) percentile of `value` over a group, like percentile_cont. */
export function percentileOf(fraction: number, value: SQLWrapper): SQL<number | null> {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`not a fraction: ${fraction}`);
  return sql`(percentile_cont(${sql.raw(String(fraction))}) WITHIN GROUP (ORDER BY ${value}))::double precision`;
}

/** Jobs in any state, of one rollup row (`bot_job_totals` or `bot_job_hourly`). */
export const rollupJobCount = (row: typeof botJobTotals | typeof botJobHourly): SQL<number> =>
  sql`(${row.queuedJobs} + ${row.runningJobs} + ${row.succeededJobs} + ${row.failedJobs} + ${row.canceledJobs})`;

/** Rows of the group that match `condition`, in a GROUP BY over the base tables. */
const countWhere = (condition: SQL): SQL<number> => sql`count(*) FILTER (WHERE ${condition})`;

/**
 * A bot's figures aggregated over `jobs` (GROUP BY bot_id): the plain aggregate, the reference
 * the rollups are kept equal to. The view `plainJobMetricsByBotQuery` and the reads over a range
 * that cuts an hour both select these.
 */
export function plainBotMetricColumns() {
  const succeeded = () => countWhere(sql`${jobs.state} = 'succeeded'`);
  const failed = () => countWhere(sql`${jobs.state} = 'failed'`);
  return {
    totalJobs: sql<number>`count(*)::integer`,
    succeededJobs: sql<number>`(${succeeded()})::integer`,
    failedJobs: sql<number>`(${failed()})::integer`,
    avgDurationSeconds: sql<
      number | null
    >`(avg(${secondsBetween(jobs.startedAt, jobs.finishedAt)}))::double precision`,
    successRate: successRate(succeeded(), failed()),
  };
}

/**
 * The same figures summed from `bot_job_hourly` rows (GROUP BY bot_id), for a range on whole
 * hours: sums of the counts the triggers kept, divided as `plainBotMetricColumns` divides.
 */
export function hourlyBotMetricColumns(hourly: typeof botJobHourly) {
  const sumOf = (value: SQLWrapper) => sql`sum(${value})`;
  return {
    totalJobs: sql<number>`${sumOf(rollupJobCount(hourly))}::integer`,
    succeededJobs: sql<number>`${sumOf(hourly.succeededJobs)}::integer`,
    failedJobs: sql<number>`${sumOf(hourly.failedJobs)}::integer`,
    // numeric / bigint: the division avg() performs, as in the view.
    avgDurationSeconds: meanOf(sumOf(hourly.durationSecondsSum), sumOf(hourly.timedJobs)),
    successRate: successRate(sumOf(hourly.succeededJobs), sumOf(hourly.failedJobs)),
  };
}

/**
 * A stage name's figures aggregated over `job_stages` (GROUP BY stage_name): the plain aggregate
 * behind `plainJobStageSummaryQuery` and the reads narrowed by bot or range.
 */
export function plainStageSummaryColumns() {
  return {
    totalRuns: sql<number>`count(*)::integer`,
    failedRuns: sql<number>`(${countWhere(sql`${jobStages.status} = 'fail'`)})::integer`,
    avgDurationMs: sql<number | null>`(avg(${jobStages.durationMs}))::double precision`,
  };
}
