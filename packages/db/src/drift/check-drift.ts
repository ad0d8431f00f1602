import { compareCatalogs } from "../catalog/compare.ts";
import { dumpCatalog } from "../catalog/dump.ts";
import type { DatabaseHandle } from "../client/handle.ts";
import { MIGRATIONS_FOLDER, readMigrationFiles } from "../migrator/journal.ts";
import { getMigrationStatus } from "../migrator/plan.ts";
import { readKeptObjects, withoutKeptObjects } from "./reconcile/kept-objects.ts";
import { buildExpectedCatalogs, EMPTY_CATALOG } from "./shadow-catalogs.ts";
import { findUncapturedSchemaChanges } from "./uncaptured-changes.ts";

export interface DriftReport {
  /** The newest applied migration the live schema was compared with (null: none applied). */
  comparedWith: string | null;
  /** Each way the live schema differs from what the applied migrations produce. */
  differences: string[];
  /** Migrations not yet applied (not drift: `migrate` applies them). */
  pending: string[];
  /** SQL drizzle-kit would generate for schema.ts changes that no migration captures. */
  uncapturedSchemaChanges: string[];
  drifted: boolean;
}

export interface CheckDriftOptions {
  folder?: string;
  /** Skip the schema.ts check (it runs drizzle-kit, which only a checkout has). */
  skipSchemaCheck?: boolean;
}

/**
 * Compares the live schema with the one its applied migrations produce in a shadow PGlite,
 * and schema.ts with the last migration snapshot. Verifies the applied files first, like migrate.
 */
export async function checkDrift(
  handle: DatabaseHandle,
  options: CheckDriftOptions = {},
): Promise<DriftReport> {
  const folder = options.folder ?? MIGRATIONS_FOLDER;
  const files = readMigrationFiles(folder);
  const status = await getMigrationStatus(handle, files);
  const expected =
    status.applied.length === 0
      ? EMPTY_CATALOG
      : ((await buildExpectedCatalogs(files, status.applied.length)).at(-1) ?? EMPTY_CATALOG);
  // What adopt kept of an operator's (or of the seed's, under names of its own) is not drift.
  const live = withoutKeptObjects(await dumpCatalog(handle), await readKeptObjects(handle));
  const differences = compareCatalogs(expected, live);
  const uncapturedSchemaChanges = options.skipSchemaCheck
    ? []
    : await findUncapturedSchemaChanges(folder);
  return {
    comparedWith: status.applied.at(-1)?.tag ?? null,
    differences,
    pending: status.pending.map((file) => file.tag),
    uncapturedSchemaChanges,
    drifted: differences.length > 0 || uncapturedSchemaChanges.length > 0,
  };
}
