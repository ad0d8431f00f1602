import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../client/handle.ts";
import { useTestDatabase } from "../testing/index.ts";
import { createScratchMigrations, type ScratchMigrations } from "../testing/scratch-migrations.ts";
import { NO_TRANSACTION_MARKER } from "./journal.ts";
import { migrate } from "./migrate.ts";
import { getMigrationStatus } from "./plan.ts";

const tableExists = async (handle: DatabaseHandle, name: string) =>
  (
    await handle.query<{ present: boolean }>(
      sql`SELECT to_regclass(${name}) IS NOT NULL AS present`,
    )
  )[0]?.present;

describe("one transaction per migration", () => {
  const test = useTestDatabase({ connection: { maxConnections: 1 } });
  let scratch: ScratchMigrations;
  beforeAll(async () => {
    scratch = createScratchMigrations();
  });
  afterAll(async () => {
    scratch?.dispose();
  });

  it("keeps the earlier migration, rolls the failing one back whole, and shows the statement and PostgreSQL's message", async () => {
    scratch.add("9001_notes", `CREATE TABLE "notes" ("id" integer PRIMARY KEY);`);
    scratch.add(
      "9002_tags",
      `CREATE TABLE "tags" ("id" integer PRIMARY KEY);--> statement-breakpoint\nINSERT INTO "tags" ("id") VALUES ('not a number');`,
    );
    await expect(migrate(test.handle, { files: scratch.files() })).rejects.toThrow(
      /^migration 9002_tags failed at statement 2 of 2 \(INSERT INTO "tags" \("id"\) VALUES \('not a number'\);\): invalid input syntax for type integer: "…" \(SQLSTATE 22P02\)$/,
    );
    expect(await tableExists(test.handle, "notes")).toBe(true);
    expect(await tableExists(test.handle, "tags")).toBe(false);
    const status = await getMigrationStatus(test.handle, scratch.files());
    expect(status.applied.at(-1)?.tag).toBe("9001_notes");
    expect(status.pending.map((file) => file.tag)).toEqual(["9002_tags"]);
  });
});

describe(`a migration marked ${NO_TRANSACTION_MARKER}`, () => {
  const test = useTestDatabase({ connection: { maxConnections: 1 } });
  let scratch: ScratchMigrations;
  beforeAll(async () => {
    scratch = createScratchMigrations();
  });
  afterAll(async () => {
    scratch?.dispose();
  });

  const concurrentIndex = `CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_jobs_finished_at" ON "jobs" USING btree ("finished_at");`;

  it("fails inside a transaction, as PostgreSQL requires for CREATE INDEX CONCURRENTLY", async () => {
    scratch.add("9001_index_in_transaction", concurrentIndex);
    await expect(migrate(test.handle, { files: scratch.files() })).rejects.toThrow(
      /CREATE INDEX CONCURRENTLY cannot run inside a transaction block/,
    );
  });

  it("runs outside one when marked, builds a valid index and records the migration", async () => {
    // Replace the unmarked attempt: same tag position, now with the marker.
    scratch.dispose();
    scratch = createScratchMigrations();
    scratch.add(
      "9001_index_concurrently",
      `-- Built without blocking writers.\n${NO_TRANSACTION_MARKER}\n${concurrentIndex}`,
    );
    const files = scratch.files();
    expect(files.at(-1)?.transactional).toBe(false);
    const result = await migrate(test.handle, { files });
    expect(result.applied).toEqual(["9001_index_concurrently"]);
    const indexes = await test.handle.query<{ valid: boolean }>(sql`
      SELECT x.indisvalid AS valid FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      WHERE i.relname = 'idx_jobs_finished_at'`);
    expect(indexes).toEqual([{ valid: true }]);
    expect((await getMigrationStatus(test.handle, files)).pending).toEqual([]);
  });
});
