import { pgView } from "drizzle-orm/pg-core";
import { jobMetricsByBotQuery, jobStageSummaryQuery, recentJobsQuery } from "./views.ts";

/**
 * Compatibility names from the seed's 003_alias_views.sql, for query code written before the
 * views took their `job_*` names. Each alias runs the same query as its view (see views.ts), so
 * both always return the same rows and columns.
 *
 * | alias            | view                 |
 * |------------------|----------------------|
 * | `bot_metrics`    | `job_metrics_by_bot` |
 * | `latest_jobs`    | `recent_jobs`        |
 * | `stage_metrics`  | `job_stage_summary`  |
 */
export const botMetrics = pgView("bot_metrics").as(jobMetricsByBotQuery);
export const latestJobs = pgView("latest_jobs").as(recentJobsQuery);
export const stageMetrics = pgView("stage_metrics").as(jobStageSummaryQuery);
