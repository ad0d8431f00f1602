import type { DatabaseHandle } from "../client/handle.ts";
import { openDatabase } from "../client/index.ts";
import type { DatabaseTarget } from "../config.ts";
import { MigrationError } from "../errors.ts";
import { withMigrationLock } from "./advisory-lock.ts";
import { type MigrationFile, readMigrationFiles } from "./journal.ts";
import { DEFAULT_LOCK_RETRY, type LockRetryPolicy } from "./lock-retry.ts";
import { getMigrationStatus } from "./plan.ts";
import { DEFAULT_TIMEOUTS, runScript, type ScriptTimeouts } from "./run-script.ts";
import { ensureTrackingTable, recordAppliedStatement } from "./tracking.ts";

export type MigrationEvent =
  | { type: "waiting-for-lock" }
  | { type: "applied"; tag: string; statements: number; milliseconds: number }
  | { type: "would-apply"; tag: string; statements: string[]; transactional: boolean }
  | { type: "lock-retry"; tag: string; attempt: number; delayMs: number }
  /** A WARNING the server raised while a migration ran (PostgreSQL opened by runMigrations). */
  | { type: "warning"; message: string };

/** Limits and retries shared by `migrate` and `rollback`. */
export interface LockOptions {
  /** lock_timeout of each migration (default 5000 ms). */
  lockTimeoutMs?: number;
  /** statement_timeout of each statement (default 600000 ms; 0 = none). */
  statementTimeoutMs?: number;
  /** Further attempts after a lock timeout (default 5). */
  retries?: number;
  /** Pause before the first retry, doubled each time up to 10 s (default 500 ms). */
  retryDelayMs?: number;
}

export interface MigrateOptions extends LockOptions {
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

export function resolveLockOptions(options: LockOptions): {
  timeouts: ScriptTimeouts;
  lockRetry: LockRetryPolicy;
} {
  for (const [name, value] of Object.entries(options)) {
    if (
      ["lockTimeoutMs", "statementTimeoutMs", "retries", "retryDelayMs"].includes(name) &&
      value !== undefined &&
      !(Number.isInteger(value) && value >= 0)
    ) {
      throw new MigrationError(`${name} must be a whole number ≥ 0 (got ${String(value)})`);
    }
  }
  return {
    timeouts: {
      lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_TIMEOUTS.lockTimeoutMs,
      statementTimeoutMs: options.statementTimeoutMs ?? DEFAULT_TIMEOUTS.statementTimeoutMs,
    },
    lockRetry: {
      retries: options.retries ?? DEFAULT_LOCK_RETRY.retries,
      baseDelayMs: options.retryDelayMs ?? DEFAULT_LOCK_RETRY.baseDelayMs,
      maxDelayMs: DEFAULT_LOCK_RETRY.maxDelayMs,
    },
  };
}

export function findMigration(files: MigrationFile[], tag: string): MigrationFile {
  const file = files.find((candidate) => candidate.tag === tag);
  if (!file) {
    throw new MigrationError(
      `no migration named ${tag} (known: ${files.map((candidate) => candidate.tag).join(", ")})`,
    );
  }
  return file;
}

/**
 * Applies pending migrations under the migration advisory lock, each in its own transaction. The
 * handle must keep one session for the whole run (PGlite, or PostgreSQL opened with
 * `maxConnections: 1`); `runMigrations` opens such a handle itself.
 */
export async function migrate(
  handle: DatabaseHandle,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const files = options.files ?? readMigrationFiles();
  const limit = options.to === undefined ? undefined : findMigration(files, options.to).createdAt;
  const { timeouts, lockRetry } = resolveLockOptions(options);
  const emit = options.onEvent ?? (() => {});
  return withMigrationLock(
    handle,
    async () => {
      if (!options.dryRun) await ensureTrackingTable(handle);
      // Read under the lock: what another process applied while we waited counts as applied.
      const status = await getMigrationStatus(handle, files);
      const selected = status.pending.filter(
        (file) => limit === undefined || file.createdAt <= limit,
      );
      const applied: string[] = [];
      for (const file of selected) {
        if (options.dryRun) {
          emit({
            type: "would-apply",
            tag: file.tag,
            statements: file.statements,
            transactional: file.transactional,
          });
          continue;
        }
        const started = performance.now();
        await runScript(
          handle,
          {
            label: `migration ${file.tag}`,
            statements: file.statements,
            transactional: file.transactional,
          },
          recordAppliedStatement(file.hash, file.createdAt),
          {
            timeouts,
            lockRetry,
            onLockRetry: (attempt, delayMs) =>
              emit({ type: "lock-retry", tag: file.tag, attempt, delayMs }),
          },
        );
        applied.push(file.tag);
        emit({
          type: "applied",
          tag: file.tag,
          statements: file.statements.length,
          milliseconds: Math.round(performance.now() - started),
        });
      }
      return { applied, alreadyApplied: status.applied.length };
    },
    () => emit({ type: "waiting-for-lock" }),
  );
}

/** Opens a single-session handle on `target`, migrates it and closes it. */
export async function runMigrations(
  target: DatabaseTarget,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const handle = await openDatabase(target, {
    maxConnections: 1,
    onWarning: (message) => options.onEvent?.({ type: "warning", message }),
  });
  try {
    return await migrate(handle, options);
  } finally {
    await handle.close();
  }
}
