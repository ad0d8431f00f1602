import type { DatabaseTarget } from "@forusbots/db";
import { describeTarget } from "@forusbots/db";
import { type AuditDb, type DatabaseHandle, openDatabase } from "@forusbots/db/client";
import { sql } from "drizzle-orm";

/**
 * The console's link to the audit database, opened on the first request rather than at start-up:
 * a console started while the database is down still serves its page, which then says so, and the
 * next request tries again instead of the process having to be restarted.
 */
export interface DatabaseConnection {
  /** The target as it may be shown (masked URL or data directory). */
  readonly description: string;
  /**
   * Runs `work` in a read-only transaction whose statements stop after the statement timeout:
   * the only way the console's routes reach the data, so none of them can write, and none can
   * hold a connection and a core for minutes.
   */
  read<T>(work: (db: AuditDb) => Promise<T>): Promise<T>;
  /** Resolves when the database answers now; throws its translated failure otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface ReadLimits {
  /** statement_timeout of every console query, in milliseconds (PostgreSQL only: see README). */
  statementTimeoutMs: number;
}

type Opener = (target: DatabaseTarget) => Promise<DatabaseHandle>;

/**
 * READ ONLY makes PostgreSQL refuse any write, DDL included, whatever the role may do; the
 * timeout is set LOCAL, so it ends with the transaction and never leaks to the pool's next user.
 * PGlite keeps the read-only rule but has no timer to enforce statement_timeout.
 */
async function readOnly<T>(
  db: AuditDb,
  limits: ReadLimits,
  work: (db: AuditDb) => Promise<T>,
): Promise<T> {
  return db.transaction(
    async (tx) => {
      await tx.execute(
        sql`SELECT set_config('statement_timeout', ${String(limits.statementTimeoutMs)}, true)`,
      );
      return work(tx);
    },
    { accessMode: "read only" },
  );
}

export function connectOnDemand(
  target: DatabaseTarget,
  limits: ReadLimits,
  open: Opener = openDatabase,
): DatabaseConnection {
  let pending: Promise<DatabaseHandle> | undefined;
  const handle = (): Promise<DatabaseHandle> => {
    if (pending === undefined) {
      const opening = open(target);
      pending = opening;
      // A failed attempt is forgotten so that the next request retries.
      opening.catch(() => {
        if (pending === opening) pending = undefined;
      });
    }
    return pending;
  };
  return {
    description: describeTarget(target),
    read: async (work) => readOnly((await handle()).db, limits, work),
    ping: async () => (await handle()).ping(),
    close: async () => {
      const current = pending;
      pending = undefined;
      if (current === undefined) return;
      const opened = await current.catch(() => undefined);
      await opened?.close();
    },
  };
}

/** A connection over a handle the caller already holds (the API tests). */
export function connectionOf(handle: DatabaseHandle, limits: ReadLimits): DatabaseConnection {
  return {
    description: handle.description,
    read: (work) => readOnly(handle.db, limits, work),
    ping: () => handle.ping(),
    close: () => handle.close(),
  };
}
