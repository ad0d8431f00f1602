import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readMigrationFiles } from "../src/migrator/journal.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing/index.ts";
import { runMigrateBin } from "./run-migrate-bin.ts";

// Real processes against one database: on PGlite a data directory belongs to one process (the
// others are refused by its lock file), so concurrent deploys are a PostgreSQL matter.
const onPostgres = inject("auditTestDatabase").engine === "postgres";
const PROCESSES = 4;

describe.skipIf(!onPostgres)(`${PROCESSES} deploys running db:migrate at once`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => database?.dispose());

  it("all exit 0, exactly one applies each migration, the others find it up to date", async () => {
    const tags = readMigrationFiles().map((file) => file.tag);
    const outcomes = await Promise.all(
      Array.from({ length: PROCESSES }, () => runMigrateBin([], database.env)),
    );
    for (const outcome of outcomes) {
      expect(outcome.stderr).toBe("");
      expect(outcome.status).toBe(0);
    }
    for (const tag of tags) {
      const appliers = outcomes.filter((outcome) => outcome.stdout.includes(`applied ${tag} (`));
      expect(appliers, `processes that applied ${tag}`).toHaveLength(1);
    }
    // The advisory lock serialises the runs: whoever waited finds everything applied.
    const upToDate = outcomes.filter((outcome) =>
      outcome.stdout.includes(`Already up to date (${tags.length} migrations applied).`),
    );
    expect(upToDate.length).toBeGreaterThanOrEqual(PROCESSES - 1);

    const handle = await database.open({ maxConnections: 1 });
    try {
      const rows = await handle.query<{ created_at: string; copies: number }>(sql`
        SELECT created_at::text, count(*)::int AS copies FROM drizzle.__drizzle_migrations
        GROUP BY created_at ORDER BY created_at`);
      expect(rows).toEqual(
        readMigrationFiles().map((file) => ({ created_at: String(file.createdAt), copies: 1 })),
      );
    } finally {
      await handle.close();
    }
  });
});
