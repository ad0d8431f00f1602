import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { IN_MEMORY } from "../config.ts";
import { ConnectionError, NoEmbeddedDatabaseError } from "../errors.ts";
import { translateDriverError } from "../failures/translate.ts";
import * as schema from "../schema/index.ts";
import { lockEmbeddedDirectory } from "./embedded-lock.ts";
import type { AuditDb, DatabaseHandle } from "./handle.ts";

/**
 * Opens an embedded PGlite database in `dataDir` (creating it unless `existingOnly`), or in memory.
 * A data directory exists once it holds PostgreSQL's PG_VERSION file.
 */
export async function openPglite(
  dataDir: string,
  options: { existingOnly?: boolean } = {},
): Promise<DatabaseHandle> {
  const inMemory = dataDir === IN_MEMORY;
  let unlock = () => {};
  if (!inMemory) {
    if (options.existingOnly === true && !existsSync(join(dataDir, "PG_VERSION"))) {
      throw new NoEmbeddedDatabaseError(dataDir);
    }
    mkdirSync(dirname(dataDir), { recursive: true });
    unlock = await lockEmbeddedDirectory(dataDir);
  }
  let client: PGlite;
  try {
    client = await PGlite.create(inMemory ? undefined : dataDir);
  } catch (error) {
    unlock();
    throw new ConnectionError(
      `cannot open the embedded database ${dataDir}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const typedDb = drizzle(client, { schema });
  const db: AuditDb = typedDb;
  return {
    db,
    driver: { engine: "pglite", client },
    engine: "pglite",
    poolSize: 1,
    description: inMemory ? "embedded PGlite (in memory)" : `embedded PGlite ${dataDir}`,
    query: async <Row extends Record<string, unknown>>(statement: SQL) =>
      (await typedDb.execute<Row>(statement)).rows as Row[],
    ping: async () => {
      try {
        await client.query("SELECT 1");
      } catch (error) {
        throw translateDriverError(error);
      }
    },
    close: async () => {
      try {
        await client.close();
      } finally {
        unlock();
      }
    },
  };
}
