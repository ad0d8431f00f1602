export { type BotMetrics, type BotMetricsFilter, getBotMetrics } from "./bot-metrics.ts";
export { type ExportFilter, exportEvents, exportLine, jobToEvents } from "./export-events.ts";
export { getJobWithStages, type JobDetail } from "./job-detail.ts";
export {
  getJobTimeSeries,
  type JobTimeSeriesOptions,
  type JobTimeSeriesPoint,
} from "./job-time-series.ts";
export { findJobsByIdPrefix, type JobIdCandidate } from "./jobs-by-id-prefix.ts";
export type { ReadOptions } from "./read-options.ts";
export {
  getRecentJobs,
  type RecentJob,
  type RecentJobsOptions,
  type RecentJobsPage,
} from "./recent-jobs.ts";
export { getStageSummary, type StageSummary, type StageSummaryFilter } from "./stage-summary.ts";
