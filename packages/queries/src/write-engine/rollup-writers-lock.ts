import { type AuditDb, isEmbedded } from "@forusbots/db";
import { sql } from "drizzle-orm";

/**
 * Key of the transaction advisory lock taken first by every transaction that writes jobs or
 * job_stages in more than one statement: a batch of ingest or of the recorder's spool replay, and
 * a prune batch.
 *
 * Each statement's rollup triggers lock their rows in key order, but a transaction of several
 * statements takes them statement by statement: a batch locks the stage rows of its new jobs'
 * stages, then those of its other stages, then its bots' rows for the finishes. Two such batches
 * running at once (four recorders replaying their spools after an outage; two ingests) lock shared
 * rows (every batch touches the rows of the same few stage names) in different orders and
 * deadlock, each costing a second of `deadlock_timeout` and a retry, often several times over.
 * They serialize on those shared rows anyway, until commit, so holding this lock costs them no
 * concurrency they had, and they never deadlock with each other. Single-statement writes (the live
 * recorder's) do not take it: one statement locks its rows in order.
 */
const ROLLUP_WRITERS_LOCK_KEY = 4_242_017_002;

/**
 * Takes the rollup writers' lock (PostgreSQL; PGlite runs one transaction at a time already) and,
 * when `synchronousCommit` is false, sets `synchronous_commit = off` for this transaction, in one
 * statement. Must be the transaction's first statement.
 */
export async function beginRollupWrites(
  tx: AuditDb,
  { synchronousCommit }: { synchronousCommit: boolean },
): Promise<void> {
  const lock = !isEmbedded(tx);
  if (!lock && synchronousCommit) return;
  const parts = [
    ...(lock ? [sql`pg_advisory_xact_lock(${ROLLUP_WRITERS_LOCK_KEY})`] : []),
    ...(synchronousCommit ? [] : [sql`set_config('synchronous_commit', 'off', true)`]),
  ];
  await tx.execute(sql`SELECT ${sql.join(parts, sql`, `)}`);
}
