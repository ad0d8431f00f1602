import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "./client/handle.ts";
import { RefusedError } from "./errors.ts";
import { readMigrationFiles, runMigrations } from "./migrator/index.ts";
import { resetDatabase, resetRefusal } from "./reset.ts";
import { createTestDatabase, type TestDatabase } from "./testing/index.ts";

const tablesAndViews = async (handle: DatabaseHandle) =>
  (
    await handle.query<{ name: string }>(sql`
      SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema IN ('public', 'drizzle') ORDER BY 1`)
  ).map((row) => row.name);

describe("guarded reset (the seed's 004_reset_schema)", () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase();
    handle = await database.open();
    await handle.query(sql`INSERT INTO jobs (job_id, bot_id) VALUES (gen_random_uuid(), 'bot-a')`);
  });
  afterAll(async () => {
    await handle?.close();
    await database?.dispose();
  });

  it("refuses without explicit confirmation and drops nothing", async () => {
    await expect(resetDatabase(handle, { confirmed: false, production: false })).rejects.toThrow(
      "confirm it explicitly",
    );
    expect(await tablesAndViews(handle)).toContain("jobs");
  });

  it("refuses under NODE_ENV=production even when confirmed", async () => {
    await expect(resetDatabase(handle, { confirmed: true, production: true })).rejects.toThrow(
      RefusedError,
    );
    const [row] = await handle.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM jobs`,
    );
    expect(row?.count).toBe(1);
  });

  it("drops tables, views and migration history, and migrate rebuilds an empty schema", async () => {
    await resetDatabase(handle, { confirmed: true, production: false });
    expect(await tablesAndViews(handle)).toEqual([]);
    await handle.close();
    const result = await runMigrations(database.target);
    expect(result.applied).toEqual(readMigrationFiles().map((file) => file.tag));
    handle = await database.open();
    const [row] = await handle.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM jobs`,
    );
    expect(row?.count).toBe(0);
  });
});

describe("reset on a PostgreSQL database whose name does not say it is disposable", () => {
  it("is refused, naming the database", async (context) => {
    const database = await createTestDatabase({ migrated: false });
    const handle = await database.open();
    try {
      if (handle.engine !== "postgres") {
        context.skip(); // PGlite is always the embedded database, which may be reset.
      }
      await handle.query(sql`CREATE DATABASE audit_production_copy`).catch(() => {});
      const url = new URL(database.target.engine === "postgres" ? database.target.url : "");
      url.pathname = "/audit_production_copy";
      const { openDatabase } = await import("./client/index.ts");
      const production = await openDatabase({ engine: "postgres", url: url.toString() });
      try {
        expect(await resetRefusal(production, { confirmed: true, production: false })).toBe(
          'reset is refused on database "audit_production_copy": only the embedded database or a database whose name ends in _test or _dev can be reset',
        );
      } finally {
        await production.close();
        await handle.query(sql`DROP DATABASE IF EXISTS audit_production_copy`);
      }
    } finally {
      await handle.close();
      await database.dispose();
    }
  });
});
