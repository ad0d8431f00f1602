import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as drizzleMigratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as drizzleMigratePostgres } from "drizzle-orm/postgres-js/migrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../client/handle.ts";
import { createTestDatabase, runProcess, type TestDatabase } from "../testing/index.ts";
import { MIGRATIONS_FOLDER, readMigrationFiles } from "./journal.ts";
import { migrate } from "./migrate.ts";
import { getMigrationStatus } from "./plan.ts";

/** drizzle-orm's own migrator, on whichever driver the handle wraps. */
async function migrateWithDrizzle(handle: DatabaseHandle): Promise<void> {
  if (handle.driver.engine === "postgres") {
    await drizzleMigratePostgres(drizzlePostgres(handle.driver.sql), {
      migrationsFolder: MIGRATIONS_FOLDER,
    });
  } else {
    await drizzleMigratePglite(drizzlePglite(handle.driver.client), {
      migrationsFolder: MIGRATIONS_FOLDER,
    });
  }
}

const countRows = async (handle: DatabaseHandle) =>
  (
    await handle.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM drizzle.__drizzle_migrations`,
    )
  )[0]?.count;

const tags = readMigrationFiles().map((file) => file.tag);

describe("compatibility with drizzle-orm's migrator", () => {
  let fromDrizzle: TestDatabase;
  let fromOurs: TestDatabase;
  beforeAll(async () => {
    fromDrizzle = await createTestDatabase({ migrated: false });
    fromOurs = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => {
    await fromDrizzle?.dispose();
    await fromOurs?.dispose();
  });

  it("a database migrated by drizzle-orm is up to date for this runner", async () => {
    const handle = await fromDrizzle.open({ maxConnections: 1 });
    try {
      await migrateWithDrizzle(handle);
      const status = await getMigrationStatus(handle);
      expect(status.applied.map((applied) => applied.tag)).toEqual(tags);
      // drizzle-orm records no time of its own; ours is NULL for its rows.
      expect(status.applied.every((applied) => applied.appliedAt === null)).toBe(true);
      expect(await migrate(handle)).toEqual({ applied: [], alreadyApplied: tags.length });
      expect(await countRows(handle)).toBe(tags.length);
    } finally {
      await handle.close();
    }
  });

  it("a database migrated by this runner is up to date for drizzle-orm", async () => {
    const handle = await fromOurs.open({ maxConnections: 1 });
    try {
      await migrate(handle);
      await migrateWithDrizzle(handle);
      expect(await countRows(handle)).toBe(tags.length);
      const status = await getMigrationStatus(handle);
      expect(status.applied.every((applied) => applied.appliedAt instanceof Date)).toBe(true);
    } finally {
      await handle.close();
    }
  });
});

const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));

/** A command of this package run as a user runs it, pointed at `database` by its variables only. */
async function runInPackage(file: string, args: readonly string[], database: TestDatabase) {
  const run = await runProcess(file, args, { cwd: PACKAGE_DIR, env: database.env });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("drizzle-kit's own commands, configured by drizzle.config.ts", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => {
    await database?.dispose();
  });

  // Three commands, each a process that loads its engine and drizzle-kit: on a busy machine they
  // take longer than the default 30 s (spawnSync used to block that timer).
  it("`drizzle-kit migrate` and `check` find a database migrated by `db:migrate` up to date", async () => {
    const ours = await runInPackage(process.execPath, ["bin/migrate.js"], database);
    expect(ours.status, ours.output).toBe(0);

    const drizzleKit = await runInPackage("node_modules/.bin/drizzle-kit", ["migrate"], database);
    expect(drizzleKit.status, drizzleKit.output).toBe(0);
    const check = await runInPackage("node_modules/.bin/drizzle-kit", ["check"], database);
    expect(check.status, check.output).toBe(0);

    const handle = await database.open({ maxConnections: 1 });
    try {
      // drizzle-kit applied nothing again: one tracking row per migration, all ours.
      expect(await countRows(handle)).toBe(tags.length);
      const status = await getMigrationStatus(handle);
      expect(status.pending).toEqual([]);
      expect(status.applied.every((applied) => applied.appliedAt instanceof Date)).toBe(true);
    } finally {
      await handle.close();
    }
  }, 360_000);
});
