import type { DatabaseTarget } from "@forusbots/db";
import { describeTarget } from "@forusbots/db";
import { type AuditDb, type DatabaseHandle, openDatabase } from "@forusbots/db/client";

/**
 * The console's link to the audit database, opened on the first request rather than at start-up:
 * a console started while the database is down still serves its page, which then says so, and the
 * next request tries again instead of the process having to be restarted.
 */
export interface DatabaseConnection {
  /** The target as it may be shown (masked URL or data directory). */
  readonly description: string;
  db(): Promise<AuditDb>;
  /** Resolves when the database answers now; throws its translated failure otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

type Opener = (target: DatabaseTarget) => Promise<DatabaseHandle>;

export function connectOnDemand(
  target: DatabaseTarget,
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
    db: async () => (await handle()).db,
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
export function connectionOf(handle: DatabaseHandle): DatabaseConnection {
  return {
    description: handle.description,
    db: async () => handle.db,
    ping: () => handle.ping(),
    close: () => handle.close(),
  };
}
