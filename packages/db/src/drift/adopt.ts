import { sql } from "drizzle-orm";
import { compareCatalogs } from "../catalog/compare.ts";
import { dumpCatalog } from "../catalog/dump.ts";
import type { DatabaseHandle } from "../client/handle.ts";
import { MigrationError, RefusedError } from "../errors.ts";
import { withMigrationLock } from "../migrator/advisory-lock.ts";
import { type MigrationFile, readMigrationFiles } from "../migrator/journal.ts";
import {
  ensureTrackingTable,
  readAppliedMigrations,
  TRACKING_SCHEMA,
  TRACKING_TABLE,
} from "../migrator/tracking.ts";
import { buildExpectedCatalogs } from "./shadow-catalogs.ts";

export interface AdoptResult {
  /** The newest migration the live schema matched; it and every older one are now recorded. */
  baseline: string;
  recorded: string[];
}

export interface AdoptOptions {
  files?: MigrationFile[];
  /** Verify and report, record nothing. */
  dryRun?: boolean;
}

/**
 * Takes over a database built by the seed's hand-run psql scripts (001, 002, 003, 005, 006), which
 * has the schema and the data but no tracking table. The live catalog is compared with the one
 * each migration step produces in a shadow PGlite; on an exact match with step N, migrations
 * 0..N are recorded as applied (one transaction, no other table touched). Anything else changes
 * nothing and lists how the schema differs from the closest step.
 */
export async function adoptLegacyDatabase(
  handle: DatabaseHandle,
  options: AdoptOptions = {},
): Promise<AdoptResult> {
  const files = options.files ?? readMigrationFiles();
  return withMigrationLock(handle, async () => {
    const applied = await readAppliedMigrations(handle);
    if (applied.length > 0) {
      throw new RefusedError(
        `the database already records ${applied.length} applied migration(s); adopt is only for databases built by the old psql scripts (use status and migrate)`,
      );
    }
    const live = await dumpCatalog(handle);
    if (live.tables.length === 0) {
      throw new RefusedError("the database has no tables: nothing to adopt (run migrate instead)");
    }
    const expected = await buildExpectedCatalogs(files);
    const comparisons = expected.map((catalog, index) => ({
      file: files[index],
      differences: compareCatalogs(catalog, live),
    }));
    const match = comparisons.findLast((comparison) => comparison.differences.length === 0);
    if (!match?.file) {
      const closest = comparisons.reduce((best, comparison) =>
        comparison.differences.length < best.differences.length ? comparison : best,
      );
      throw new MigrationError(
        `the schema matches no migration, so nothing was recorded; closest is ${closest.file?.tag} with ${closest.differences.length} difference(s): ${closest.differences.join("; ")}`,
      );
    }
    const baselineIndex = files.indexOf(match.file);
    const recorded = files.slice(0, baselineIndex + 1);
    if (!options.dryRun) {
      await ensureTrackingTable(handle);
      await handle.db.transaction(async (tx) => {
        for (const file of recorded) {
          // applied_at stays NULL: the psql scripts ran at a time nobody recorded.
          await tx.execute(sql`
            INSERT INTO ${sql.identifier(TRACKING_SCHEMA)}.${sql.identifier(TRACKING_TABLE)} (hash, created_at)
            VALUES (${file.hash}, ${file.createdAt})`);
        }
      });
    }
    return { baseline: match.file.tag, recorded: recorded.map((file) => file.tag) };
  });
}
