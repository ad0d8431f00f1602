import type { DatabaseHandle } from "@forusbots/db";
import { plainJobMetricsByBotQuery } from "@forusbots/db/schema";
import { getBotMetrics } from "@forusbots/queries";
import { sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/pg-core";

interface MetricsRow {
  bot_id: string;
  total_jobs: number;
  succeeded_jobs: number;
  failed_jobs: number;
  avg_duration_seconds: number | null;
  success_rate: number | null;
}

const FIELDS = [
  ["totalJobs", "total_jobs"],
  ["succeededJobs", "succeeded_jobs"],
  ["failedJobs", "failed_jobs"],
  ["avgDurationSeconds", "avg_duration_seconds"],
  ["successRate", "success_rate"],
] as const;

type Figures = Record<(typeof FIELDS)[number][0], number | null>;

export interface ExactnessResult {
  /** getBotMetrics equals the plain aggregate, every bot and figure to the last bit. */
  getBotMetrics: boolean;
  /** The rollup-backed `job_metrics_by_bot` view equals it too. */
  view: boolean;
  /** The first difference found, to say what differs when a check fails. */
  difference: string | null;
}

const fromRow = (row: MetricsRow): Figures => ({
  totalJobs: Number(row.total_jobs),
  succeededJobs: Number(row.succeeded_jobs),
  failedJobs: Number(row.failed_jobs),
  avgDurationSeconds: row.avg_duration_seconds === null ? null : Number(row.avg_duration_seconds),
  successRate: row.success_rate === null ? null : Number(row.success_rate),
});

function firstDifference(
  label: string,
  expected: Map<string, Figures>,
  actual: Map<string, Figures>,
): string | null {
  const bots = new Set([...expected.keys(), ...actual.keys()]);
  for (const bot of bots) {
    const want = expected.get(bot);
    const got = actual.get(bot);
    if (!want || !got) return `${label}: bot ${bot} is ${want ? "missing" : "extra"}`;
    for (const [field] of FIELDS) {
      if (!Object.is(want[field], got[field])) {
        return `${label}: bot ${bot} ${field} is ${got[field]}, the plain aggregate says ${want[field]}`;
      }
    }
  }
  return null;
}

/** Compares the metrics a user reads with the plain aggregate over the base tables. */
export async function checkMetricsExactness(handle: DatabaseHandle): Promise<ExactnessResult> {
  const plainSql = plainJobMetricsByBotQuery(new QueryBuilder()).getSQL();
  const plain = new Map(
    (await handle.query<MetricsRow & Record<string, unknown>>(plainSql)).map((row) => [
      row.bot_id,
      fromRow(row),
    ]),
  );
  const read = new Map(
    (await getBotMetrics(handle.db)).map((metrics) => [
      metrics.botId,
      {
        totalJobs: metrics.totalJobs,
        succeededJobs: metrics.succeededJobs,
        failedJobs: metrics.failedJobs,
        avgDurationSeconds: metrics.avgDurationSeconds,
        successRate: metrics.successRate,
      },
    ]),
  );
  const view = new Map(
    (
      await handle.query<MetricsRow & Record<string, unknown>>(
        sql`SELECT * FROM job_metrics_by_bot`,
      )
    ).map((row) => [row.bot_id, fromRow(row)]),
  );
  const readDifference = firstDifference("getBotMetrics", plain, read);
  const viewDifference = firstDifference("job_metrics_by_bot", plain, view);
  return {
    getBotMetrics: readDifference === null,
    view: viewDifference === null,
    difference: readDifference ?? viewDifference,
  };
}
