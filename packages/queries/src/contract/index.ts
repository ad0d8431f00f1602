/**
 * @forusbots/queries/contract: the rules of what the audit API takes, written once and used by
 * everything that reads input for it — the CLI's options, the console's query parameters and the
 * reads' own validation. Constants and plain functions only, importing no database code, so the
 * console's page in the browser uses them too.
 */
export { type JobIdRange, MIN_JOB_ID_PREFIX, parseJobIdPrefix } from "./job-id-prefix.ts";
export { parseWholeNumber } from "./numbers.ts";
export type { Parsed } from "./parsed.ts";
export { MAX_PERCENTILE_RANGE_DAYS, percentileRangeProblem } from "./percentiles.ts";
export { isOrderedRange, RANGE_ORDER_PROBLEM } from "./ranges.ts";
export { JOB_STATES, type JobState, MAX_RECENT_JOBS, parseJobState } from "./recent-jobs.ts";
export {
  DEFAULT_TIMELINE_BUCKET,
  listBucketStarts,
  MAX_TIMELINE_BUCKETS,
  parseTimelineBucket,
  TIMELINE_BUCKETS,
  type TimelineBucket,
  timelineSpanProblem,
} from "./timeline.ts";
export {
  isInStorableYears,
  parseTimeInput,
  parseZonedTimestamp,
  STORABLE_YEARS,
  startOfUtcDay,
} from "./times.ts";
