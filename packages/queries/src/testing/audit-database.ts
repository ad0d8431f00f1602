import type { AuditDb, DatabaseHandle } from "@forusbots/db";
import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";

export interface AuditTestContext {
  readonly database: TestDatabase;
  readonly handle: DatabaseHandle;
  readonly db: AuditDb;
}

/**
 * A migrated database of this test file's own (see `createTestDatabase`) and one open handle on
 * it, closed and dropped after the file's tests.
 */
export function useAuditDatabase(): AuditTestContext {
  let database: TestDatabase | undefined;
  let handle: DatabaseHandle | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    handle = await database.open();
  });
  afterAll(async () => {
    await handle?.close();
    await database?.dispose();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the test database is not open yet");
    return value;
  };
  return {
    get database() {
      return ready(database);
    },
    get handle() {
      return ready(handle);
    },
    get db() {
      return ready(handle).db;
    },
  };
}

/** Empties both tables, for tests whose expected figures assume only their own rows. */
export async function clearAuditTables(db: AuditDb): Promise<void> {
  await db.execute(sql`TRUNCATE jobs, job_stages`);
}

/** A fixed instant plus `minutes`, so expected durations are worked out from round numbers. */
export const at = (minutes: number, seconds = 0): Date =>
  new Date(Date.UTC(2024, 0, 15, 10, 0, 0) + minutes * 60_000 + seconds * 1000);
