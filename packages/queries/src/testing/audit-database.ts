import type { AuditDb, DatabaseHandle } from "@forusbots/db";
import * as schema from "@forusbots/db/schema";
import { type TestDatabaseContext, useTestDatabase } from "@forusbots/db/testing";

export type AuditTestContext = TestDatabaseContext;

/** A migrated database of this test file's own and one open handle on it. */
export const useAuditDatabase = (): AuditTestContext => useTestDatabase();

/** A fixed instant plus `minutes`, so expected durations are worked out from round numbers. */
export const at = (minutes: number, seconds = 0): Date =>
  new Date(Date.UTC(2024, 0, 15, 10, 0, 0) + minutes * 60_000 + seconds * 1000);

/**
 * A drizzle database on the handle's connection that logs every statement it sends, and beside
 * it (same index) the statement's parameters.
 */
export async function statementLoggingDatabase(
  handle: DatabaseHandle,
): Promise<{ db: AuditDb; sent: string[]; params: unknown[][] }> {
  const sent: string[] = [];
  const params: unknown[][] = [];
  const logger = {
    logQuery: (query: string, values: unknown[]) => {
      sent.push(query);
      params.push(values);
    },
  };
  if (handle.driver.engine === "postgres") {
    const { drizzle } = await import("drizzle-orm/postgres-js");
    return { db: drizzle(handle.driver.sql, { schema, logger }), sent, params };
  }
  const { drizzle } = await import("drizzle-orm/pglite");
  return { db: drizzle(handle.driver.client, { schema, logger }), sent, params };
}
