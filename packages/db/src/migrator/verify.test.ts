import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { describe, expect, it, onTestFinished } from "vitest";
import type { DatabaseHandle } from "../client/handle.ts";
import { openDatabaseForTest } from "../testing/index.ts";
import { createScratchMigrations, type ScratchMigrations } from "../testing/scratch-migrations.ts";
import { migrate } from "./migrate.ts";

const PENDING = `CREATE TABLE "should_not_exist" ("id" integer);`;

/**
 * A migrated database and a copy of the migrations folder, both the running test's own: a
 * migration one test lets through by mistake cannot fail the others.
 */
async function setUp(): Promise<{ handle: DatabaseHandle; scratch: ScratchMigrations }> {
  const { handle } = await openDatabaseForTest({ connection: { maxConnections: 1 } });
  return { handle, scratch: scratchForTest() };
}

function scratchForTest(): ScratchMigrations {
  const scratch = createScratchMigrations();
  onTestFinished(() => scratch.dispose());
  return scratch;
}

/** Whatever was refused, the pending migration behind it must not have run. */
async function expectPendingNotRun(handle: DatabaseHandle): Promise<void> {
  const [row] = await handle.query<{ present: boolean }>(
    sql`SELECT to_regclass('should_not_exist') IS NOT NULL AS present`,
  );
  expect(row?.present).toBe(false);
}

describe("applied migrations are verified before anything runs", () => {
  it("names an applied migration that was edited", async () => {
    const { handle, scratch } = await setUp();
    appendFileSync(scratch.path("0001_views.sql"), "\n-- a later edit\n");
    scratch.add("9001_pending", PENDING);
    await expect(migrate(handle, { files: scratch.files() })).rejects.toThrow(
      /^migration 0001_views\.sql was edited after it was applied \(hash [0-9a-f]{12} in the database, [0-9a-f]{12} on disk\)/,
    );
    await expectPendingNotRun(handle);
  });

  it("reports an applied migration that is no longer in the journal", async () => {
    const { handle, scratch } = await setUp();
    const journalPath = scratch.path("meta/_journal.json");
    const journal = JSON.parse(readFileSync(journalPath, "utf8")) as {
      entries: { when: number }[];
    };
    const removed = journal.entries.pop();
    writeFileSync(journalPath, JSON.stringify(journal));
    await expect(migrate(handle, { files: scratch.files() })).rejects.toThrow(
      new RegExp(
        `migration applied \\(journal time ${removed?.when}, .*not among the migration files`,
      ),
    );
    await expectPendingNotRun(handle);
  });

  it("refuses a journal re-ordered so that a migration sorts before an older one", () => {
    const scratch = scratchForTest();
    const journal = JSON.parse(readFileSync(scratch.path("meta/_journal.json"), "utf8")) as {
      entries: { when: number }[];
    };
    const oldest = journal.entries[0]?.when ?? 0;
    scratch.add("9001_backdated", PENDING, oldest + 1);
    // The journal itself is now out of order, which the reader refuses first.
    expect(() => scratch.files()).toThrow(
      /9001_backdated \(when \d+\) is listed after .* the journal was re-ordered/,
    );
  });

  it("reports a pending migration sorted among applied ones (drizzle-orm issue 5769)", async () => {
    const { handle, scratch: files } = await setUp();
    // Applied rows cover every real migration; a pending file whose time falls between them
    // is what a merge of two branches produces.
    const real = files.files();
    const between = Math.floor(((real[0]?.createdAt ?? 0) + (real[1]?.createdAt ?? 0)) / 2);
    const pending = {
      tag: "9001_from_a_branch",
      createdAt: between,
      hash: "0".repeat(64),
      sameContentHashes: ["0".repeat(64)],
      statements: [PENDING],
      transactional: true,
    };
    const merged = [...real.slice(0, 1), pending, ...real.slice(1)];
    await expect(migrate(handle, { files: merged })).rejects.toThrow(
      /^pending migration 9001_from_a_branch is older than the newest applied one/,
    );
    await expectPendingNotRun(handle);
  });
});
