import { type CatalogDump, dumpCatalog } from "../../catalog/dump.ts";
import { IN_MEMORY, openDatabase } from "../../client/index.ts";
import type { MigrationFile } from "../../migrator/journal.ts";
import { migrate } from "../../migrator/migrate.ts";
import { type LiveDetails, readLiveDetails } from "./live-details.ts";

export interface ExpectedStep {
  catalog: CatalogDump;
  details: LiveDetails;
}

/** The schema migration `tag` leaves, built in a throw-away in-memory PGlite (no server needed). */
export async function buildExpectedStep(
  files: MigrationFile[],
  tag: string,
): Promise<ExpectedStep> {
  const shadow = await openDatabase({ engine: "pglite", dataDir: IN_MEMORY });
  try {
    await migrate(shadow, { files, to: tag });
    return { catalog: await dumpCatalog(shadow), details: await readLiveDetails(shadow) };
  } finally {
    await shadow.close();
  }
}
