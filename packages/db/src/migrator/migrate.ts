import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "../client/handle.ts";
import { openDatabase } from "../client/index.ts";
import type { DatabaseTarget } from "../config.ts";
import { MigrationError } from "../errors.ts";
import { type MigrationFile, readMigrationFiles } from "./journal.ts";
import {
  type AppliedMigration,
  ensureTrackingTable,
  readAppliedMigrations,
  recordAppliedStatement,
} from "./tracking.ts";

/** Key of the session advisory lock every migrating process takes, so deploys can run at once. */
export const MIGRATION_LOCK_KEY = 4_242_017_001;

export interface MigrationStatus {
  applied: { tag: string; appliedAt: Date | null }[];
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
        `the database has a migration applied (journal time ${row.createdAt}, hash ${row.hash.slice(0, 12)}) that is not among the migration files: was it removed?`,
      );
    }
    if (file.hash !== row.hash) {
      throw new MigrationError(
        `migration ${file.tag} was edited after it was applied (hash ${row.hash.slice(0, 12)} in the database, ${file.hash.slice(0, 12)} on disk)`,
      );
    }
    applied.push({ tag: file.tag, appliedAt: row.appliedAt });
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

export type MigrationEvent =
  | { type: "applied"; tag: string; statements: number; milliseconds: number }
  | { type: "would-apply"; tag: string; statements: string[] };

export interface MigrateOptions {
  /** Stop after this migration (its tag, e.g. `0002_alias_views`). */
  to?: string;
  /** Plan and report, execute nothing. */
  dryRun?: boolean;
  files?: MigrationFile[];
  onEvent?: (event: MigrationEvent) => void;
}

export interface MigrateResult {
  applied: string[];
  /** Migrations that were already applied when the lock was taken. */
  alreadyApplied: number;
}

function selectUpTo(pending: MigrationFile[], all: MigrationFile[], to?: string): MigrationFile[] {
  if (to === undefined) return pending;
  const target = all.find((file) => file.tag === to);
  if (!target) {
    throw new MigrationError(
      `no migration named ${to} (known: ${all.map((file) => file.tag).join(", ")})`,
    );
  }
  return pending.filter((file) => file.createdAt <= target.createdAt);
}

async function applyMigration(handle: DatabaseHandle, file: MigrationFile): Promise<void> {
  // One transaction per migration: a failure keeps the earlier ones and leaves no half of this one.
  await handle.db.transaction(async (tx) => {
    for (const [index, statement] of file.statements.entries()) {
      try {
        await tx.execute(sql.raw(statement));
      } catch (error) {
        const firstLine = statement.split("\n").find((line) => !line.startsWith("--")) ?? "";
        throw new MigrationError(
          `migration ${file.tag} failed at statement ${index + 1} of ${file.statements.length} (${firstLine.slice(0, 120)}): ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    await tx.execute(recordAppliedStatement(file.hash, file.createdAt));
  });
}

/**
 * Applies pending migrations under a session advisory lock, each in its own transaction. The
 * handle must keep one session for the whole run (PGlite, or PostgreSQL opened with
 * `maxConnections: 1`); `runMigrations` opens such a handle itself.
 */
export async function migrate(
  handle: DatabaseHandle,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  if (handle.poolSize !== 1) {
    throw new Error("migrate() needs a single-connection handle (maxConnections: 1)");
  }
  const files = options.files ?? readMigrationFiles();
  await handle.query(sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
  try {
    if (!options.dryRun) await ensureTrackingTable(handle);
    const status = await getMigrationStatus(handle, files);
    const selected = selectUpTo(status.pending, files, options.to);
    const applied: string[] = [];
    for (const file of selected) {
      if (options.dryRun) {
        options.onEvent?.({ type: "would-apply", tag: file.tag, statements: file.statements });
        continue;
      }
      const started = performance.now();
      await applyMigration(handle, file);
      applied.push(file.tag);
      options.onEvent?.({
        type: "applied",
        tag: file.tag,
        statements: file.statements.length,
        milliseconds: Math.round(performance.now() - started),
      });
    }
    return { applied, alreadyApplied: status.applied.length };
  } finally {
    await handle.query(sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
  }
}

/** Opens a single-session handle on `target`, migrates it and closes it. */
export async function runMigrations(
  target: DatabaseTarget,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const handle = await openDatabase(target, { maxConnections: 1 });
  try {
    return await migrate(handle, options);
  } finally {
    await handle.close();
  }
}
