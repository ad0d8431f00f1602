import type { DatabaseHandle } from "@forusbots/db";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { expectRollupsEqualPlainAggregates } from "./rollup-consistency.ts";
import { type FinishedJob, STAGES } from "./test-bot.ts";

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
  await expectRollupsEqualPlainAggregates(handle);
}
