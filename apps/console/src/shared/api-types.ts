import type {
  getBotMetrics,
  getJobTimeSeries,
  getJobWithStages,
  getRecentJobs,
  getStageSummary,
} from "@forusbots/queries";
import type { ApiErrorBody } from "../server/error-response.ts";

/**
 * The JSON the API answers, derived from the queries' own result types so that the page, the
 * server and `@forusbots/queries` cannot drift apart. Over the wire a `Date` becomes its ISO text.
 */
export type Serialized<T> = T extends Date
  ? string
  : T extends readonly (infer Item)[]
    ? Serialized<Item>[]
    : T extends object
      ? { [Key in keyof T]: Serialized<T[Key]> }
      : T;

type ResultOf<Query extends (...args: never[]) => unknown> = Serialized<Awaited<ReturnType<Query>>>;

export type BotMetricsRow = ResultOf<typeof getBotMetrics>[number];
export type RecentJobsPage = ResultOf<typeof getRecentJobs>;
export type RecentJobRow = RecentJobsPage["jobs"][number];
export type JobDetail = ResultOf<typeof getJobWithStages>;
export type JobStageRow = JobDetail["stages"][number];
export type StageSummaryRow = ResultOf<typeof getStageSummary>[number];
export type TimeSeriesPoint = ResultOf<typeof getJobTimeSeries>[number];
export interface TimeSeriesResponse {
  bucket: "hour" | "day";
  from: string;
  to: string;
  points: TimeSeriesPoint[];
}

export interface StatusResponse {
  database: string;
  reachable: boolean;
  /** Why the database does not answer, when it does not. */
  problem: string | null;
}
export interface BotsResponse {
  bots: BotMetricsRow[];
}
export type JobsResponse = RecentJobsPage;
export interface JobResponse {
  job: JobDetail;
}
export interface StagesResponse {
  stages: StageSummaryRow[];
}

export type { ApiErrorBody };
