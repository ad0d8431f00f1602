import type {
  countJobsByState,
  findJobsByIdPrefix,
  getBotMetrics,
  getFailureGroups,
  getJobSpan,
  getJobTimeSeries,
  getJobWithStages,
  getRecentJobs,
  getStageSummary,
} from "@forusbots/queries";
import type { TimelineBucket } from "@forusbots/queries/contract";
import type { ApiErrorBody } from "../server/error-response.ts";

/**
 * The JSON the API answers, derived from the queries' own result types so that the page, the
 * server and `@forusbots/queries` cannot drift apart. Over the wire a `Date` becomes its ISO text.
 */
type Serialized<T> = T extends Date
  ? string
  : T extends readonly (infer Item)[]
    ? Serialized<Item>[]
    : T extends object
      ? { [Key in keyof T]: Serialized<T[Key]> }
      : T;

type ResultOf<Query extends (...args: never[]) => unknown> = Serialized<Awaited<ReturnType<Query>>>;

/*
 * Each `…Json` type is the value of the query result of the same name as the page receives it;
 * the names stay apart from `@forusbots/queries`' own (`BotMetrics`, `RecentJob`, …), whose
 * timestamps are still `Date`s.
 */
export type BotMetricsJson = ResultOf<typeof getBotMetrics>[number];
type RecentJobsPageJson = ResultOf<typeof getRecentJobs>;
export type RecentJobJson = RecentJobsPageJson["jobs"][number];
type JobDetailJson = ResultOf<typeof getJobWithStages>;
export type JobStageJson = JobDetailJson["stages"][number];
export type StageSummaryJson = ResultOf<typeof getStageSummary>[number];
type TimeSeriesPointJson = ResultOf<typeof getJobTimeSeries>[number];
export interface TimeSeriesResponse {
  bucket: TimelineBucket;
  from: string;
  to: string;
  points: TimeSeriesPointJson[];
}

export interface StatusResponse {
  database: string;
  reachable: boolean;
  /** Why the database does not answer, when it does not. */
  problem: string | null;
}
/** Why p50/p95 are null: the range is open or longer than the API computes them over. */
type PercentilesOmitted = string | null;

export interface BotsResponse {
  bots: BotMetricsJson[];
  percentilesOmitted: PercentilesOmitted;
}
export type JobsResponse = RecentJobsPageJson;
export interface JobResponse {
  job: JobDetailJson;
}
export interface StagesResponse {
  stages: StageSummaryJson[];
  percentilesOmitted: PercentilesOmitted;
}

export type { ApiErrorBody };

export interface JobStateCountsResponse {
  counts: ResultOf<typeof countJobsByState>;
}
export type JobSpanResponse = ResultOf<typeof getJobSpan>;
export type FailuresResponse = ResultOf<typeof getFailureGroups>;
export type FailureGroupJson = FailuresResponse["groups"][number];
export type JobIdCandidateJson = ResultOf<typeof findJobsByIdPrefix>[number];
export interface SearchResponse {
  query: string;
  jobs: JobIdCandidateJson[];
  moreJobs: boolean;
  bots: string[];
  moreBots: boolean;
  /** Why the text is not read as a job id, when it is not. */
  notAJobId: string | null;
}
