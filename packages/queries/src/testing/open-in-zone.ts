import type { DatabaseHandle } from "@forusbots/db";
import type { TestDatabase } from "@forusbots/db/testing";
import { sql } from "drizzle-orm";

/**
 * Opens a handle whose every session runs in the time zone `zone`: on PostgreSQL set for the
 * database, so that every pooled connection has it; on PGlite for its one session.
 */
export async function openInZone(database: TestDatabase, zone: string): Promise<DatabaseHandle> {
  if (database.engine === "postgres") {
    const setup = await database.open({ maxConnections: 1 });
    try {
      await setup.db.execute(
        sql.raw(
          `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET timezone TO %L', current_database(), '${zone}'); END $$`,
        ),
      );
    } finally {
      await setup.close();
    }
    return database.open();
  }
  const handle = await database.open();
  await handle.db.execute(sql.raw(`SET timezone TO '${zone}'`));
  return handle;
}
