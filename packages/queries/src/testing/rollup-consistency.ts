import type { DatabaseHandle } from "@forusbots/db";
import { plainJobMetricsByBotQuery, plainJobStageSummaryQuery } from "@forusbots/db/schema";
import { type SQL, sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/pg-core";
import { expect } from "vitest";

const plain = new QueryBuilder();

/**
 * The rollup-backed views and the hourly rollup (every state's count, the timed jobs and their
 * seconds) equal the plain aggregates over the base tables: what a write counted twice, or a
 * rolled-back write left counted, breaks.
 */
export async function expectRollupsEqualPlainAggregates(handle: DatabaseHandle): Promise<void> {
  const rows = (statement: SQL) => handle.query(statement);
  expect(await rows(sql`SELECT * FROM job_metrics_by_bot ORDER BY 1`)).toEqual(
    await rows(sql`${plainJobMetricsByBotQuery(plain).getSQL()} ORDER BY 1`),
  );
  expect(await rows(sql`SELECT * FROM job_stage_summary ORDER BY 1`)).toEqual(
    await rows(sql`${plainJobStageSummaryQuery(plain).getSQL()} ORDER BY 1`),
  );
  expect(
    await rows(sql`SELECT bot_id, hour, queued_jobs, running_jobs, succeeded_jobs, failed_jobs,
                          canceled_jobs, timed_jobs, duration_seconds_sum::text AS seconds
                   FROM bot_job_hourly
                   WHERE queued_jobs + running_jobs + succeeded_jobs + failed_jobs
                         + canceled_jobs > 0
                   ORDER BY 1, 2`),
  ).toEqual(
    await rows(sql`SELECT bot_id, date_trunc('hour', accepted_at, 'UTC') AS hour,
                          count(*) FILTER (WHERE state = 'queued')::int AS queued_jobs,
                          count(*) FILTER (WHERE state = 'running')::int AS running_jobs,
                          count(*) FILTER (WHERE state = 'succeeded')::int AS succeeded_jobs,
                          count(*) FILTER (WHERE state = 'failed')::int AS failed_jobs,
                          count(*) FILTER (WHERE state = 'canceled')::int AS canceled_jobs,
                          count(finished_at - started_at)::int AS timed_jobs,
                          coalesce(sum(EXTRACT(EPOCH FROM finished_at - started_at)), 0)::text
                            AS seconds
                   FROM jobs GROUP BY 1, 2 ORDER BY 1, 2`),
  );
}
