import type { DatabaseHandle } from "@forusbots/db";
import { getBotMetrics, getStageSummary } from "@forusbots/queries";
import { sql } from "drizzle-orm";
import type { ReadCase } from "./read-cases.ts";

/**
 * The metric reads with p50/p95 over all time, as `forus-audit metrics` and `stages` ask for
 * them, beside the plain percentile_cont over the base table (what the reads ran before the
 * index walk: every duration sorted).
 */
export function percentileReadCases(handle: DatabaseHandle): ReadCase[] {
  const { db } = handle;
  return [
    {
      key: "metricsPercentiles",
      label: "getBotMetrics (all bots, p50/p95)",
      read: () => getBotMetrics(db),
      baselineLabel: "percentile_cont per bot over jobs",
      baseline: () =>
        handle.query(sql`SELECT bot_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms),
          percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms)
          FROM jobs WHERE duration_ms IS NOT NULL GROUP BY bot_id`),
    },
    {
      key: "stageSummaryPercentiles",
      label: "getStageSummary (all stages, p50/p95)",
      read: () => getStageSummary(db),
      baselineLabel: "percentile_cont per stage over job_stages",
      baseline: () =>
        handle.query(sql`SELECT stage_name, percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms),
          percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms)
          FROM job_stages WHERE duration_ms IS NOT NULL GROUP BY stage_name`),
    },
  ];
}
