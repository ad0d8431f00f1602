import { type SQL, sql } from "drizzle-orm";
import type { DatabaseHandle } from "../client/handle.ts";
import { MigrationError } from "../errors.ts";
import { safeMessageOf } from "../failures/driver-error.ts";
import {
  DEFAULT_LOCK_RETRY,
  LockRetriesExhausted,
  type LockRetryPolicy,
  retryOnLockTimeout,
} from "./lock-retry.ts";

export interface ScriptTimeouts {
  /**
   * How long one statement may wait for a lock. Short on purpose: an ALTER waiting for its
   * ACCESS EXCLUSIVE lock blocks every reader queued behind it, so it is better to give up
   * quickly and retry than to stall the table's readers behind a long-running query.
   */
  lockTimeoutMs: number;
  /** Longest a single statement may run; 0 means no limit. */
  statementTimeoutMs: number;
}

export const DEFAULT_TIMEOUTS: ScriptTimeouts = {
  lockTimeoutMs: 5_000,
  statementTimeoutMs: 600_000,
};

/** An up migration or a down script, ready to run. */
export interface Script {
  /** How messages name it, e.g. `migration 0003_ms_durations` or `down script 0003_ms_durations.down.sql`. */
  label: string;
  statements: string[];
  transactional: boolean;
}

export interface RunScriptOptions {
  timeouts?: ScriptTimeouts;
  lockRetry?: LockRetryPolicy;
  onLockRetry?: (attempt: number, delayMs: number) => void;
}

/** A statement failed: which one, so the message can show it. */
class StatementFailed extends Error {
  constructor(
    readonly index: number,
    readonly statement: string,
    cause: unknown,
  ) {
    super(safeMessageOf(cause), { cause });
  }
}

/** The first line of SQL in a statement (comments skipped), shortened for a one-line message. */
function firstSqlLine(statement: string): string {
  const line = statement.split("\n").find((text) => !text.trim().startsWith("--")) ?? statement;
  const trimmed = line.trim();
  return trimmed.length > 120 ? `${trimmed.slice(0, 117)}...` : trimmed;
}

const setting = (name: string, milliseconds: number, local: boolean): SQL =>
  sql`SELECT set_config(${name}, ${`${milliseconds}ms`}, ${local})`;

async function runStatement(
  execute: (statement: SQL) => Promise<unknown>,
  statements: string[],
  index: number,
): Promise<void> {
  const statement = statements[index] ?? "";
  try {
    await execute(sql.raw(statement));
  } catch (error) {
    throw new StatementFailed(index, statement, error);
  }
}

function explain(script: Script, error: unknown, timeouts: ScriptTimeouts): never {
  const failure = error instanceof LockRetriesExhausted ? error.lastError : error;
  const where =
    failure instanceof StatementFailed
      ? ` at statement ${failure.index + 1} of ${script.statements.length} (${firstSqlLine(failure.statement)})`
      : "";
  const message = safeMessageOf(failure);
  if (error instanceof LockRetriesExhausted) {
    throw new MigrationError(
      `${script.label} could not get its locks${where}: waited ${timeouts.lockTimeoutMs} ms on each of ${error.attempts} attempts (${message}); another session holds a conflicting lock, so nothing of this ${script.transactional ? "migration was applied" : "statement was applied"}. Retry when that session has finished, or raise --lock-timeout/--retries`,
      { cause: failure },
    );
  }
  throw new MigrationError(`${script.label} failed${where}: ${message}`, { cause: failure });
}

/**
 * Runs a script's statements and then `record` (the tracking-table change), each transactional
 * script in one transaction so a failure leaves none of it behind. Waiting too long for a lock
 * rolls the whole transaction back and tries it again after a pause.
 *
 * A non-transactional script runs statement by statement with session settings; a statement that
 * times out on a lock is retried on its own, and `record` runs only once all have succeeded, so a
 * crash half-way re-runs the whole script next time: such scripts must be safe to re-run
 * (`IF NOT EXISTS`, `IF EXISTS`).
 */
export async function runScript(
  handle: DatabaseHandle,
  script: Script,
  record: SQL,
  options: RunScriptOptions = {},
): Promise<void> {
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const policy = options.lockRetry ?? DEFAULT_LOCK_RETRY;
  try {
    if (script.transactional) {
      await retryOnLockTimeout(
        policy,
        () =>
          handle.db.transaction(async (tx) => {
            // SET LOCAL: the limits end with the transaction, whatever happens inside it.
            await tx.execute(setting("lock_timeout", timeouts.lockTimeoutMs, true));
            await tx.execute(setting("statement_timeout", timeouts.statementTimeoutMs, true));
            const execute = (statement: SQL) => tx.execute(statement);
            for (let index = 0; index < script.statements.length; index++) {
              await runStatement(execute, script.statements, index);
            }
            await tx.execute(record);
          }),
        options.onLockRetry,
      );
      return;
    }
    await handle.query(setting("lock_timeout", timeouts.lockTimeoutMs, false));
    await handle.query(setting("statement_timeout", timeouts.statementTimeoutMs, false));
    try {
      for (let index = 0; index < script.statements.length; index++) {
        await retryOnLockTimeout(
          policy,
          () => runStatement((statement) => handle.query(statement), script.statements, index),
          options.onLockRetry,
        );
      }
      await handle.query(record);
    } finally {
      await handle.query(sql`RESET lock_timeout`);
      await handle.query(sql`RESET statement_timeout`);
    }
  } catch (error) {
    explain(script, error, timeouts);
  }
}
