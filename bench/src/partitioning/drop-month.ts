import type { DatabaseHandle } from "@forusbots/db";
import { sql } from "drizzle-orm";
import { partitionName } from "./partition-by-month.ts";
import { applyRollupDeltas } from "./rollup-deltas.ts";

/**
 * Retention on the partitioned prototype: a month's partitions detached and dropped, in one
 * transaction. Detaching moves the rows out without a DELETE, so no rollup trigger sees them:
 * the month's figures are subtracted from the rollups here, from the detached tables, before
 * they are dropped. Stages go first: detached, the stages' partition keeps a foreign key of its
 * own to jobs, and the jobs' partition cannot leave while it exists.
 */
export async function dropMonth(handle: DatabaseHandle, month: Date): Promise<void> {
  const stages = sql`${sql.identifier(partitionName("job_stages", month))}`;
  const jobs = sql`${sql.identifier(partitionName("jobs", month))}`;
  await handle.db.transaction(async (tx) => {
    await tx.execute(sql`ALTER TABLE job_stages DETACH PARTITION ${stages}`);
    await applyRollupDeltas(tx, { stages }, -1);
    await tx.execute(sql`DROP TABLE ${stages}`);
    await tx.execute(sql`ALTER TABLE jobs DETACH PARTITION ${jobs}`);
    await applyRollupDeltas(tx, { jobs }, -1);
    await tx.execute(sql`DROP TABLE ${jobs}`);
  });
}
