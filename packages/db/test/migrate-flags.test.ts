import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  closedLoopbackPort,
  createDatabaseForTest,
  createTestDatabase,
  type TestDatabase,
} from "../src/testing/index.ts";
import { runMigrateBin } from "./run-migrate-bin.ts";

describe("db:migrate flags", () => {
  // Shared by the tests that only read what db:migrate prints; a test that reads or changes what
  // the database holds makes a database of its own.
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => database?.dispose());

  it("--help lists every flag and touches no database", async () => {
    // A server where nothing listens: touching it would fail the run.
    const port = await closedLoopbackPort();
    const outcome = await runMigrateBin(["--help"], {
      DATABASE_URL: `postgres://u:secret@127.0.0.1:${port}/x`,
    });
    expect(outcome.status).toBe(0);
    for (const flag of [
      "--dry-run",
      "--to NAME",
      "--lock-timeout MS",
      "--statement-timeout MS",
      "--retries N",
    ]) {
      expect(outcome.stdout).toContain(flag);
    }
  });

  it.each([
    [
      ["--lock-timeout", "soon"],
      /--lock-timeout takes a whole number of milliseconds \(got "soon"\)/,
    ],
    [["--retries", "-1"], /--retries/],
    [["--force"], /Unknown option '--force'/],
  ])("refuses %j with one line and exit status 2", async (args, message) => {
    const outcome = await runMigrateBin(args, database.env);
    expect(outcome.status).toBe(2);
    expect(outcome.stderr.trim().split("\n")).toHaveLength(1);
    expect(outcome.stderr).toMatch(message);
  });

  it("--dry-run prints the SQL it would run and executes none of it", async () => {
    const database = await createDatabaseForTest({ migrated: false });
    const outcome = await runMigrateBin(["--dry-run", "--to", "0001_views"], database.env);
    expect(outcome.status).toBe(0);
    expect(outcome.stdout).toContain("-- 0000_init");
    expect(outcome.stdout).toContain('CREATE TABLE "jobs" (');
    expect(outcome.stdout).toContain("-- 0001_views");
    expect(outcome.stdout).toContain('CREATE VIEW "public"."recent_jobs"');
    expect(outcome.stdout).not.toContain("-- 0002_alias_views");
    expect(outcome.stdout).toContain("-- Dry run: 2 migration(s) would be applied.");
    const handle = await database.open({ maxConnections: 1 });
    try {
      const [row] = await handle.query<{ present: boolean }>(
        sql`SELECT to_regclass('public.jobs') IS NOT NULL AS present`,
      );
      expect(row?.present).toBe(false);
    } finally {
      await handle.close();
    }
  });

  it("--to stops after the named migration; the next run applies the rest", async () => {
    const database = await createDatabaseForTest({ migrated: false });
    const first = await runMigrateBin(
      ["--to", "0001_views", "--lock-timeout", "2000", "--retries", "1"],
      database.env,
    );
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/applied 0000_init .*\n.*applied 0001_views /);
    expect(first.stdout).toContain("Applied 2 migration(s); 2 in all.");
    const second = await runMigrateBin([], database.env);
    expect(second.status).toBe(0);
    expect(second.stdout).not.toContain("applied 0001_views");
    expect(second.stdout).toContain("applied 0002_alias_views");
  });

  it("--to names an unknown migration: exit status 5 and the known names", async () => {
    const outcome = await runMigrateBin(["--to", "0099_nothing"], database.env);
    expect(outcome.status).toBe(5);
    expect(outcome.stderr).toMatch(
      /no migration named 0099_nothing \(known: 0000_init, 0001_views/,
    );
  });
});
