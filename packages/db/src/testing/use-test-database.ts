import { afterAll, beforeAll } from "vitest";
import type { DatabaseHandle } from "../client/handle.ts";
import type { AuditDb, PostgresOptions } from "../client/index.ts";
import {
  type CreateTestDatabaseOptions,
  createTestDatabase,
  type TestDatabase,
} from "./test-database.ts";

export interface TestDatabaseContext {
  readonly database: TestDatabase;
  readonly handle: DatabaseHandle;
  readonly db: AuditDb;
}

/**
 * A database of this test file's own (see `createTestDatabase`) and one open handle on it, both
 * made before the file's tests and closed and dropped after them. Read the fields inside tests or
 * hooks: they exist once `beforeAll` has run.
 */
export function useTestDatabase(
  options: CreateTestDatabaseOptions & { connection?: PostgresOptions } = {},
): TestDatabaseContext {
  let database: TestDatabase | undefined;
  let handle: DatabaseHandle | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(options);
    handle = await database.open(options.connection);
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
