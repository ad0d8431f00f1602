import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/index.ts";
import { readMigrationFiles } from "./journal.ts";
import { runMigrations } from "./migrate.ts";
import { getMigrationStatus } from "./plan.ts";

describe("migrations on an empty database", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => database?.dispose());

  it("apply every migration in journal order, then a second run is a no-op", async () => {
    const tags = readMigrationFiles().map((file) => file.tag);
    expect(tags).toEqual([
      "0000_init",
      "0001_views",
      "0002_alias_views",
      "0003_ms_durations",
      "0004_job_stages_dedupe",
      "0005_job_rollups",
      "0006_bot_job_hourly_hour_index",
      "0007_least_privilege_roles",
      "0008_name_length_limits",
      "0009_static_rollup_triggers",
      "0010_stage_duration_buckets",
      "0011_stage_totals_slots",
    ]);
    const first = await runMigrations(database.target);
    expect(first.applied).toEqual(tags);
    const second = await runMigrations(database.target);
    expect(second).toEqual({ applied: [], alreadyApplied: tags.length });

    const handle = await database.open();
    try {
      const status = await getMigrationStatus(handle);
      expect(status.pending).toEqual([]);
      expect(status.applied.map((migration) => migration.tag)).toEqual(tags);
      const rows = await handle.query<{ count: number }>(
        sql`SELECT count(*)::int AS count FROM drizzle.__drizzle_migrations`,
      );
      expect(rows[0]?.count).toBe(tags.length);
    } finally {
      await handle.close();
    }
  });
});
