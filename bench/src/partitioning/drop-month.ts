import type { DatabaseHandle } from "@forusbots/db";
import { sql } from "drizzle-orm";
import { partitionName } from "./partition-by-month.ts";

/**
 * Retention on the partitioned prototype: a month's partitions detached and dropped, in one
 * transaction. Detaching moves the rows out without a DELETE, so no rollup trigger sees them:
 * the month's figures are subtracted from the rollups here, from the detached tables, before
 * they are dropped (the same deltas the triggers would apply to a DELETE of those rows).
 * Stages go first: the jobs' partition cannot leave while stage rows still reference it.
 */
export async function dropMonth(handle: DatabaseHandle, month: Date): Promise<void> {
  const stages = sql.identifier(partitionName("job_stages", month));
  const jobs = sql.identifier(partitionName("jobs", month));
  await handle.db.transaction(async (tx) => {
    await tx.execute(sql`ALTER TABLE job_stages DETACH PARTITION ${stages}`);
    await tx.execute(sql`
      INSERT INTO stage_totals AS t (stage_name, total_runs, failed_runs, timed_runs, duration_ms_sum)
      SELECT stage_name, -count(*), -count(*) FILTER (WHERE status = 'fail'),
             -count(duration_ms), -coalesce(sum(duration_ms), 0)
      FROM ${stages} GROUP BY stage_name ORDER BY stage_name
      ON CONFLICT (stage_name) DO UPDATE SET
        total_runs = t.total_runs + EXCLUDED.total_runs,
        failed_runs = t.failed_runs + EXCLUDED.failed_runs,
        timed_runs = t.timed_runs + EXCLUDED.timed_runs,
        duration_ms_sum = t.duration_ms_sum + EXCLUDED.duration_ms_sum`);
    // Detached, the stages' partition keeps a foreign key of its own to jobs: it goes first.
    await tx.execute(sql`DROP TABLE ${stages}`);
    await tx.execute(sql`ALTER TABLE jobs DETACH PARTITION ${jobs}`);
    // Each rollup's key columns, and what they are computed from in a job row.
    for (const [rollup, columns, key] of [
      ["bot_job_totals", sql`bot_id`, sql`bot_id`],
      ["bot_job_hourly", sql`bot_id, hour`, sql`bot_id, date_trunc('hour', accepted_at, 'UTC')`],
    ] as const) {
      await tx.execute(sql`
        INSERT INTO ${sql.identifier(rollup)} AS t (${columns}, queued_jobs, running_jobs,
               succeeded_jobs, failed_jobs, canceled_jobs, timed_jobs, duration_seconds_sum)
        SELECT ${key}, -count(*) FILTER (WHERE state = 'queued'), -count(*) FILTER (WHERE state = 'running'),
               -count(*) FILTER (WHERE state = 'succeeded'), -count(*) FILTER (WHERE state = 'failed'),
               -count(*) FILTER (WHERE state = 'canceled'), -count(finished_at - started_at),
               -coalesce(sum(EXTRACT(EPOCH FROM (finished_at - started_at))), 0)
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
    await tx.execute(sql`DROP TABLE ${jobs}`);
  });
}
