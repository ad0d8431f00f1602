import type { DatabaseHandle } from "../client/handle.ts";
import { MigrationError } from "../errors.ts";
import { type MigrationFile, readMigrationFiles } from "./journal.ts";
import { type AppliedMigration, readAppliedMigrations } from "./tracking.ts";

export interface MigrationStatus {
  /** In the order they were applied; `appliedAt` is null for rows written by drizzle-orm. */
  applied: { tag: string; createdAt: number; hash: string; appliedAt: Date | null }[];
  pending: MigrationFile[];
}

/**
 * Matches the tracking rows with the migration files. Throws before anything runs when an applied
 * migration was edited or removed, or when a pending one sorts before the newest applied one
 * (drizzle-orm would skip it without a word).
 */
export function planMigrations(
  files: MigrationFile[],
  appliedRows: AppliedMigration[],
): MigrationStatus {
  const filesByTime = new Map(files.map((file) => [file.createdAt, file]));
  const applied: MigrationStatus["applied"] = [];
  for (const row of appliedRows) {
    const file = filesByTime.get(row.createdAt);
    if (!file) {
      throw new MigrationError(
        `the database has a migration applied (journal time ${row.createdAt}, hash ${row.hash.slice(0, 12)}) that is not among the migration files: was it removed or renamed in the journal?`,
      );
    }
    if (file.hash !== row.hash) {
      throw new MigrationError(
        `migration ${file.tag}.sql was edited after it was applied (hash ${row.hash.slice(0, 12)} in the database, ${file.hash.slice(0, 12)} on disk); restore it and put the change in a new migration`,
      );
    }
    applied.push({
      tag: file.tag,
      createdAt: file.createdAt,
      hash: file.hash,
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
  return { applied, pending };
}

export async function getMigrationStatus(
  handle: DatabaseHandle,
  files: MigrationFile[] = readMigrationFiles(),
): Promise<MigrationStatus> {
  return planMigrations(files, await readAppliedMigrations(handle));
}
