import { desc, getTableColumns, sql } from "drizzle-orm";
import { pgView, type QueryBuilder } from "drizzle-orm/pg-core";
import { jobStages } from "./job-stages.ts";
import { jobs } from "./jobs.ts";
import { botJobTotals, stageTotals } from "./rollups.ts";

/**
 * The analytical views of the seed's 002_views.sql. Each query is a function so that the
 * compatibility aliases (aliases.ts) are the same query under an older name: an alias that
 * selected from its base view would pin that view, and every later change to it would need the
 * alias dropped first.
 *
 * `job_metrics_by_bot` and `job_stage_summary` read the rollups (rollups.ts). Their definitions
 * over the base tables stay here as `plainJobMetricsByBotQuery` and `plainJobStageSummaryQuery`:
 * the reference the rollups are tested against and the baseline the benchmark measures.
 */

/** Seconds between two timestamps, NULL when either is missing. */
const secondsBetween = (from: typeof jobs.startedAt, to: typeof jobs.finishedAt) =>
  sql`EXTRACT(EPOCH FROM (${to} - ${from}))`;

export const plainJobMetricsByBotQuery = (qb: QueryBuilder) =>
  qb
    .select({
      botId: jobs.botId,
      totalJobs: sql<number>`count(*)::integer`.as("total_jobs"),
      succeededJobs: sql<number>`(count(*) FILTER (WHERE ${jobs.state} = 'succeeded'))::integer`.as(
        "succeeded_jobs",
      ),
      failedJobs: sql<number>`(count(*) FILTER (WHERE ${jobs.state} = 'failed'))::integer`.as(
        "failed_jobs",
      ),
      avgDurationSeconds: sql<
        number | null
      >`(avg(${secondsBetween(jobs.startedAt, jobs.finishedAt)}))::double precision`.as(
        "avg_duration_seconds",
      ),
      // Canceled jobs are neither successes nor failures, so they stay out of the rate.
      successRate: sql<number | null>`(100.0 * count(*) FILTER (WHERE ${jobs.state} = 'succeeded')
        / NULLIF(count(*) FILTER (WHERE ${jobs.state} IN ('succeeded', 'failed')), 0))::double precision`.as(
        "success_rate",
      ),
    })
    .from(jobs)
    .groupBy(jobs.botId);

export const recentJobsQuery = (qb: QueryBuilder) =>
  qb
    .select({
      ...getTableColumns(jobs),
      durationSeconds: sql<number | null>`(${secondsBetween(
        jobs.startedAt,
        jobs.finishedAt,
      )})::double precision`.as("duration_seconds"),
      // Written out: drizzle renders columns unqualified inside a single-table select, which would
      // turn the correlation into job_stages.job_id = job_stages.job_id.
      stageCount:
        sql<number>`(SELECT count(*) FROM job_stages s WHERE s.job_id = jobs.job_id)::integer`.as(
          "stage_count",
        ),
    })
    .from(jobs)
    .orderBy(desc(jobs.acceptedAt), desc(jobs.jobId))
    .limit(100);

export const plainJobStageSummaryQuery = (qb: QueryBuilder) =>
  qb
    .select({
      stageName: jobStages.stageName,
      totalRuns: sql<number>`count(*)::integer`.as("total_runs"),
      failedRuns: sql<number>`(count(*) FILTER (WHERE ${jobStages.status} = 'fail'))::integer`.as(
        "failed_runs",
      ),
      avgDurationMs: sql<number | null>`(avg(${jobStages.durationMs}))::double precision`.as(
        "avg_duration_ms",
      ),
    })
    .from(jobStages)
    .groupBy(jobStages.stageName);

/** Counters of a rollup row, in the shape of the plain aggregate's columns. */
const totalJobsOf = (t: typeof botJobTotals) =>
  sql`(${t.queuedJobs} + ${t.runningJobs} + ${t.succeededJobs} + ${t.failedJobs} + ${t.canceledJobs})`;

export const jobMetricsByBotQuery = (qb: QueryBuilder) =>
  qb
    .select({
      botId: botJobTotals.botId,
      totalJobs: sql<number>`${totalJobsOf(botJobTotals)}`.as("total_jobs"),
      succeededJobs: sql<number>`${botJobTotals.succeededJobs}`.as("succeeded_jobs"),
      failedJobs: sql<number>`${botJobTotals.failedJobs}`.as("failed_jobs"),
      // numeric / integer is the division avg() performs, so this equals the plain average exactly.
      avgDurationSeconds: sql<number | null>`(${botJobTotals.durationSecondsSum}
        / NULLIF(${botJobTotals.timedJobs}, 0))::double precision`.as("avg_duration_seconds"),
      successRate: sql<number | null>`(100.0 * ${botJobTotals.succeededJobs}
        / NULLIF(${botJobTotals.succeededJobs} + ${botJobTotals.failedJobs}, 0))::double precision`.as(
        "success_rate",
      ),
    })
    .from(botJobTotals)
    // A bot whose jobs were all deleted keeps a zero row; the plain aggregate has no row for it.
    .where(sql`${totalJobsOf(botJobTotals)} > 0`);

export const jobStageSummaryQuery = (qb: QueryBuilder) =>
  qb
    .select({
      stageName: stageTotals.stageName,
      totalRuns: sql<number>`${stageTotals.totalRuns}`.as("total_runs"),
      failedRuns: sql<number>`${stageTotals.failedRuns}`.as("failed_runs"),
      avgDurationMs: sql<number | null>`(${stageTotals.durationMsSum}::numeric
        / NULLIF(${stageTotals.timedRuns}, 0))::double precision`.as("avg_duration_ms"),
    })
    .from(stageTotals)
    .where(sql`${stageTotals.totalRuns} > 0`);

export const jobMetricsByBot = pgView("job_metrics_by_bot").as(jobMetricsByBotQuery);
export const recentJobs = pgView("recent_jobs").as(recentJobsQuery);
export const jobStageSummary = pgView("job_stage_summary").as(jobStageSummaryQuery);

export type BotMetricsRow = typeof jobMetricsByBot.$inferSelect;
export type RecentJobRow = typeof recentJobs.$inferSelect;
export type StageSummaryRow = typeof jobStageSummary.$inferSelect;
