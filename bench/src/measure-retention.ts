import { openDatabase } from "@forusbots/db";
import type { PostgresTarget } from "@forusbots/db/server-databases";
import type { DatasetShape } from "./generate-jobs.ts";
import { measurePrune, type PruneFigures } from "./measure-prune.ts";
import {
  measurePartitioning,
  type PartitioningFigures,
} from "./partitioning/measure-partitioning.ts";
import type { ScratchDatabases } from "./scratch-databases.ts";

export interface RetentionFigures {
  /** `pruneJobs` of the oldest month on the real schema, live bots writing beside it. */
  prune: PruneFigures;
  /** The same data set on the month-partitioned prototype, and a month dropped there. */
  partitioning: PartitioningFigures;
}

/**
 * Retention, both ways: the batched prune on the loaded database `target` (which it changes:
 * run it after every phase that reads the whole data set), then the partitioning prototype on a
 * database of its own.
 */
export async function measureRetention(
  databases: ScratchDatabases,
  target: PostgresTarget,
  shape: DatasetShape,
  runs: number,
  progress: (message: string) => void,
): Promise<RetentionFigures> {
  const handle = await openDatabase(target);
  let prune: PruneFigures;
  try {
    prune = await measurePrune(handle, target, shape.days);
  } finally {
    await handle.close();
  }
  progress("partitioning prototype: partitioned by month, COPY, reads, a month dropped");
  const partitioning = await measurePartitioning(databases, shape, runs, progress);
  return { prune, partitioning };
}
