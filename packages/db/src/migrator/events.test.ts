import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type SQL, sql } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, inject, it, onTestFinished } from "vitest";
import type { DatabaseHandle } from "../client/handle.ts";
import { createDatabaseForTest, openDatabaseForTest } from "../testing/index.ts";
import { withMigrationLock } from "./advisory-lock.ts";
import { type MigrationFile, readMigrationFiles } from "./journal.ts";
import {
  findMigration,
  type MigrationEvent,
  migrate,
  resolveLockOptions,
  runMigrations,
} from "./migrate.ts";
import { getMigrationStatus } from "./plan.ts";
import { type RollbackEvent, type RollbackPlan, rollback } from "./rollback.ts";
import { trackingTableExists } from "./tracking.ts";

const onPostgres = inject("auditTestDatabase").engine === "postgres";

// The migration advisory lock's key, written out rather than imported: another process (an older
// release of the runner) must keep meeting this one on the same key.
const LOCK_KEY = 4_242_017_001;

/**
 * Three small migrations of the test's own (not the real ones: each test starts from an empty
 * database and applies them in milliseconds), with down scripts. The statement counts below are
 * counted by hand from these texts.
 */
const MIGRATIONS: Record<string, string> = {
  // 2 statements, in a transaction; the down script: 1.
  "0000_a.sql": `CREATE TABLE "ev_a" ("id" integer);\n--> statement-breakpoint\nCREATE INDEX "ev_a_id" ON "ev_a" ("id");\n`,
  "0000_a.down.sql": `DROP TABLE "ev_a";\n`,
  // 1 statement, outside a transaction; the down script: 2, outside one too, one of a table that
  // never existed (counted as 0 rows).
  "0001_b.sql": `-- Outside a transaction.\n-- forusbots:no-transaction\nCREATE TABLE IF NOT EXISTS "ev_b" ("id" integer);\n`,
  "0001_b.down.sql": `-- forusbots:no-transaction\nDROP TABLE IF EXISTS "ev_gone";\n--> statement-breakpoint\nDROP TABLE IF EXISTS "ev_b";\n`,
  // 3 statements, creating a table named like a rollup (derived: rebuilt by migrate) and altering
  // ev_a (so a lock on ev_a blocks it); the down script: 2.
  "0002_c.sql": `CREATE TABLE "bot_job_totals" ("bot_id" text);\n--> statement-breakpoint\nINSERT INTO "bot_job_totals" VALUES ('bot-1'), ('bot-2');\n--> statement-breakpoint\nALTER TABLE "ev_a" ADD COLUMN "note" text;\n`,
  "0002_c.down.sql": `ALTER TABLE "ev_a" DROP COLUMN "note";\n--> statement-breakpoint\nDROP TABLE "bot_job_totals";\n`,
};
const TAGS = ["0000_a", "0001_b", "0002_c"];

/** The three migrations in a folder of the running test's own. */
function migrationsForTest(): { folder: string; files: MigrationFile[] } {
  const folder = mkdtempSync(join(tmpdir(), "forusbots-events-"));
  onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
  mkdirSync(join(folder, "meta"));
  const entries = TAGS.map((tag, idx) => ({
    idx,
    version: "7",
    when: 1000 * (idx + 1),
    tag,
    breakpoints: true,
  }));
  writeFileSync(join(folder, "meta", "_journal.json"), JSON.stringify({ entries }));
  for (const [name, text] of Object.entries(MIGRATIONS)) writeFileSync(join(folder, name), text);
  return { folder, files: readMigrationFiles(folder) };
}

/** An empty database of the running test's own, on one session as the runner requires. */
async function emptyDatabase(): Promise<{ handle: DatabaseHandle; url: string | undefined }> {
  const { handle, database } = await openDatabaseForTest({
    migrated: false,
    connection: { maxConnections: 1 },
  });
  return { handle, url: database.env.DATABASE_URL };
}

const tableExists = async (handle: DatabaseHandle, name: string) =>
  (
    await handle.query<{ present: boolean }>(
      sql`SELECT to_regclass(${name}) IS NOT NULL AS present`,
    )
  )[0]?.present;

const appliedTags = async (handle: DatabaseHandle, files: MigrationFile[]) =>
  (await getMigrationStatus(handle, files)).applied.map((applied) => applied.tag);

/** Timings vary: check they are whole, non-negative and plausible, then drop them. */
function withoutTimes<Event extends MigrationEvent | RollbackEvent>(events: Event[]): unknown[] {
  return events.map((event) => {
    if (!("milliseconds" in event)) return event;
    const { milliseconds, ...rest } = event;
    expect(Number.isInteger(milliseconds), `${milliseconds} is whole`).toBe(true);
    expect(milliseconds).toBeGreaterThanOrEqual(0);
    expect(milliseconds).toBeLessThan(30_000);
    return rest;
  });
}

describe("migrate's events", () => {
  it("reports each applied migration with its statement count, in journal order", async () => {
    const { handle } = await emptyDatabase();
    const { files } = migrationsForTest();
    const events: MigrationEvent[] = [];
    const result = await migrate(handle, { files, onEvent: (event) => events.push(event) });
    expect(result).toEqual({ applied: TAGS, alreadyApplied: 0 });
    expect(withoutTimes(events)).toEqual([
      { type: "applied", tag: "0000_a", statements: 2 },
      { type: "applied", tag: "0001_b", statements: 1 },
      { type: "applied", tag: "0002_c", statements: 3 },
    ]);
    expect(await appliedTags(handle, files)).toEqual(TAGS);
  });

  it("with to, stops after that migration; the next run counts it as already applied", async () => {
    const { handle } = await emptyDatabase();
    const { files } = migrationsForTest();
    expect(await migrate(handle, { files, to: "0001_b" })).toEqual({
      applied: ["0000_a", "0001_b"],
      alreadyApplied: 0,
    });
    expect(await migrate(handle, { files, to: "0001_b" })).toEqual({
      applied: [],
      alreadyApplied: 2,
    });
    expect(await migrate(handle, { files })).toEqual({ applied: ["0002_c"], alreadyApplied: 2 });
  });

  it("dry run: would-apply with the statements and transaction flag; no tracking table, nothing applied", async () => {
    const { handle } = await emptyDatabase();
    const { files } = migrationsForTest();
    const events: MigrationEvent[] = [];
    const result = await migrate(handle, {
      files,
      dryRun: true,
      onEvent: (event) => events.push(event),
    });
    expect(result).toEqual({ applied: [], alreadyApplied: 0 });
    expect(events).toEqual([
      {
        type: "would-apply",
        tag: "0000_a",
        statements: [
          'CREATE TABLE "ev_a" ("id" integer);',
          'CREATE INDEX "ev_a_id" ON "ev_a" ("id");',
        ],
        transactional: true,
      },
      {
        type: "would-apply",
        tag: "0001_b",
        statements: [
          '-- Outside a transaction.\n-- forusbots:no-transaction\nCREATE TABLE IF NOT EXISTS "ev_b" ("id" integer);',
        ],
        transactional: false,
      },
      {
        type: "would-apply",
        tag: "0002_c",
        statements: [
          'CREATE TABLE "bot_job_totals" ("bot_id" text);',
          `INSERT INTO "bot_job_totals" VALUES ('bot-1'), ('bot-2');`,
          'ALTER TABLE "ev_a" ADD COLUMN "note" text;',
        ],
        transactional: true,
      },
    ]);
    expect(await trackingTableExists(handle)).toBe(false);
    expect(await tableExists(handle, "ev_a")).toBe(false);
  });

  it("dry run after a partial migrate lists only what is pending", async () => {
    const { handle } = await emptyDatabase();
    const { files } = migrationsForTest();
    await migrate(handle, { files, to: "0000_a" });
    const events: MigrationEvent[] = [];
    const result = await migrate(handle, {
      files,
      dryRun: true,
      onEvent: (event) => events.push(event),
    });
    expect(result).toEqual({ applied: [], alreadyApplied: 1 });
    expect(events.map((event) => [event.type, "tag" in event ? event.tag : ""])).toEqual([
      ["would-apply", "0001_b"],
      ["would-apply", "0002_c"],
    ]);
    expect(await appliedTags(handle, files)).toEqual(["0000_a"]);
  });

  it("refuses an unknown to, listing the known migrations, before taking the lock", async () => {
    const { handle } = await emptyDatabase();
    const { files } = migrationsForTest();
    await expect(migrate(handle, { files, to: "9999_nope" })).rejects.toThrow(
      "no migration named 9999_nope (known: 0000_a, 0001_b, 0002_c)",
    );
    expect(await trackingTableExists(handle)).toBe(false);
  });

  it("refuses invalid lock options before doing anything", async () => {
    const { handle } = await emptyDatabase();
    const { files } = migrationsForTest();
    await expect(migrate(handle, { files, retries: -1 })).rejects.toThrow(
      "retries must be a whole number ≥ 0 (got -1)",
    );
    expect(await trackingTableExists(handle)).toBe(false);
  });
});

describe("runMigrations", () => {
  it("closes the session it opened, even when a migration fails", async () => {
    const database = await createDatabaseForTest({ migrated: false });
    const { folder } = migrationsForTest();
    writeFileSync(join(folder, "0002_c.sql"), `SELECT 1 / 0;\n`);
    await expect(
      runMigrations(database.target, { files: readMigrationFiles(folder) }),
    ).rejects.toThrow("migration 0002_c failed at statement 1 of 1 (SELECT 1 / 0;)");
    // PGlite: an open instance keeps its data directory locked, so this open would fail.
    const handle = await database.open();
    try {
      // PostgreSQL: the runner's backend is gone (it may take a moment to exit).
      let others = -1;
      for (let tries = 0; tries < 40 && others !== 0; tries++) {
        if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        const [row] = await handle.query<{ others: number }>(sql`
          SELECT count(*)::int AS others FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()`);
        others = row?.others ?? -1;
      }
      expect(others).toBe(0);
      expect(await appliedTags(handle, readMigrationFiles(folder))).toEqual(["0000_a", "0001_b"]);
    } finally {
      await handle.close();
    }
  });
});

describe("findMigration", () => {
  it("finds a migration by its tag", () => {
    const { files } = migrationsForTest();
    expect(findMigration(files, "0001_b")).toBe(files[1]);
  });

  it("names the missing tag and every known one", () => {
    const { files } = migrationsForTest();
    expect(() => findMigration(files, "0001")).toThrow(
      "no migration named 0001 (known: 0000_a, 0001_b, 0002_c)",
    );
  });
});

describe("resolveLockOptions", () => {
  it("fills in the defaults README's Deploying section gives", () => {
    expect(resolveLockOptions({})).toEqual({
      timeouts: { lockTimeoutMs: 5000, statementTimeoutMs: 600_000 },
      lockRetry: { retries: 5, baseDelayMs: 500, maxDelayMs: 10_000 },
    });
  });

  it("takes each given value, 0 included, and ignores options that are not lock options", () => {
    expect(
      resolveLockOptions({
        lockTimeoutMs: 0,
        statementTimeoutMs: 0,
        retries: 0,
        retryDelayMs: 0,
        // A MigrateOptions object is passed whole; its other fields are not numbers.
        ...{ to: "0001_b", dryRun: true },
      }),
    ).toEqual({
      timeouts: { lockTimeoutMs: 0, statementTimeoutMs: 0 },
      lockRetry: { retries: 0, baseDelayMs: 0, maxDelayMs: 10_000 },
    });
    expect(
      resolveLockOptions({
        lockTimeoutMs: 250,
        statementTimeoutMs: 9000,
        retries: 2,
        retryDelayMs: 40,
      }),
    ).toEqual({
      timeouts: { lockTimeoutMs: 250, statementTimeoutMs: 9000 },
      lockRetry: { retries: 2, baseDelayMs: 40, maxDelayMs: 10_000 },
    });
  });

  it("treats an option given as undefined as not given", () => {
    expect(
      resolveLockOptions({
        lockTimeoutMs: undefined,
        statementTimeoutMs: undefined,
        retries: undefined,
        retryDelayMs: undefined,
      }),
    ).toEqual(resolveLockOptions({}));
  });

  it("refuses negative or fractional values, naming the option and the value", () => {
    expect(() => resolveLockOptions({ lockTimeoutMs: -1 })).toThrow(
      "lockTimeoutMs must be a whole number ≥ 0 (got -1)",
    );
    expect(() => resolveLockOptions({ statementTimeoutMs: 1.5 })).toThrow(
      "statementTimeoutMs must be a whole number ≥ 0 (got 1.5)",
    );
    expect(() => resolveLockOptions({ retries: 0.5 })).toThrow(
      "retries must be a whole number ≥ 0 (got 0.5)",
    );
    expect(() => resolveLockOptions({ retryDelayMs: Number.NaN })).toThrow(
      "retryDelayMs must be a whole number ≥ 0 (got NaN)",
    );
  });
});

/** The three migrations applied to an empty database, with 3 rows in ev_a. */
async function migratedForRollback() {
  const { handle, url } = await emptyDatabase();
  const { folder, files } = migrationsForTest();
  await migrate(handle, { files });
  await handle.query(sql`INSERT INTO "ev_a" ("id") VALUES (1), (2), (3)`);
  return { handle, url, folder, files };
}

describe("rollback's plan and events", () => {
  it("all: the review sees every migration, newest first, with the rows of each table it drops", async () => {
    const { handle, folder, files } = await migratedForRollback();
    const plans: RollbackPlan[] = [];
    const events: RollbackEvent[] = [];
    const result = await rollback(handle, {
      folder,
      all: true,
      review: (plan) => {
        plans.push(plan);
      },
      onEvent: (event) => events.push(event),
    });
    expect(plans).toEqual([
      {
        migrations: ["0002_c", "0001_b", "0000_a"],
        droppedTables: [
          { name: "bot_job_totals", droppedBy: "0002_c", rows: 2, derived: true },
          { name: "ev_gone", droppedBy: "0001_b", rows: 0, derived: false },
          { name: "ev_b", droppedBy: "0001_b", rows: 0, derived: false },
          { name: "ev_a", droppedBy: "0000_a", rows: 3, derived: false },
        ],
        applied: 3,
      },
    ]);
    expect(withoutTimes(events)).toEqual([
      { type: "rolled-back", tag: "0002_c", statements: 2 },
      { type: "rolled-back", tag: "0001_b", statements: 2 },
      { type: "rolled-back", tag: "0000_a", statements: 1 },
    ]);
    expect(result).toEqual({ rolledBack: ["0002_c", "0001_b", "0000_a"], remaining: 0 });
    expect(await appliedTags(handle, files)).toEqual([]);
    expect(await tableExists(handle, "ev_a")).toBe(false);
    expect(await tableExists(handle, "bot_job_totals")).toBe(false);
  });

  it("dry run: the review and would-roll-back events, with statements and transaction flag; nothing undone", async () => {
    const { handle, folder, files } = await migratedForRollback();
    const plans: RollbackPlan[] = [];
    const events: RollbackEvent[] = [];
    const result = await rollback(handle, {
      folder,
      to: "0000_a",
      dryRun: true,
      review: async (plan) => {
        plans.push(plan);
      },
      onEvent: (event) => events.push(event),
    });
    expect(plans).toEqual([
      {
        migrations: ["0002_c", "0001_b"],
        droppedTables: [
          { name: "bot_job_totals", droppedBy: "0002_c", rows: 2, derived: true },
          { name: "ev_gone", droppedBy: "0001_b", rows: 0, derived: false },
          { name: "ev_b", droppedBy: "0001_b", rows: 0, derived: false },
        ],
        applied: 3,
      },
    ]);
    expect(events).toEqual([
      {
        type: "would-roll-back",
        tag: "0002_c",
        statements: ['ALTER TABLE "ev_a" DROP COLUMN "note";', 'DROP TABLE "bot_job_totals";'],
        transactional: true,
      },
      {
        type: "would-roll-back",
        tag: "0001_b",
        statements: [
          '-- forusbots:no-transaction\nDROP TABLE IF EXISTS "ev_gone";',
          'DROP TABLE IF EXISTS "ev_b";',
        ],
        transactional: false,
      },
    ]);
    expect(result).toEqual({ rolledBack: [], remaining: 3 });
    expect(await appliedTags(handle, files)).toEqual(TAGS);
    expect(await tableExists(handle, "bot_job_totals")).toBe(true);
  });

  it("without to or all, rolls back the newest migration only", async () => {
    const { handle, folder, files } = await migratedForRollback();
    const events: RollbackEvent[] = [];
    const result = await rollback(handle, { folder, onEvent: (event) => events.push(event) });
    expect(result).toEqual({ rolledBack: ["0002_c"], remaining: 2 });
    expect(withoutTimes(events)).toEqual([{ type: "rolled-back", tag: "0002_c", statements: 2 }]);
    expect(await appliedTags(handle, files)).toEqual(["0000_a", "0001_b"]);
  });

  it("a review that throws stops the rollback: everything stays applied", async () => {
    const { handle, folder, files } = await migratedForRollback();
    const events: RollbackEvent[] = [];
    await expect(
      rollback(handle, {
        folder,
        all: true,
        review: () => {
          throw new Error("not approved");
        },
        onEvent: (event) => events.push(event),
      }),
    ).rejects.toThrow("not approved");
    expect(events).toEqual([]);
    expect(await appliedTags(handle, files)).toEqual(TAGS);
    expect(await tableExists(handle, "ev_a")).toBe(true);
    expect(await tableExists(handle, "bot_job_totals")).toBe(true);
  });

  it("refuses to and all together, and an unknown to, before anything runs", async () => {
    const { handle, folder, files } = await migratedForRollback();
    await expect(rollback(handle, { folder, to: "0000_a", all: true })).rejects.toThrow(
      "give either a migration to roll back to or all, not both",
    );
    await expect(rollback(handle, { folder, to: "0003" })).rejects.toThrow(
      "no migration named 0003 (known: 0000_a, 0001_b, 0002_c)",
    );
    await expect(rollback(handle, { folder, retryDelayMs: -5 })).rejects.toThrow(
      "retryDelayMs must be a whole number ≥ 0 (got -5)",
    );
    expect(await appliedTags(handle, files)).toEqual(TAGS);
  });
});

describe("withMigrationLock", () => {
  const advisoryLocksHeld = async (handle: DatabaseHandle) =>
    (
      await handle.query<{ held: number }>(sql`
        SELECT count(*)::int AS held FROM pg_locks
        WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objid::bigint = ${LOCK_KEY}`)
    )[0]?.held;

  it("refuses a handle on a pool before it queries or runs anything", async () => {
    const { handle } = await emptyDatabase();
    const queried: SQL[] = [];
    const pooled: DatabaseHandle = {
      db: handle.db,
      driver: handle.driver,
      engine: handle.engine,
      description: handle.description,
      poolSize: 2,
      query: <Row extends Record<string, unknown>>(statement: SQL) => {
        queried.push(statement);
        return handle.query<Row>(statement);
      },
      ping: () => handle.ping(),
      close: () => handle.close(),
    };
    let ran = false;
    await expect(
      withMigrationLock(pooled, async () => {
        ran = true;
      }),
    ).rejects.toThrow(
      "the migration runner needs a single-connection handle (openDatabase(target, { maxConnections: 1 }))",
    );
    expect(ran).toBe(false);
    expect(queried).toEqual([]);
  });

  it("holds the lock while the work runs and returns its value, then releases it", async () => {
    const { handle } = await emptyDatabase();
    let waited = false;
    const result = await withMigrationLock(
      handle,
      async () => ({ inside: await advisoryLocksHeld(handle) }),
      () => {
        waited = true;
      },
    );
    expect(result).toEqual({ inside: 1 });
    expect(waited).toBe(false);
    expect(await advisoryLocksHeld(handle)).toBe(0);
  });

  it("releases the lock when the work throws, and passes the error on", async () => {
    const { handle } = await emptyDatabase();
    await expect(
      withMigrationLock(handle, async () => {
        throw new Error("work failed");
      }),
    ).rejects.toThrow("work failed");
    expect(await advisoryLocksHeld(handle)).toBe(0);
  });
});

const WARNING_MIGRATION = `DO $$ BEGIN RAISE NOTICE 'just a notice'; RAISE WARNING 'ev_a will be slow' USING HINT = 'run it at night'; END $$;\n`;

/** Polls until `done()` or about 5 s, whichever comes first. */
async function until(done: () => boolean): Promise<void> {
  for (let tries = 0; tries < 100 && !done(); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// PGlite serves one session: no other connection can hold a lock, and its handle takes no
// onWarning (only the postgres.js client hears the server's notices).
describe.skipIf(!onPostgres)("events that need a second connection (PostgreSQL only)", () => {
  it.each(["migrate", "rollback"] as const)(
    "%s announces waiting-for-lock while another connection holds the advisory lock, then goes on",
    async (command) => {
      const { handle, url, folder, files } =
        command === "rollback"
          ? await migratedForRollback()
          : { ...(await emptyDatabase()), ...migrationsForTest() };
      const holder = postgres(url ?? "", { max: 1, onnotice: () => {} });
      try {
        await holder`SELECT pg_advisory_lock(${LOCK_KEY})`;
        const events: (MigrationEvent | RollbackEvent)[] = [];
        const onEvent = (event: MigrationEvent | RollbackEvent) => events.push(event);
        let finished = false;
        const run = (
          command === "migrate"
            ? migrate(handle, { files, onEvent })
            : rollback(handle, { folder, onEvent })
        ).finally(() => {
          finished = true;
        });
        await until(() => events.length > 0);
        expect(events).toEqual([{ type: "waiting-for-lock" }]);
        expect(finished).toBe(false);
        await holder`SELECT pg_advisory_unlock(${LOCK_KEY})`;
        await run;
        expect(events.map((event) => event.type)).toEqual(
          command === "migrate"
            ? ["waiting-for-lock", "applied", "applied", "applied"]
            : ["waiting-for-lock", "rolled-back"],
        );
      } finally {
        await holder.end();
      }
    },
  );

  it.each(["migrate", "rollback"] as const)(
    "%s reports each lock retry with the migration's tag, attempt and pause",
    async (command) => {
      // migrate: the first two applied, 0002_c (which alters ev_a) pending.
      const { handle, url, folder, files } = await migratedForRollback();
      if (command === "migrate") await rollback(handle, { folder });
      const holder = postgres(url ?? "", { max: 1, onnotice: () => {} });
      try {
        const held = await holder.reserve();
        await held`BEGIN`;
        await held`SELECT count(*) FROM ev_a`;
        const events: (MigrationEvent | RollbackEvent)[] = [];
        const options = {
          lockTimeoutMs: 50,
          retries: 2,
          retryDelayMs: 20,
          onEvent: (event: MigrationEvent | RollbackEvent) => events.push(event),
        };
        const outcome = await (command === "migrate"
          ? migrate(handle, { files, ...options })
          : rollback(handle, { folder, ...options })
        ).then(
          () => "done",
          (error: Error) => error.message,
        );
        await held`ROLLBACK`;
        held.release();
        expect(outcome).toMatch(/could not get its locks/);
        expect(events).toEqual([
          { type: "lock-retry", tag: "0002_c", attempt: 1, delayMs: 20 },
          { type: "lock-retry", tag: "0002_c", attempt: 2, delayMs: 40 },
        ]);
      } finally {
        await holder.end();
      }
    },
  );

  it("withMigrationLock without onWait waits quietly for the lock another connection holds", async () => {
    const { handle, url } = await emptyDatabase();
    const holder = postgres(url ?? "", { max: 1, onnotice: () => {} });
    try {
      await holder`SELECT pg_advisory_lock(${LOCK_KEY})`;
      let ran = false;
      const run = withMigrationLock(handle, async () => {
        ran = true;
        return "done";
      });
      // Wait until the runner's session shows in pg_locks as waiting for the advisory lock (of
      // this database: advisory locks are per database, and other tests share the server).
      let waiting = 0;
      for (let tries = 0; tries < 100 && waiting === 0; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const [row] = await holder<{ waiting: number }[]>`
          SELECT count(*)::int AS waiting FROM pg_locks
          WHERE locktype = 'advisory' AND NOT granted AND objid::bigint = ${LOCK_KEY}
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
        waiting = row?.waiting ?? 0;
      }
      expect(waiting).toBe(1);
      expect(ran).toBe(false);
      await holder`SELECT pg_advisory_unlock(${LOCK_KEY})`;
      expect(await run).toBe("done");
    } finally {
      await holder.end();
    }
  });

  it("runMigrations without onEvent applies a migration that RAISEs a WARNING", async () => {
    const database = await createDatabaseForTest({ migrated: false });
    const { folder } = migrationsForTest();
    writeFileSync(join(folder, "0002_c.sql"), WARNING_MIGRATION);
    const result = await runMigrations(database.target, { files: readMigrationFiles(folder) });
    expect(result).toEqual({ applied: TAGS, alreadyApplied: 0 });
  });

  it("runMigrations passes on a migration's RAISE WARNING with its hint, not its NOTICEs", async () => {
    const database = await createDatabaseForTest({ migrated: false });
    const { folder } = migrationsForTest();
    writeFileSync(join(folder, "0002_c.sql"), WARNING_MIGRATION);
    const events: MigrationEvent[] = [];
    const result = await runMigrations(database.target, {
      files: readMigrationFiles(folder),
      onEvent: (event) => events.push(event),
    });
    expect(result).toEqual({ applied: TAGS, alreadyApplied: 0 });
    expect(withoutTimes(events)).toEqual([
      { type: "applied", tag: "0000_a", statements: 2 },
      { type: "applied", tag: "0001_b", statements: 1 },
      { type: "warning", message: "ev_a will be slow\nrun it at night" },
      { type: "applied", tag: "0002_c", statements: 1 },
    ]);
  });
});
