import { openDatabase } from "@forusbots/db/client";
import { type MigrationEvent, runMigrations } from "@forusbots/db/migrator";
import { sql } from "drizzle-orm";
import { copyDataset } from "./copy-dataset.ts";
import type { DatasetShape } from "./generate-jobs.ts";
import type { ScratchDatabases } from "./scratch-databases.ts";

export interface MigrationFigures {
  /** Every migration on an empty database, in-process (no Node start-up). */
  emptyChainMs: number;
  /** Each step after 0002 on a database already holding the dataset (0002-shaped tables). */
  dataSteps: { tag: string; milliseconds: number }[];
  /** Stage rows sent twice to the 0002-shaped table, and how many 0004 left. */
  stagesBeforeDedupe: number;
  stagesAfterDedupe: number;
}

const LAST_STEP_BEFORE_DATA = "0002_alias_views";
/** Every 100th job's stages are sent twice: the duplicates 0004 exists to remove. */
const REPEAT_STAGES_EVERY = 100;

function collectApplied(into: { tag: string; milliseconds: number }[]) {
  return (event: MigrationEvent) => {
    if (event.type === "applied") into.push({ tag: event.tag, milliseconds: event.milliseconds });
  };
}

export async function measureMigrations(
  databases: ScratchDatabases,
  shape: DatasetShape,
): Promise<MigrationFigures> {
  const empty = await databases.create("migrate_empty");
  const started = performance.now();
  await runMigrations(empty.target);
  const emptyChainMs = performance.now() - started;

  const loaded = await databases.create("migrate_data");
  await runMigrations(loaded.target, { to: LAST_STEP_BEFORE_DATA });
  const handle = await openDatabase(loaded.target, { maxConnections: 1 });
  let stagesBeforeDedupe = 0;
  try {
    if (handle.driver.engine !== "postgres") throw new Error("COPY needs PostgreSQL");
    stagesBeforeDedupe = (await copyDataset(handle.driver.sql, shape, REPEAT_STAGES_EVERY))
      .stageRows;
    // Fresh statistics, as a database that has been running for a while has.
    await handle.query(sql`ANALYZE`);
  } finally {
    await handle.close();
  }
  const dataSteps: { tag: string; milliseconds: number }[] = [];
  await runMigrations(loaded.target, { onEvent: collectApplied(dataSteps) });

  const after = await openDatabase(loaded.target, { maxConnections: 1 });
  try {
    const [row] = await after.query<{ stages: number }>(
      sql`SELECT count(*)::integer AS stages FROM job_stages`,
    );
    return {
      emptyChainMs,
      dataSteps,
      stagesBeforeDedupe,
      stagesAfterDedupe: Number(row?.stages ?? 0),
    };
  } finally {
    await after.close();
  }
}
