import { sql } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, inject, it } from "vitest";
import type { DatabaseHandle } from "../client/handle.ts";
import { openDatabaseForTest } from "../testing/index.ts";
import { runScript, type Script } from "./run-script.ts";

const onPostgres = inject("auditTestDatabase").engine === "postgres";

/**
 * An empty database of the running test's own, on one session: a non-transactional script sets
 * session settings, which only a single connection shows afterwards. A `record` table stands in
 * for the tracking table, so a test can see whether `record` ran.
 */
async function setUp(): Promise<{ handle: DatabaseHandle; target: string | undefined }> {
  const { handle, database } = await openDatabaseForTest({
    migrated: false,
    connection: { maxConnections: 1 },
  });
  await handle.query(sql`CREATE TABLE "recorded" ("what" text)`);
  return { handle, target: database.env.DATABASE_URL };
}

const RECORD = sql`INSERT INTO "recorded" ("what") VALUES ('done')`;

const recorded = async (handle: DatabaseHandle) =>
  (await handle.query<{ what: string }>(sql`SELECT "what" FROM "recorded"`)).map((row) => row.what);

const tableExists = async (handle: DatabaseHandle, name: string) =>
  (
    await handle.query<{ present: boolean }>(
      sql`SELECT to_regclass(${name}) IS NOT NULL AS present`,
    )
  )[0]?.present;

const sessionSettings = (handle: DatabaseHandle) =>
  handle.query<{ lock_timeout: string; statement_timeout: string }>(
    sql`SELECT current_setting('lock_timeout') AS lock_timeout,
               current_setting('statement_timeout') AS statement_timeout`,
  );

const SEEN_SETTINGS = `INSERT INTO "seen" SELECT current_setting('lock_timeout'), current_setting('statement_timeout');`;

// 117 characters of the line are kept when it is longer than 120, then "...".
const LONG_LINE = `SELECT 1 / 0 AS "q", '${"x".repeat(110)}' AS "pad";`;
const LONG_LINE_SHOWN = `SELECT 1 / 0 AS "q", '${"x".repeat(95)}...`;

describe("runScript, in a transaction", () => {
  it("runs every statement, then record, with the given timeouts set for the transaction only", async () => {
    const { handle } = await setUp();
    const script: Script = {
      label: "migration 9001_seen",
      statements: [`CREATE TABLE "seen" ("lock" text, "statement" text);`, SEEN_SETTINGS],
      transactional: true,
    };
    await runScript(handle, script, RECORD, {
      timeouts: { lockTimeoutMs: 1234, statementTimeoutMs: 56789 },
    });
    expect(await handle.query(sql`SELECT "lock", "statement" FROM "seen"`)).toEqual([
      { lock: "1234ms", statement: "56789ms" },
    ]);
    expect(await recorded(handle)).toEqual(["done"]);
    expect(await sessionSettings(handle)).toEqual([{ lock_timeout: "0", statement_timeout: "0" }]);
  });

  it("names the failing statement, N of M, by its first line of SQL after the comments; nothing stays", async () => {
    const { handle } = await setUp();
    const script: Script = {
      label: "migration 9002_fails",
      statements: [
        `CREATE TABLE "kept_if_not_transactional" ("id" integer);`,
        `-- Divides by zero on purpose.\n  -- Indented comment too.\n  SELECT 1 / 0 AS "boom"\n  FROM generate_series(1, 2);`,
        `CREATE TABLE "never_reached" ("id" integer);`,
      ],
      transactional: true,
    };
    const failure = await runScript(handle, script, RECORD).then(
      () => undefined,
      (error: Error) => error,
    );
    if (!(failure instanceof Error)) throw new Error("the script did not fail");
    expect(failure.message).toBe(
      'migration 9002_fails failed at statement 2 of 3 (SELECT 1 / 0 AS "boom"): division by zero (SQLSTATE 22012)',
    );
    // The cause keeps the statement's own failure, for a caller that wants the driver's error.
    expect(failure.cause).toBeInstanceOf(Error);
    expect((failure.cause as Error).message).toBe("division by zero (SQLSTATE 22012)");
    expect(await tableExists(handle, "kept_if_not_transactional")).toBe(false);
    expect(await tableExists(handle, "never_reached")).toBe(false);
    expect(await recorded(handle)).toEqual([]);
  });

  it("shows a first line of exactly 120 characters whole and cuts a longer one to 117 and ...", async () => {
    const { handle } = await setUp();
    const exactly120 = `SELECT 1 / 0 AS "q", '${"x".repeat(87)}' AS "pad";`;
    expect(exactly120).toHaveLength(120);
    await expect(
      runScript(
        handle,
        { label: "migration 9003_a", statements: [exactly120], transactional: true },
        RECORD,
      ),
    ).rejects.toThrow(
      `migration 9003_a failed at statement 1 of 1 (${exactly120}): division by zero`,
    );
    expect(LONG_LINE).toHaveLength(143);
    await expect(
      runScript(
        handle,
        { label: "migration 9003_b", statements: [LONG_LINE], transactional: true },
        RECORD,
      ),
    ).rejects.toThrow(
      `migration 9003_b failed at statement 1 of 1 (${LONG_LINE_SHOWN}): division by zero`,
    );
  });

  it("names no statement when record itself fails, and rolls the statements back with it", async () => {
    const { handle } = await setUp();
    await expect(
      runScript(
        handle,
        {
          label: "migration 9004_record",
          statements: [`CREATE TABLE "t" ("id" integer);`],
          transactional: true,
        },
        sql`INSERT INTO "no_such_table" VALUES (1)`,
      ),
    ).rejects.toThrow(
      /^migration 9004_record failed: relation .* does not exist \(SQLSTATE 42P01\)$/,
    );
    expect(await tableExists(handle, "t")).toBe(false);
  });
});

describe("runScript, outside a transaction", () => {
  it("sets the timeouts for the session while it runs, then resets them, and records once all ran", async () => {
    const { handle } = await setUp();
    await handle.query(sql`CREATE TABLE "seen" ("lock" text, "statement" text)`);
    const script: Script = {
      label: "migration 9005_seen",
      statements: [SEEN_SETTINGS, `CREATE TABLE "second" ("id" integer);`],
      transactional: false,
    };
    await runScript(handle, script, RECORD, {
      timeouts: { lockTimeoutMs: 4321, statementTimeoutMs: 98765 },
    });
    expect(await handle.query(sql`SELECT "lock", "statement" FROM "seen"`)).toEqual([
      { lock: "4321ms", statement: "98765ms" },
    ]);
    expect(await tableExists(handle, "second")).toBe(true);
    expect(await recorded(handle)).toEqual(["done"]);
    expect(await sessionSettings(handle)).toEqual([{ lock_timeout: "0", statement_timeout: "0" }]);
  });

  it("after a failure, keeps the statements before it, skips record and still resets the timeouts", async () => {
    const { handle } = await setUp();
    const script: Script = {
      label: "down script 9006_x.down.sql",
      statements: [
        `CREATE TABLE "before_failure" ("id" integer);`,
        LONG_LINE,
        `CREATE TABLE "after_failure" ("id" integer);`,
      ],
      transactional: false,
    };
    await expect(
      runScript(handle, script, RECORD, {
        timeouts: { lockTimeoutMs: 100, statementTimeoutMs: 200 },
      }),
    ).rejects.toThrow(
      `down script 9006_x.down.sql failed at statement 2 of 3 (${LONG_LINE_SHOWN}): division by zero (SQLSTATE 22012)`,
    );
    expect(await tableExists(handle, "before_failure")).toBe(true);
    expect(await tableExists(handle, "after_failure")).toBe(false);
    expect(await recorded(handle)).toEqual([]);
    expect(await sessionSettings(handle)).toEqual([{ lock_timeout: "0", statement_timeout: "0" }]);
  });
});

// PGlite serves one session: no other connection can hold a lock against the script.
describe.skipIf(!onPostgres)(
  "runScript against a lock another connection holds (PostgreSQL only)",
  () => {
    it.each([
      [true, "migration was applied"],
      [false, "statement was applied"],
    ])(
      "transactional %s: gives up after the retries, saying nothing of the %s",
      async (transactional, nothing) => {
        const { handle, target } = await setUp();
        await handle.query(sql`CREATE TABLE "busy" ("id" integer)`);
        const holder = postgres(target ?? "", { max: 1, onnotice: () => {} });
        try {
          const held = await holder.reserve();
          await held`BEGIN`;
          await held`SELECT count(*) FROM busy`;
          const retries: [number, number][] = [];
          const outcome = await runScript(
            handle,
            {
              label: "migration 9007_busy",
              statements: [`SELECT 1;`, `ALTER TABLE "busy" ADD COLUMN "more" integer;`],
              transactional,
            },
            RECORD,
            {
              timeouts: { lockTimeoutMs: 50, statementTimeoutMs: 0 },
              lockRetry: { retries: 2, baseDelayMs: 10, maxDelayMs: 15 },
              onLockRetry: (attempt, delayMs) => retries.push([attempt, delayMs]),
            },
          ).then(
            () => "applied",
            (error: Error) => error,
          );
          await held`ROLLBACK`;
          held.release();
          if (!(outcome instanceof Error)) throw new Error(`the script was ${outcome}`);
          // The cause is the last attempt's failure, for a caller that wants the driver's error.
          expect(outcome.cause).toBeInstanceOf(Error);
          expect((outcome.cause as Error).message).toBe(
            "canceling statement due to lock timeout (SQLSTATE 55P03)",
          );
          expect(outcome.message).toBe(
            `migration 9007_busy could not get its locks at statement 2 of 2 (ALTER TABLE "busy" ADD COLUMN "more" integer;): waited 50 ms on each of 3 attempts (canceling statement due to lock timeout (SQLSTATE 55P03)); another session holds a conflicting lock, so nothing of this ${nothing}. Retry when that session has finished, or raise --lock-timeout/--retries`,
          );
          expect(retries).toEqual([
            [1, 10],
            [2, 15],
          ]);
          expect(await recorded(handle)).toEqual([]);
          expect(await sessionSettings(handle)).toEqual([
            { lock_timeout: "0", statement_timeout: "0" },
          ]);
        } finally {
          await holder.end();
        }
      },
    );
  },
);
