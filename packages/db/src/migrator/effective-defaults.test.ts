import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/index.ts";
import { createScratchMigrations, type ScratchMigrations } from "../testing/scratch-migrations.ts";
import { runMigrations } from "./migrate.ts";

// The defaults README's "Deploying" section promises, written out here rather than imported, so a
// change to a default in the code fails this file: lock_timeout 5 s, statement_timeout 10 min,
// 5 retries after a lock timeout, 0.5 s doubling (0.5, 1, 2, 4, 8 s; the 10 s cap is never reached
// within 5 retries, lock-retry.test.ts checks it).
const onPostgres = inject("auditTestDatabase").engine === "postgres";

describe("the migrator's defaults as a migration's own session sees them", () => {
  let database: TestDatabase;
  let scratch: ScratchMigrations;
  beforeAll(async () => {
    database = await createTestDatabase();
    scratch = createScratchMigrations();
    scratch.add(
      "9001_record_session_settings",
      `CREATE TABLE "migration_session_settings" ("lock_timeout" text, "statement_timeout" text);
--> statement-breakpoint
INSERT INTO "migration_session_settings"
  SELECT current_setting('lock_timeout'), current_setting('statement_timeout');`,
    );
  });
  afterAll(async () => {
    scratch?.dispose();
    await database?.dispose();
  });

  it(`applies lock_timeout 5s and statement_timeout 10min to the migration's transaction (${onPostgres ? "PostgreSQL" : "PGlite: set_config applies to its one session"}), and only to it`, async () => {
    const result = await runMigrations(database.target, { files: scratch.files() });
    expect(result.applied).toEqual(["9001_record_session_settings"]);
    const handle = await database.open();
    try {
      const recorded = await handle.query<{ lock_timeout: string; statement_timeout: string }>(
        sql`SELECT lock_timeout, statement_timeout FROM migration_session_settings`,
      );
      expect(recorded).toEqual([{ lock_timeout: "5s", statement_timeout: "10min" }]);
      // Set for the migration's transaction only: a later session has the server's defaults.
      const after = await handle.query<{ lock_timeout: string; statement_timeout: string }>(
        sql`SELECT current_setting('lock_timeout') AS lock_timeout,
                   current_setting('statement_timeout') AS statement_timeout`,
      );
      expect(after).toEqual([{ lock_timeout: "0", statement_timeout: "0" }]);
    } finally {
      await handle.close();
    }
  });
});

// PGlite serves one session, so no other connection can hold a lock against the migration.
describe.skipIf(!onPostgres)(
  "the migrator's default retries against a lock held by another connection",
  () => {
    let database: TestDatabase;
    let scratch: ScratchMigrations;
    let holder: postgres.Sql;
    beforeAll(async () => {
      database = await createTestDatabase();
      scratch = createScratchMigrations();
      scratch.add("9001_priority", `ALTER TABLE "jobs" ADD COLUMN "priority" integer;`);
      holder = postgres(database.env.DATABASE_URL ?? "", { max: 1, onnotice: () => {} });
    });
    afterAll(async () => {
      await holder?.end();
      scratch?.dispose();
      await database?.dispose();
    });

    it("tries 6 times in all, announcing waits of 0.5, 1, 2, 4 and 8 s and keeping to them", async () => {
      const held = await holder.reserve();
      await held`BEGIN`;
      await held`SELECT count(*) FROM jobs`;
      const announced: { attempt: number; delayMs: number; at: number }[] = [];
      const started = performance.now();
      // Only the lock timeout is shortened (to keep the test short); retries and backoff are the
      // defaults under test.
      const outcome = await runMigrations(database.target, {
        files: scratch.files(),
        lockTimeoutMs: 100,
        onEvent: (event) => {
          if (event.type === "lock-retry") {
            announced.push({
              attempt: event.attempt,
              delayMs: event.delayMs,
              at: performance.now() - started,
            });
          }
        },
      }).then(
        () => "applied",
        (error: Error) => error.message,
      );
      const elapsed = performance.now() - started;
      await held`ROLLBACK`;
      held.release();
      expect(outcome).toMatch(/waited 100 ms on each of 6 attempts/);
      expect(announced.map(({ attempt, delayMs }) => [attempt, delayMs])).toEqual([
        [1, 500],
        [2, 1000],
        [3, 2000],
        [4, 4000],
        [5, 8000],
      ]);
      // Each announced wait is really waited before the next attempt (which itself waits 100 ms).
      for (let index = 1; index < announced.length; index++) {
        const previous = announced[index - 1];
        const current = announced[index];
        if (!previous || !current) throw new Error("missing event");
        expect(current.at - previous.at).toBeGreaterThanOrEqual(previous.delayMs + 90);
      }
      expect(elapsed).toBeGreaterThanOrEqual(15_500 + 6 * 90);
    }, 40_000);
  },
);
