import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as drizzleMigratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as drizzleMigratePostgres } from "drizzle-orm/postgres-js/migrator";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../client/handle.ts";
import { createTestDatabase, type TestDatabase } from "../testing/index.ts";
import { createScratchMigrations, type ScratchMigrations } from "../testing/scratch-migrations.ts";
import { readMigrationFiles } from "./journal.ts";
import { migrate } from "./migrate.ts";
import { getMigrationStatus } from "./plan.ts";
import { rollback } from "./rollback.ts";

/** drizzle-orm's own migrator over `folder`, on whichever driver the handle wraps. */
async function migrateWithDrizzle(handle: DatabaseHandle, folder: string): Promise<void> {
  if (handle.driver.engine === "postgres") {
    await drizzleMigratePostgres(drizzlePostgres(handle.driver.sql), { migrationsFolder: folder });
  } else {
    await drizzleMigratePglite(drizzlePglite(handle.driver.client), { migrationsFolder: folder });
  }
}

/** Rewrites every migration and down script of the scratch folder with CRLF line endings. */
function convertToCrlf(scratch: ScratchMigrations): void {
  for (const name of readdirSync(scratch.folder).filter((file) => file.endsWith(".sql"))) {
    const text = readFileSync(scratch.path(name), "utf8");
    expect(text).not.toContain("\r");
    writeFileSync(scratch.path(name), text.replace(/\n/g, "\r\n"));
  }
}

const trackingRows = async (handle: DatabaseHandle) =>
  handle.query<{ hash: string; created_at: string }>(
    sql`SELECT hash, created_at::text FROM drizzle.__drizzle_migrations ORDER BY created_at`,
  );

const TAGS = readMigrationFiles().map((file) => file.tag);

describe("line endings are not an edit", () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let crlf: ScratchMigrations;
  beforeEach(async () => {
    database = await createTestDatabase({ migrated: false });
    handle = await database.open({ maxConnections: 1 });
    crlf = createScratchMigrations();
    convertToCrlf(crlf);
  });
  afterEach(async () => {
    crlf.dispose();
    await handle?.close();
    await database?.dispose();
  });

  it("a CRLF checkout reads the same hash as the LF files drizzle-orm hashed", () => {
    const lf = readMigrationFiles();
    const fromCrlf = crlf.files();
    expect(fromCrlf.map((file) => file.hash)).toEqual(lf.map((file) => file.hash));
    expect(fromCrlf.map((file) => file.statements)).toEqual(lf.map((file) => file.statements));
  });

  it("applied from LF, a CRLF checkout sees the database up to date; migrate and rollback work", async () => {
    await migrate(handle);
    const recorded = await trackingRows(handle);
    const status = await getMigrationStatus(handle, crlf.files());
    expect(status.applied.map((applied) => applied.tag)).toEqual(TAGS);
    expect(status.pending).toEqual([]);
    expect(await migrate(handle, { files: crlf.files() })).toEqual({
      applied: [],
      alreadyApplied: TAGS.length,
    });
    // drizzle-kit's migrator, reading the CRLF folder, applies nothing either.
    await migrateWithDrizzle(handle, crlf.folder);
    expect(await trackingRows(handle)).toEqual(recorded);
    const undone = await rollback(handle, { folder: crlf.folder });
    expect(undone.rolledBack).toEqual([TAGS.at(-1)]);
    expect((await trackingRows(handle)).length).toBe(TAGS.length - 1);
  });

  it("applied by drizzle-orm from a CRLF checkout, the LF files are the same migrations", async () => {
    await migrateWithDrizzle(handle, crlf.folder);
    const lf = readMigrationFiles();
    // What drizzle-orm recorded is the CRLF bytes' hash, not the one this runner records.
    expect((await trackingRows(handle)).map((row) => row.hash)).not.toEqual(
      lf.map((file) => file.hash),
    );
    const status = await getMigrationStatus(handle, lf);
    expect(status.applied.map((applied) => applied.tag)).toEqual(TAGS);
    expect(await migrate(handle)).toEqual({ applied: [], alreadyApplied: TAGS.length });
    // The rollback removes drizzle-orm's row, whichever hash it holds.
    expect((await rollback(handle)).rolledBack).toEqual([TAGS.at(-1)]);
    expect((await trackingRows(handle)).length).toBe(TAGS.length - 1);
  });

  it("an edit beyond line endings still blocks migrate and rollback; reads may ask to be told", async () => {
    await migrate(handle);
    const edited = crlf.path("0001_views.sql");
    writeFileSync(edited, `${readFileSync(edited, "utf8")}\r\n-- a later edit\r\n`);
    const files = crlf.files();
    await expect(migrate(handle, { files })).rejects.toThrow(
      /^migration 0001_views\.sql was edited after it was applied/,
    );
    await expect(rollback(handle, { folder: crlf.folder })).rejects.toThrow(
      /^migration 0001_views\.sql was edited after it was applied/,
    );
    const status = await getMigrationStatus(handle, files, { editedApplied: "report" });
    expect(status.edited.map((migration) => migration.tag)).toEqual(["0001_views"]);
    expect(status.applied.map((applied) => applied.tag)).toEqual(TAGS);
    expect((await trackingRows(handle)).length).toBe(TAGS.length);
  });
});
