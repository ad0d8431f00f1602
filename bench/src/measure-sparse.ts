import type { DatabaseHandle } from "@forusbots/db";
import { openDatabase } from "@forusbots/db/client";
import { runMigrations } from "@forusbots/db/migrator";
import { sql } from "drizzle-orm";
import { copyDataset } from "./copy-dataset.ts";
import type { DatasetShape } from "./generate-jobs.ts";
import { withLoadedPglite } from "./measure-pglite.ts";
import { measureReadCases, type ReadFigures } from "./measure-reads.ts";
import { readCases } from "./read-cases.ts";
import type { ScratchDatabases } from "./scratch-databases.ts";

/** The time series on sparse data, on each engine. */
export interface SparseFigures {
  postgres: ReadFigures[];
  pglite: ReadFigures[];
}

/**
 * The time series again on a data set with about as many jobs as hours of a bot: there the
 * rollup holds about one job per row and saves no rows, and a read must still not lose to the
 * plain GROUP BY (the "at any range"). Each engine is loaded as it is in production
 * (COPY then VACUUM ANALYZE on PostgreSQL, the batch path on PGlite) so that its statistics are
 * what the reads choose by.
 */
export async function measureSparseTimeSeries(
  databases: ScratchDatabases,
  shape: DatasetShape,
  batchSize: number,
  runs: number,
): Promise<SparseFigures> {
  const database = await databases.create("sparse");
  await runMigrations(database.target);
  const server = await openDatabase({ engine: "postgres", url: database.target.url });
  let postgres: ReadFigures[];
  try {
    if (server.driver.engine !== "postgres") throw new Error("COPY needs PostgreSQL");
    await copyDataset(server.driver.sql, shape);
    await server.query(sql`VACUUM ANALYZE`);
    postgres = await measureTimeSeries(server, shape.days, runs);
  } finally {
    await server.close();
  }
  const pglite = await withLoadedPglite(shape, batchSize, (embedded) =>
    measureTimeSeries(embedded, shape.days, runs),
  );
  return { postgres, pglite };
}

const measureTimeSeries = (handle: DatabaseHandle, days: number, runs: number) =>
  measureReadCases(
    readCases(handle, days, []).filter((read) => read.key.startsWith("timeSeries")),
    runs,
  );
