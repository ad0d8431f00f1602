export { type BotMetrics, type BotMetricsFilter, getBotMetrics } from "./bot-metrics.ts";
export { getJob, type JobDetail } from "./job-detail.ts";
export {
  getJobTimeline,
  type JobTimeline,
  type JobTimelineOptions,
  MAX_TIMELINE_BUCKETS,
  TIMELINE_BUCKETS,
  type TimelineBucket,
  type TimelinePoint,
} from "./job-timeline.ts";
export {
  listRecentJobs,
  MAX_RECENT_JOBS,
  type RecentJob,
  type RecentJobsOptions,
  type RecentJobsPage,
} from "./recent-jobs.ts";
export { getStageSummary, type StageSummary, type StageSummaryFilter } from "./stage-summary.ts";
