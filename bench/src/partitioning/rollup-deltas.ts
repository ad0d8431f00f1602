import type { AuditDb } from "@forusbots/db";
import { type SQL, sql } from "drizzle-orm";

/**
 * Adds (`sign` 1) or subtracts (-1) the figures of the rows of `jobs` and `stages` (tables or
 * partitions) to the rollups, with the arithmetic of the rollup triggers (stages in slot 0: a
 * bucket's figures are the sum of its slots, whichever a delta lands in). On the partitioned
 * prototype, rows that arrive or leave without an INSERT or DELETE (a load with the triggers
 * off, a partition detached) reach the rollups this way.
 */
export async function applyRollupDeltas(
  db: AuditDb,
  { jobs, stages }: { jobs?: SQL; stages?: SQL },
  sign: 1 | -1,
): Promise<void> {
  const times = sql.raw(String(sign));
  if (stages) {
    await db.execute(sql`
      INSERT INTO stage_totals AS t (stage_name, duration_floor_ms, total_runs, failed_runs,
             timed_runs, duration_ms_sum)
      SELECT stage_name, stage_duration_floor(duration_ms), ${times} * count(*),
             ${times} * count(*) FILTER (WHERE status = 'fail'),
             ${times} * count(duration_ms), ${times} * coalesce(sum(duration_ms), 0)
      FROM ${stages} GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (stage_name, duration_floor_ms, slot) DO UPDATE SET
        total_runs = t.total_runs + EXCLUDED.total_runs,
        failed_runs = t.failed_runs + EXCLUDED.failed_runs,
        timed_runs = t.timed_runs + EXCLUDED.timed_runs,
        duration_ms_sum = t.duration_ms_sum + EXCLUDED.duration_ms_sum`);
  }
  if (!jobs) return;
  // Each rollup's key columns, and what they are computed from in a job row.
  for (const [rollup, columns, key] of [
    ["bot_job_totals", sql`bot_id`, sql`bot_id`],
    ["bot_job_hourly", sql`bot_id, hour`, sql`bot_id, date_trunc('hour', accepted_at, 'UTC')`],
  ] as const) {
    await db.execute(sql`
      INSERT INTO ${sql.identifier(rollup)} AS t (${columns}, queued_jobs, running_jobs,
             succeeded_jobs, failed_jobs, canceled_jobs, timed_jobs, duration_seconds_sum)
      SELECT ${key}, ${times} * count(*) FILTER (WHERE state = 'queued'),
             ${times} * count(*) FILTER (WHERE state = 'running'),
             ${times} * count(*) FILTER (WHERE state = 'succeeded'),
             ${times} * count(*) FILTER (WHERE state = 'failed'),
             ${times} * count(*) FILTER (WHERE state = 'canceled'),
             ${times} * count(finished_at - started_at),
             ${times} * coalesce(sum(EXTRACT(EPOCH FROM (finished_at - started_at))), 0)
      FROM ${jobs} GROUP BY ${key} ORDER BY ${key}
      ON CONFLICT (${columns}) DO UPDATE SET
        queued_jobs = t.queued_jobs + EXCLUDED.queued_jobs,
        running_jobs = t.running_jobs + EXCLUDED.running_jobs,
        succeeded_jobs = t.succeeded_jobs + EXCLUDED.succeeded_jobs,
        failed_jobs = t.failed_jobs + EXCLUDED.failed_jobs,
        canceled_jobs = t.canceled_jobs + EXCLUDED.canceled_jobs,
        timed_jobs = t.timed_jobs + EXCLUDED.timed_jobs,
        duration_seconds_sum = t.duration_seconds_sum + EXCLUDED.duration_seconds_sum`);
  }
}
