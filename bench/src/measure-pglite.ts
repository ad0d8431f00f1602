import type { DatabaseHandle } from "@forusbots/db";
import { IN_MEMORY, openDatabase, vacuumEmbeddedAsNeeded } from "@forusbots/db/client";
import { migrate } from "@forusbots/db/migrator";
import { type BatchIngestResult, ingestThroughBatches } from "./batch-ingest.ts";
import type { DatasetShape } from "./generate-jobs.ts";
import { measureReads, type ReadFigures } from "./measure-reads.ts";
import { checkMetricsExactness, type ExactnessResult } from "./metrics-exactness.ts";

export interface PgliteFigures {
  ingest: BatchIngestResult;
  reads: ReadFigures[];
  exactness: ExactnessResult;
}

/** The same reads on an in-memory PGlite, loaded through the batch path as an ingest loads it. */
export async function measurePglite(
  shape: DatasetShape,
  batchSize: number,
  runs: number,
): Promise<PgliteFigures> {
  return withLoadedPglite(shape, batchSize, async (handle, ingest) => {
    const reads = await measureReads(handle, shape.days, runs);
    return { ingest, reads, exactness: await checkMetricsExactness(handle) };
  });
}

/** `work` on an in-memory PGlite, migrated and loaded with `shape` as `forus-audit ingest` loads it. */
export async function withLoadedPglite<T>(
  shape: DatasetShape,
  batchSize: number,
  work: (handle: DatabaseHandle, ingest: BatchIngestResult) => Promise<T>,
): Promise<T> {
  const handle = await openDatabase({ engine: "pglite", dataDir: IN_MEMORY });
  try {
    await migrate(handle);
    const ingest = await ingestThroughBatches(handle.db, shape, batchSize);
    // What `forus-audit ingest` leaves behind on the embedded database: the tables its writes
    // took past autovacuum's thresholds analyzed and vacuumed (PGlite has no autovacuum).
    await vacuumEmbeddedAsNeeded(handle);
    return await work(handle, ingest);
  } finally {
    await handle.close();
  }
}
