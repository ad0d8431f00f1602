import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../client/handle.ts";
import { openDatabaseForTest } from "../testing/index.ts";
import {
  deleteAppliedStatement,
  ensureTrackingTable,
  readAppliedMigrations,
  recordAppliedStatement,
  trackingTableExists,
} from "./tracking.ts";

/** An empty database of the running test's own: no tracking table until the test makes one. */
async function emptyDatabase(): Promise<DatabaseHandle> {
  return (await openDatabaseForTest({ migrated: false })).handle;
}

/** The tracking table exactly as drizzle-orm's migrator creates it: no applied_at. */
async function createDrizzleTrackingTable(handle: DatabaseHandle): Promise<void> {
  await handle.query(sql`CREATE SCHEMA "drizzle"`);
  await handle.query(sql`
    CREATE TABLE "drizzle"."__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`);
}

const columnsOf = async (handle: DatabaseHandle) =>
  (
    await handle.query<{ name: string; type: string }>(sql`
      SELECT column_name AS name, data_type AS type FROM information_schema.columns
      WHERE table_schema = 'drizzle' AND table_name = '__drizzle_migrations'
      ORDER BY ordinal_position`)
  ).map(({ name, type }) => `${name} ${type}`);

describe("the tracking table", () => {
  it("does not exist on an empty database, which reads as nothing applied", async () => {
    const handle = await emptyDatabase();
    expect(await trackingTableExists(handle)).toBe(false);
    expect(await readAppliedMigrations(handle)).toEqual([]);
  });

  it("created by drizzle-orm (no applied_at), reads with appliedAt null, ordered by journal time then id", async () => {
    const handle = await emptyDatabase();
    await createDrizzleTrackingTable(handle);
    await handle.query(sql`
      INSERT INTO "drizzle"."__drizzle_migrations" (hash, created_at)
      VALUES ('hash-b', 1700000002000), ('hash-a', 1700000001000), ('hash-a2', 1700000001000)`);
    expect(await trackingTableExists(handle)).toBe(true);
    expect(await readAppliedMigrations(handle)).toEqual([
      { id: 2, hash: "hash-a", createdAt: 1700000001000, appliedAt: null },
      { id: 3, hash: "hash-a2", createdAt: 1700000001000, appliedAt: null },
      { id: 1, hash: "hash-b", createdAt: 1700000002000, appliedAt: null },
    ]);
  });

  it("ensureTrackingTable adds applied_at to drizzle's table, leaving its rows NULL, and is idempotent", async () => {
    const handle = await emptyDatabase();
    await createDrizzleTrackingTable(handle);
    await handle.query(
      sql`INSERT INTO "drizzle"."__drizzle_migrations" (hash, created_at) VALUES ('old', 1000)`,
    );
    await ensureTrackingTable(handle);
    await ensureTrackingTable(handle);
    expect(await columnsOf(handle)).toEqual([
      "id integer",
      "hash text",
      "created_at bigint",
      "applied_at timestamp with time zone",
    ]);
    expect(await readAppliedMigrations(handle)).toEqual([
      { id: 1, hash: "old", createdAt: 1000, appliedAt: null },
    ]);
  });

  it("ensureTrackingTable creates schema and table on an empty database", async () => {
    const handle = await emptyDatabase();
    await ensureTrackingTable(handle);
    expect(await trackingTableExists(handle)).toBe(true);
    expect(await columnsOf(handle)).toEqual([
      "id integer",
      "hash text",
      "created_at bigint",
      "applied_at timestamp with time zone",
    ]);
    expect(await readAppliedMigrations(handle)).toEqual([]);
  });

  it("recordAppliedStatement stamps the row with the time it ran", async () => {
    const handle = await emptyDatabase();
    await ensureTrackingTable(handle);
    const before = Date.now();
    await handle.query(recordAppliedStatement("hash-1", 1700000001000));
    const after = Date.now();
    const [applied, ...rest] = await readAppliedMigrations(handle);
    expect(rest).toEqual([]);
    expect(applied).toMatchObject({ id: 1, hash: "hash-1", createdAt: 1700000001000 });
    expect(applied?.appliedAt).toBeInstanceOf(Date);
    // The server's clock is this machine's: allow a second either way.
    const at = applied?.appliedAt?.getTime() ?? 0;
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(after + 1000);
  });

  it("deleteAppliedStatement removes only the row with both that hash and that time", async () => {
    const handle = await emptyDatabase();
    await ensureTrackingTable(handle);
    await handle.query(recordAppliedStatement("same-hash", 1000));
    await handle.query(recordAppliedStatement("same-hash", 2000));
    await handle.query(recordAppliedStatement("other-hash", 1000));
    await handle.query(deleteAppliedStatement("same-hash", 1000));
    const left = await readAppliedMigrations(handle);
    expect(left.map(({ hash, createdAt }) => [hash, createdAt])).toEqual([
      ["other-hash", 1000],
      ["same-hash", 2000],
    ]);
  });
});
