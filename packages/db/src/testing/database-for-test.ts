import { onTestFinished } from "vitest";
import type { PostgresOptions } from "../client/index.ts";
import {
  type CreateTestDatabaseOptions,
  createTestDatabase,
  type TestDatabase,
} from "./test-database.ts";
import type { TestDatabaseContext } from "./use-test-database.ts";

/**
 * A database for the running test alone (see `createTestDatabase`), dropped when the test ends,
 * passed or failed: for a test that changes what the file's shared database holds, so that no
 * other test reads what it left. Call it inside the test.
 */
export async function createDatabaseForTest(
  options: CreateTestDatabaseOptions = {},
): Promise<TestDatabase> {
  const database = await createTestDatabase(options);
  onTestFinished(() => database.dispose());
  return database;
}

/** As `createDatabaseForTest`, with one handle open on it, closed before the database goes. */
export async function openDatabaseForTest(
  options: CreateTestDatabaseOptions & { connection?: PostgresOptions } = {},
): Promise<TestDatabaseContext> {
  const database = await createTestDatabase(options);
  const handle = await database.open(options.connection).catch(async (error: unknown) => {
    await database.dispose();
    throw error;
  });
  onTestFinished(async () => {
    try {
      await handle.close();
    } finally {
      await database.dispose();
    }
  });
  return { database, handle, db: handle.db };
}
