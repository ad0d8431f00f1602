import type { DatabaseHandle } from "@forusbots/db";
import { plainJobMetricsByBotQuery, plainJobStageSummaryQuery } from "@forusbots/db/schema";
import { sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/pg-core";
import { expect } from "vitest";
import { type FinishedJob, STAGES } from "./test-bot.ts";

const plain = new QueryBuilder();

/**
 * Nothing lost, nothing doubled: the database holds exactly the finished jobs (each once, in its
 * final state, with each of its stages once), and the rollup-backed views and hourly rollup equal
 * the plain aggregates over the base tables.
 */
export async function expectExactlyRecorded(
  handle: DatabaseHandle,
  finished: readonly FinishedJob[],
): Promise<void> {
  const jobs = await handle.query<{ job_id: string; bot_id: string; state: string }>(
    sql`SELECT job_id, bot_id, state FROM jobs ORDER BY job_id`,
  );
  expect(jobs).toEqual(
    finished
      .map(({ jobId, botId, state }) => ({ job_id: jobId, bot_id: botId, state }))
      .sort((a, b) => (a.job_id < b.job_id ? -1 : 1)),
  );
  const stages = await handle.query<{ job_id: string; stage_name: string; copies: number }>(
    sql`SELECT job_id, stage_name, count(*)::int AS copies FROM job_stages
        GROUP BY job_id, stage_name ORDER BY job_id, stage_name`,
  );
  expect(stages).toEqual(
    finished
      .flatMap(({ jobId }) =>
        [...STAGES]
          .sort()
          .map((stageName) => ({ job_id: jobId, stage_name: stageName, copies: 1 })),
      )
      .sort((a, b) => (a.job_id < b.job_id ? -1 : a.job_id > b.job_id ? 1 : 0)),
  );
  const rows = (statement: ReturnType<typeof sql>) => handle.query(statement);
  expect(await rows(sql`SELECT * FROM job_metrics_by_bot ORDER BY 1`)).toEqual(
    await rows(sql`${plainJobMetricsByBotQuery(plain).getSQL()} ORDER BY 1`),
  );
  expect(await rows(sql`SELECT * FROM job_stage_summary ORDER BY 1`)).toEqual(
    await rows(sql`${plainJobStageSummaryQuery(plain).getSQL()} ORDER BY 1`),
  );
  expect(
    await rows(sql`SELECT bot_id, hour, succeeded_jobs, failed_jobs FROM bot_job_hourly
                   WHERE succeeded_jobs + failed_jobs > 0 ORDER BY 1, 2`),
  ).toEqual(
    await rows(sql`SELECT bot_id, date_trunc('hour', accepted_at, 'UTC') AS hour,
                          count(*) FILTER (WHERE state = 'succeeded')::int AS succeeded_jobs,
                          count(*) FILTER (WHERE state = 'failed')::int AS failed_jobs
                   FROM jobs GROUP BY 1, 2 ORDER BY 1, 2`),
  );
}
