import type { DatabaseHandle } from "../client/handle.ts";
import { MigrationError } from "../errors.ts";
import { type MigrationFile, readMigrationFiles } from "./journal.ts";
import { type AppliedMigration, readAppliedMigrations } from "./tracking.ts";

export interface MigrationStatus {
  /**
   * In the order they were applied; `appliedAt` is null for rows written by drizzle-orm. `hash`
   * is the one the tracking row holds (the row's key, with its time, for a rollback).
   */
  applied: { tag: string; createdAt: number; hash: string; appliedAt: Date | null }[];
  pending: MigrationFile[];
  /**
   * Applied migrations whose file changed since (other than in its line endings); listed only
   * when the caller asked to be told rather than refused ({@link PlanOptions.editedApplied}).
   */
  edited: EditedMigration[];
}

export interface EditedMigration {
  tag: string;
  /** Shortened hashes, as the message shows them. */
  appliedHash: string;
  fileHash: string;
}

export interface PlanOptions {
  /**
   * What an applied migration edited since is: `refuse` (the default) for whatever changes the
   * schema or relies on the files matching it (migrate, rollback, check); `report` for reads,
   * which go on and warn, since the schema in the database is what they read.
   */
  editedApplied?: "refuse" | "report";
}

/** The one wording of an edited migration, whether it refuses or warns. */
export const describeEditedMigration = (edited: EditedMigration): string =>
  `migration ${edited.tag}.sql was edited after it was applied (hash ${edited.appliedHash} in the database, ${edited.fileHash} on disk); restore it and put the change in a new migration`;

/**
 * Matches the tracking rows with the migration files. Throws before anything runs when an applied
 * migration was edited (unless `report` is asked for) or removed, or when a pending one sorts
 * before the newest applied one (drizzle-orm would skip it without a word). A file that differs
 * from what was applied only in its line endings is the same migration.
 */
export function planMigrations(
  files: MigrationFile[],
  appliedRows: AppliedMigration[],
  options: PlanOptions = {},
): MigrationStatus {
  const filesByTime = new Map(files.map((file) => [file.createdAt, file]));
  const applied: MigrationStatus["applied"] = [];
  const edited: EditedMigration[] = [];
  for (const row of appliedRows) {
    const file = filesByTime.get(row.createdAt);
    if (!file) {
      throw new MigrationError(
        `the database has a migration applied (journal time ${row.createdAt}, hash ${row.hash.slice(0, 12)}) that is not among the migration files: was it removed or renamed in the journal?`,
      );
    }
    if (!file.sameContentHashes.includes(row.hash)) {
      const changed = {
        tag: file.tag,
        appliedHash: row.hash.slice(0, 12),
        fileHash: file.hash.slice(0, 12),
      };
      if (options.editedApplied !== "report") {
        throw new MigrationError(describeEditedMigration(changed));
      }
      edited.push(changed);
    }
    applied.push({
      tag: file.tag,
      createdAt: file.createdAt,
      hash: row.hash,
      appliedAt: row.appliedAt,
    });
  }
  const appliedTimes = new Set(appliedRows.map((row) => row.createdAt));
  const pending = files.filter((file) => !appliedTimes.has(file.createdAt));
  const newestApplied = Math.max(-Infinity, ...appliedRows.map((row) => row.createdAt));
  const outOfOrder = pending.filter((file) => file.createdAt < newestApplied);
  if (outOfOrder.length > 0) {
    throw new MigrationError(
      `pending migration ${outOfOrder.map((file) => file.tag).join(", ")} is older than the newest applied one; re-generate it after the applied migrations`,
    );
  }
  return { applied, pending, edited };
}

export async function getMigrationStatus(
  handle: DatabaseHandle,
  files: MigrationFile[] = readMigrationFiles(),
  options: PlanOptions = {},
): Promise<MigrationStatus> {
  return planMigrations(files, await readAppliedMigrations(handle), options);
}
