import type { DatabaseHandle } from "../client/handle.ts";
import { MigrationError } from "../errors.ts";
import { withMigrationLock } from "./advisory-lock.ts";
import { readDownScript } from "./down-scripts.ts";
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
        return { file, script: readDownScript(folder, file) };
      });
      const rolledBack: string[] = [];
      for (const { file, script } of plans) {
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
        await runScript(handle, script, deleteAppliedStatement(file.hash, file.createdAt), {
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
