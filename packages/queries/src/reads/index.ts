export { findBotIdsByPrefix } from "./bot-ids.ts";
export { type BotMetrics, type BotMetricsFilter, getBotMetrics } from "./bot-metrics.ts";
export { type ExportFilter, exportEvents, exportLine, jobToEvents } from "./export-events.ts";
export {
  type FailureGroup,
  type FailureGroups,
  getFailureGroups,
  MAX_FAILURE_GROUPS,
  NO_ERROR_MESSAGE,
} from "./failure-groups.ts";
export { getJobWithStages, type JobDetail } from "./job-detail.ts";
export { getJobSpan, type JobSpan } from "./job-span.ts";
export { countJobsByState, type JobStateCounts } from "./job-state-counts.ts";
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
