import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../client/index.ts";
import { runMigrations } from "../migrator/index.ts";

/** Data directories that test databases are copied from. */
export interface PgliteTemplates {
  root: string;
  /** Initialised, nothing migrated. */
  empty: string;
  /** Every migration applied. */
  migrated: string;
}

/**
 * PGlite's initdb and a full migration take seconds each; copying a finished data directory takes
 * milliseconds. Made once per test run, copied once per test file.
 */
export async function createPgliteTemplates(): Promise<PgliteTemplates> {
  const root = mkdtempSync(join(tmpdir(), "forusbots-audit-templates-"));
  const empty = join(root, "empty");
  const migrated = join(root, "migrated");
  const handle = await openDatabase({ engine: "pglite", dataDir: empty });
  await handle.close();
  await runMigrations({ engine: "pglite", dataDir: migrated });
  return { root, empty, migrated };
}
