import { type CatalogDump, dumpCatalog } from "../catalog/dump.ts";
import { IN_MEMORY, openDatabase } from "../client/index.ts";
import type { MigrationFile } from "../migrator/journal.ts";
import { migrate } from "../migrator/migrate.ts";

/**
 * The schema each migration step produces, built in a throw-away in-memory PGlite (a shadow
 * database that needs no server): entry `i` is the catalog after `files[0..i]`; `steps` limits
 * how many are built. Index -1 (before any migration) is not included; that is an empty dump.
 */
export async function buildExpectedCatalogs(
  files: MigrationFile[],
  steps: number = files.length,
): Promise<CatalogDump[]> {
  const shadow = await openDatabase({ engine: "pglite", dataDir: IN_MEMORY });
  try {
    const dumps: CatalogDump[] = [];
    for (const file of files.slice(0, steps)) {
      await migrate(shadow, { files, to: file.tag });
      dumps.push(await dumpCatalog(shadow));
    }
    return dumps;
  } finally {
    await shadow.close();
  }
}

export const EMPTY_CATALOG: CatalogDump = { tables: [], views: [], sequences: [], functions: {} };
