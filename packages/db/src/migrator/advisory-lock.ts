import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "../client/handle.ts";
import { MigrationError } from "../errors.ts";

/** Key of the session advisory lock every migrating process takes, so deploys can run at once. */
export const MIGRATION_LOCK_KEY = 4_242_017_001;

/**
 * Runs `work` while holding the migration advisory lock. A session lock (not a transaction one)
 * because the run spans one transaction per migration; that is why the handle must be a single
 * session: on a pool, the unlock could go to another connection and leave the lock held.
 */
export async function withMigrationLock<T>(
  handle: DatabaseHandle,
  work: () => Promise<T>,
  onWait?: () => void,
): Promise<T> {
  if (handle.poolSize !== 1) {
    throw new MigrationError(
      "the migration runner needs a single-connection handle (openDatabase(target, { maxConnections: 1 }))",
    );
  }
  const [attempt] = await handle.query<{ locked: boolean }>(
    sql`SELECT pg_try_advisory_lock(${MIGRATION_LOCK_KEY}) AS locked`,
  );
  if (attempt?.locked !== true) {
    onWait?.();
    await handle.query(sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
  }
  try {
    return await work();
  } finally {
    await handle.query(sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
  }
}
