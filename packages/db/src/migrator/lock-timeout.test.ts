import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { DatabaseHandle } from "../client/handle.ts";
import { createTestDatabase, type TestDatabase } from "../testing/index.ts";
import { createScratchMigrations, type ScratchMigrations } from "../testing/scratch-migrations.ts";
import { migrate } from "./migrate.ts";

// PGlite serves one session, so no second session can hold a lock against the migration: these
// tests need a PostgreSQL server (TEST_DATABASE_URL), which CI provides.
const ALTER = `ALTER TABLE "jobs" ADD COLUMN "priority" integer;`;
const LOCK_TIMEOUT_MS = 200;

const onPostgres = inject("auditTestDatabase").engine === "postgres";

describe.skipIf(!onPostgres)("a migration blocked by another session's lock", () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let scratch: ScratchMigrations;
  let holder: postgres.Sql;
  let reader: postgres.Sql;
  beforeAll(async () => {
    database = await createTestDatabase();
    handle = await database.open({ maxConnections: 1 });
    scratch = createScratchMigrations();
    scratch.add("9001_priority", ALTER);
    const url = database.env.DATABASE_URL ?? "";
    holder = postgres(url, { max: 1, onnotice: () => {} });
    // Readers give up after 2 s: far above the migration's 200 ms lock timeout, well below the
    // ~5 s the holder keeps its lock in the first test (200 ms + 1.5 s + 200 ms + 3 s + 200 ms),
    // so a read queued behind an ALTER that waited for the whole hold would fail the test.
    reader = postgres(url, { max: 1, onnotice: () => {}, connection: { statement_timeout: 2000 } });
    await reader`INSERT INTO jobs (job_id, bot_id) VALUES ('00000000-0000-4000-8000-000000000001', 'bot-1')`;
  });
  afterAll(async () => {
    await holder?.end();
    await reader?.end();
    scratch?.dispose();
    await handle?.close();
    await database?.dispose();
  });

  /** Reads jobs over and over until `done` settles; returns the counts it read. */
  async function keepReading(done: Promise<unknown>): Promise<number[]> {
    let finished = false;
    void done
      .finally(() => {
        finished = true;
      })
      .catch(() => {});
    const counts: number[] = [];
    while (!finished) {
      const [row] = await reader<{ count: number }[]>`SELECT count(*)::int AS count FROM jobs`;
      counts.push(row?.count ?? -1);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return counts;
  }

  it("retries with backoff, then fails with a clear message while readers keep answering", async () => {
    // An open transaction that read the table holds ACCESS SHARE, which blocks ALTER TABLE.
    const held = await holder.reserve();
    await held`BEGIN`;
    await held`SELECT count(*) FROM jobs`;
    const retries: number[] = [];
    const migration = migrate(handle, {
      files: scratch.files(),
      lockTimeoutMs: LOCK_TIMEOUT_MS,
      retries: 2,
      retryDelayMs: 1500,
      onEvent: (event) => {
        if (event.type === "lock-retry") retries.push(event.attempt);
      },
    });
    const [outcome, counts] = await Promise.all([
      migration.then(
        () => null,
        (error: Error) => error.message,
      ),
      keepReading(migration),
    ]);
    await held`ROLLBACK`;
    held.release();
    expect(outcome).toMatch(
      /^migration 9001_priority could not get its locks at statement 1 of 1 \(ALTER TABLE "jobs" ADD COLUMN "priority" integer;\): waited 200 ms on each of 3 attempts \(canceling statement due to lock timeout\)/,
    );
    expect(retries).toEqual([1, 2]);
    expect(counts.length).toBeGreaterThan(0);
    expect(new Set(counts)).toEqual(new Set([1]));
    const columns = await handle.query<{ name: string }>(sql`
        SELECT column_name AS name FROM information_schema.columns
        WHERE table_name = 'jobs' AND column_name = 'priority'`);
    expect(columns).toEqual([]);
  });

  it("succeeds on a retry once the lock is released", async () => {
    const held = await holder.reserve();
    await held`BEGIN`;
    await held`SELECT count(*) FROM jobs`;
    const retries: number[] = [];
    const result = await migrate(handle, {
      files: scratch.files(),
      lockTimeoutMs: LOCK_TIMEOUT_MS,
      retries: 5,
      retryDelayMs: 50,
      onEvent: (event) => {
        if (event.type !== "lock-retry") return;
        retries.push(event.attempt);
        // The long-running reader finishes after the first timeout.
        if (event.attempt === 1) {
          void held`COMMIT`.then(() => held.release());
        }
      },
    });
    expect(result.applied).toEqual(["9001_priority"]);
    expect(retries[0]).toBe(1);
    const columns = await handle.query<{ name: string }>(sql`
        SELECT column_name AS name FROM information_schema.columns
        WHERE table_name = 'jobs' AND column_name = 'priority'`);
    expect(columns).toEqual([{ name: "priority" }]);
  });
});
