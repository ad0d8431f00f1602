import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "../client/handle.ts";
import { MigrationError } from "../errors.ts";
import { ROLLUP_TABLE_NAMES } from "../schema/rollups.ts";
import { withMigrationLock } from "./advisory-lock.ts";
import { readDownScript, tablesDroppedBy } from "./down-scripts.ts";
import { MIGRATIONS_FOLDER, readMigrationFiles } from "./journal.ts";
import { findMigration, type LockOptions, resolveLockOptions } from "./migrate.ts";
import { getMigrationStatus } from "./plan.ts";
import { runScript } from "./run-script.ts";
import { deleteAppliedStatement } from "./tracking.ts";

export type RollbackEvent =
  | { type: "waiting-for-lock" }
  | { type: "rolled-back"; tag: string; statements: number; milliseconds: number }
  | { type: "would-roll-back"; tag: string; statements: string[]; transactional: boolean }
  | { type: "lock-retry"; tag: string; attempt: number; delayMs: number };

/** A table a rollback would drop, counted when the plan was made. */
export interface DroppedTable {
  name: string;
  /** The migration whose down script drops it; `--to` that migration keeps the table. */
  droppedBy: string;
  rows: number;
  /** A rollup, rebuilt from jobs and job_stages by migrate: dropping it loses no data. */
  derived: boolean;
}

/** What a rollback is about to do, made under the migration lock before anything runs. */
export interface RollbackPlan {
  /** Newest first, the order they are undone in. */
  migrations: string[];
  droppedTables: DroppedTable[];
  /** Migrations applied before the rollback. */
  applied: number;
}

export interface RollbackOptions extends LockOptions {
  /**
   * Roll back every migration applied after this one, which stays applied. Without `to` (and
   * without `all`), only the newest applied migration is rolled back.
   */
  to?: string;
  /** Roll back every applied migration: an empty schema. */
  all?: boolean;
  dryRun?: boolean;
  /** Folder with the journal, the migrations and their `.down.sql` scripts. */
  folder?: string;
  onEvent?: (event: RollbackEvent) => void;
  /**
   * Sees the plan under the lock, before the first down script runs, and may throw to stop it:
   * what the caller shows and approves is exactly what runs (a `migrate` that lands meanwhile
   * waits for the lock). Called on dry runs too.
   */
  review?: (plan: RollbackPlan) => void | Promise<void>;
}

export interface RollbackResult {
  rolledBack: string[];
  /** Migrations still applied afterwards. */
  remaining: number;
}

/**
 * Undoes applied migrations newest first with their hand-written down scripts, under the same
 * advisory lock as `migrate`, one transaction each (the down script and the removal of its
 * tracking row commit together). Every down script is read before the first one runs.
 */
export async function rollback(
  handle: DatabaseHandle,
  options: RollbackOptions = {},
): Promise<RollbackResult> {
  if (options.to !== undefined && options.all) {
    throw new MigrationError("give either a migration to roll back to or all, not both");
  }
  const folder = options.folder ?? MIGRATIONS_FOLDER;
  const files = readMigrationFiles(folder);
  const target = options.to === undefined ? undefined : findMigration(files, options.to);
  const { timeouts, lockRetry } = resolveLockOptions(options);
  const emit = options.onEvent ?? (() => {});
  return withMigrationLock(
    handle,
    async () => {
      const status = await getMigrationStatus(handle, files);
      if (target && !status.applied.some((applied) => applied.tag === target.tag)) {
        throw new MigrationError(`cannot roll back to ${target.tag}: it is not applied`);
      }
      const newestFirst = [...status.applied].reverse();
      const chosen = target
        ? newestFirst.filter((applied) => applied.createdAt > target.createdAt)
        : options.all
          ? newestFirst
          : newestFirst.slice(0, 1);
      const plans = chosen.map((applied) => {
        const file = findMigration(files, applied.tag);
        return { file, appliedHash: applied.hash, script: readDownScript(folder, file) };
      });
      await options.review?.({
        migrations: plans.map(({ file }) => file.tag),
        droppedTables: await countDroppedTables(
          handle,
          plans.flatMap(({ file, script }) =>
            tablesDroppedBy(script).map((name) => ({ name, droppedBy: file.tag })),
          ),
        ),
        applied: status.applied.length,
      });
      const rolledBack: string[] = [];
      for (const { file, appliedHash, script } of plans) {
        if (options.dryRun) {
          emit({
            type: "would-roll-back",
            tag: file.tag,
            statements: script.statements,
            transactional: script.transactional,
          });
          continue;
        }
        const started = performance.now();
        await runScript(handle, script, deleteAppliedStatement(appliedHash, file.createdAt), {
          timeouts,
          lockRetry,
          onLockRetry: (attempt, delayMs) =>
            emit({ type: "lock-retry", tag: file.tag, attempt, delayMs }),
        });
        rolledBack.push(file.tag);
        emit({
          type: "rolled-back",
          tag: file.tag,
          statements: script.statements.length,
          milliseconds: Math.round(performance.now() - started),
        });
      }
      return { rolledBack, remaining: status.applied.length - rolledBack.length };
    },
    () => emit({ type: "waiting-for-lock" }),
  );
}

/** Counts the rows of each table to be dropped (a table already gone counts none). */
async function countDroppedTables(
  handle: DatabaseHandle,
  tables: { name: string; droppedBy: string }[],
): Promise<DroppedTable[]> {
  const counted: DroppedTable[] = [];
  for (const table of tables) {
    const [present] = await handle.query<{ present: boolean }>(
      sql`SELECT to_regclass(quote_ident(${table.name})) IS NOT NULL AS present`,
    );
    const rows = present?.present
      ? Number(
          (
            await handle.query<{ rows: string | number }>(
              sql`SELECT count(*) AS rows FROM ${sql.identifier(table.name)}`,
            )
          )[0]?.rows ?? 0,
        )
      : 0;
    counted.push({ ...table, rows, derived: ROLLUP_TABLE_NAMES.includes(table.name) });
  }
  return counted;
}
