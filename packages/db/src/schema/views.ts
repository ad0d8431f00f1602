import { desc, getTableColumns, sql } from "drizzle-orm";
import { pgView, type QueryBuilder } from "drizzle-orm/pg-core";
import { jobStages } from "./job-stages.ts";
import { jobs } from "./jobs.ts";
import {
  jobDurationSeconds,
  jobStageCount,
  meanOf,
  meanOfIntegers,
  plainBotMetricColumns,
  plainStageSummaryColumns,
  rollupJobCount,
  successRate,
} from "./metric-sql.ts";
import { botJobTotals, stageTotals } from "./rollups.ts";

/**
 * The analytical views of the seed's 002_views.sql. Each query is a function so that the
 * compatibility aliases (aliases.ts) are the same query under an older name: an alias that
 * selected from its base view would pin that view, and every later change to it would need the
 * alias dropped first.
 *
 * `job_metrics_by_bot` and `job_stage_summary` read the rollups (rollups.ts). Their definitions
 * over the base tables stay here as `plainJobMetricsByBotQuery` and `plainJobStageSummaryQuery`:
 * the reference the rollups are tested against and the baseline the benchmark measures. Their
 * arithmetic is metric-sql.ts's, shared with the reads of `@forusbots/queries`.
 */

export const plainJobMetricsByBotQuery = (qb: QueryBuilder) => {
  const figures = plainBotMetricColumns();
  return qb
    .select({
      botId: jobs.botId,
      totalJobs: figures.totalJobs.as("total_jobs"),
      succeededJobs: figures.succeededJobs.as("succeeded_jobs"),
      failedJobs: figures.failedJobs.as("failed_jobs"),
      avgDurationSeconds: figures.avgDurationSeconds.as("avg_duration_seconds"),
      successRate: figures.successRate.as("success_rate"),
    })
    .from(jobs)
    .groupBy(jobs.botId);
};

export const recentJobsQuery = (qb: QueryBuilder) =>
  qb
    .select({
      ...getTableColumns(jobs),
      durationSeconds: jobDurationSeconds().as("duration_seconds"),
      stageCount: jobStageCount().as("stage_count"),
    })
    .from(jobs)
    .orderBy(desc(jobs.acceptedAt), desc(jobs.jobId))
    .limit(100);

export const plainJobStageSummaryQuery = (qb: QueryBuilder) => {
  const figures = plainStageSummaryColumns();
  return qb
    .select({
      stageName: jobStages.stageName,
      totalRuns: figures.totalRuns.as("total_runs"),
      failedRuns: figures.failedRuns.as("failed_runs"),
      avgDurationMs: figures.avgDurationMs.as("avg_duration_ms"),
    })
    .from(jobStages)
    .groupBy(jobStages.stageName);
};

/*
 * The rollup views pass columns straight to the fragments, and wrap the job count in sql``: each
 * renders as when the views were created (bare columns in the select list, qualified ones inside
 * a nested expression), so their stored definitions and the migrations agree.
 */
export const jobMetricsByBotQuery = (qb: QueryBuilder) =>
  qb
    .select({
      botId: botJobTotals.botId,
      totalJobs: sql<number>`${rollupJobCount(botJobTotals)}`.as("total_jobs"),
      succeededJobs: sql<number>`${botJobTotals.succeededJobs}`.as("succeeded_jobs"),
      failedJobs: sql<number>`${botJobTotals.failedJobs}`.as("failed_jobs"),
      // numeric / integer is the division avg() performs, so this equals the plain average exactly.
      avgDurationSeconds: meanOf(botJobTotals.durationSecondsSum, botJobTotals.timedJobs).as(
        "avg_duration_seconds",
      ),
      successRate: successRate(botJobTotals.succeededJobs, botJobTotals.failedJobs).as(
        "success_rate",
      ),
    })
    .from(botJobTotals)
    // A bot whose jobs were all deleted keeps a zero row; the plain aggregate has no row for it.
    .where(sql`${rollupJobCount(botJobTotals)} > 0`);

/**
 * A stage's runs are spread over its duration buckets and their slots (rollups.ts): the view sums
 * them.
 */
export const jobStageSummaryQuery = (qb: QueryBuilder) => {
  const totalRuns = sql<number>`sum(${stageTotals.totalRuns})::integer`;
  return qb
    .select({
      stageName: stageTotals.stageName,
      totalRuns: totalRuns.as("total_runs"),
      failedRuns: sql<number>`sum(${stageTotals.failedRuns})::integer`.as("failed_runs"),
      avgDurationMs: meanOfIntegers(
        sql`sum(${stageTotals.durationMsSum})`,
        sql`sum(${stageTotals.timedRuns})`,
      ).as("avg_duration_ms"),
    })
    .from(stageTotals)
    .groupBy(stageTotals.stageName)
    .having(sql`${totalRuns} > 0`);
};

export const jobMetricsByBot = pgView("job_metrics_by_bot").as(jobMetricsByBotQuery);
export const recentJobs = pgView("recent_jobs").as(recentJobsQuery);
export const jobStageSummary = pgView("job_stage_summary").as(jobStageSummaryQuery);
