import type { AuditDb } from "@forusbots/db";
import {
  type BatchItem,
  type BatchReport,
  validateBatch,
  waitForCommittedWrites,
  writeValidatedBatch,
} from "./write-events.ts";

/**
 * The batch size bulk ingest uses unless told otherwise. Each batch pays for a transaction and
 * for the rollup triggers once per statement: measured at 30,000 jobs on PostgreSQL 15, the
 * server's CPU per stored row falls by a quarter from batches of 1,000 events to 5,000, and by
 * under a tenth more at 20,000, which holds four times the memory.
 */
export const INGEST_BATCH_SIZE = 5_000;

/**
 * The most a batch of bulk ingest holds, in bytes of events as JSON, whatever their count. A
 * batch's statements carry its events as one JSON value each, and PostgreSQL refuses a jsonb
 * value over 256 MB (54000): 280 events of 1 MB would reach it. At 16 MB a batch of usual events
 * (a few hundred bytes) is cut by its count first, and one of large events stays far below the
 * limit and holds little memory (two batches are in flight).
 */
export const INGEST_BATCH_BYTES = 16 * 1024 * 1024;

/** A batch of events and whatever the caller wants back with its report (line numbers, counts). */
export interface EventBatch {
  items: readonly BatchItem[];
}

/**
 * Bulk ingest: writes batches strictly one after the other, each in its own transaction, as
 * `writeEvents` would, but validates the next batch while the database is writing the previous
 * one. Validation is Node's work and the write is PostgreSQL's, so on a machine with two cores
 * the two overlap instead of taking turns. At most two batches are held: the one being written
 * and the one being validated; the source is not read further until the write is done, so memory
 * stays flat whatever the stream's length.
 *
 * Each batch commits without waiting for its WAL to reach the disk, and the stream ends by
 * waiting for all of them at once (`waitForCommittedWrites`): one disk flush instead of one per
 * batch, and nothing reported as stored is lost to a crash once this returns or throws. A crash
 * of the server in the middle loses at most the last few batches, and writing the stream again
 * stores exactly those (every event is idempotent).
 *
 * `onWritten` receives each batch with its report, in order; a failure (of the source, of a
 * write, or of `onWritten`) stops the stream after the write in flight has settled.
 */
export async function writeEventBatches<B extends EventBatch>(
  db: AuditDb,
  batches: AsyncIterable<B> | Iterable<B>,
  onWritten: (batch: B, report: BatchReport) => void | Promise<void>,
): Promise<void> {
  let writing: Promise<void> = Promise.resolve();
  try {
    for await (const batch of batches) {
      const validated = await validateBatch(batch.items, { yieldToWrites: true });
      await writing;
      writing = writeValidatedBatch(db, validated, { waitForFlush: false }).then((report) =>
        onWritten(batch, report),
      );
      // Observed here so that a failure while the next batch is read is not "unhandled"; it is
      // rethrown by the `await writing` that comes next.
      writing.catch(() => {});
    }
    await writing;
    await waitForCommittedWrites(db);
  } catch (error) {
    // The source failed with a write still in flight: let it settle before the caller closes
    // the database, flush what was committed (unless the database is what failed), and report
    // the first failure.
    await writing.catch(() => {});
    await waitForCommittedWrites(db).catch(() => {});
    throw error;
  }
}
