import { fileURLToPath } from "node:url";
import { readMigrationFiles } from "@forusbots/db/migrator";
import { MIGRATE_FLAGS } from "@forusbots/db/migrator/command-line";
import { createTestDatabase, runNodeScript, type TestDatabase } from "@forusbots/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, runCli } from "./cli-process.ts";

/** `pnpm db:migrate`'s command: node and the bin of @forusbots/db (the bundle turbo built). */
const DB_MIGRATE_BIN = fileURLToPath(
  new URL("../../../packages/db/bin/migrate.js", import.meta.url),
);

const runDbMigrate = (args: readonly string[], env: Record<string, string>): Promise<CliRun> =>
  runNodeScript(DB_MIGRATE_BIN, args, { env });

const FILES = readMigrationFiles();
const TAGS = FILES.map((file) => file.tag);

/** Timings differ from run to run; everything else must not. */
const withoutTimings = (text: string) => text.replace(/, \d+ ms\)/g, ", N ms)");

describe("pnpm db:migrate and forus-audit migrate: one front end", () => {
  let fresh: TestDatabase;
  let other: TestDatabase;
  beforeAll(async () => {
    fresh = await createTestDatabase({ migrated: false });
    other = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => {
    await fresh?.dispose();
    await other?.dispose();
  });

  const target = (database: TestDatabase) =>
    database.engine === "postgres"
      ? `PostgreSQL ${database.env.DATABASE_URL}`
      : `embedded PGlite ${database.env.AUDIT_DB_PATH}`;

  it("--dry-run prints the same SQL from both, as a script whose own lines are comments", async () => {
    const args = ["--dry-run", "--to", "0002_alias_views"];
    const [db, cli] = [
      await runDbMigrate(args, fresh.env),
      await runCli(["migrate", ...args], { env: fresh.env }),
    ];
    expect([db.status, db.stderr, cli.status, cli.stderr]).toEqual([0, "", 0, ""]);
    expect(cli.stdout).toBe(db.stdout);
    const lines = db.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`-- Dry run against ${target(fresh)}: nothing is executed`);
    expect(lines.at(-1)).toBe("-- Dry run: 3 migration(s) would be applied.");
    for (const file of FILES.slice(0, 3)) {
      expect(db.stdout).toContain(`-- ${file.tag}\n`);
      for (const statement of file.statements) expect(db.stdout).toContain(statement);
    }
    expect(db.stdout).not.toContain("-- 0003_ms_durations");
    const json = [
      await runDbMigrate([...args, "--json"], fresh.env),
      await runCli(["migrate", ...args, "--json"], { env: fresh.env }),
    ].map((run) => JSON.parse(run.stdout));
    expect(json[1]).toEqual(json[0]);
    expect(json[0]).toEqual({
      target: target(fresh),
      applied: [],
      wouldApply: TAGS.slice(0, 3),
      alreadyApplied: 0,
    });
  });

  it("the dry run's SQL is what would run: executed as it is, it builds the schema", async () => {
    const script = (await runCli(["migrate", "--dry-run"], { env: other.env })).stdout;
    const scratch = await createTestDatabase({ migrated: false });
    const handle = await scratch.open({ maxConnections: 1 });
    try {
      // Several statements in one string: the drivers' simple-query paths, not drizzle's.
      if (handle.driver.engine === "postgres") await handle.driver.sql.unsafe(script).simple();
      else await handle.driver.client.exec(script);
      const [row] = await handle.query<{ jobs: boolean; views: number }>(sql`
        SELECT to_regclass('public.jobs') IS NOT NULL AS jobs,
               (SELECT count(*)::int FROM pg_views WHERE schemaname = 'public') AS views`);
      expect(row).toEqual({ jobs: true, views: 6 });
    } finally {
      await handle.close();
      await scratch.dispose();
    }
  });

  it("applying prints the same lines for the same events, whichever front end runs", async () => {
    const db = await runDbMigrate([], fresh.env);
    const cli = await runCli(["migrate"], { env: other.env });
    expect([db.status, db.stderr, cli.status, cli.stderr]).toEqual([0, "", 0, ""]);
    const expected = [
      "Migrating <target>",
      ...FILES.map(
        (file) =>
          `  applied ${file.tag} (${file.statements.length} statement${file.statements.length === 1 ? "" : "s"}, N ms)`,
      ),
      `Applied ${TAGS.length} migration(s); ${TAGS.length} in all.`,
      "",
    ].join("\n");
    expect(withoutTimings(db.stdout.replace(target(fresh), "<target>"))).toBe(expected);
    expect(withoutTimings(cli.stdout.replace(target(other), "<target>"))).toBe(expected);
  });

  it("once up to date, both print the same line and the same JSON", async () => {
    const [db, cli] = [
      await runDbMigrate([], fresh.env),
      await runCli(["migrate"], { env: fresh.env }),
    ];
    expect(cli.stdout).toBe(db.stdout);
    expect(db.stdout).toBe(
      `Migrating ${target(fresh)}\nAlready up to date (${TAGS.length} migrations applied).\n`,
    );
    const [dbJson, cliJson] = [
      await runDbMigrate(["--json"], fresh.env),
      await runCli(["migrate", "--json"], { env: fresh.env }),
    ];
    expect(cliJson.stdout).toBe(dbJson.stdout);
    expect(JSON.parse(dbJson.stdout)).toEqual({
      target: target(fresh),
      applied: [],
      alreadyApplied: TAGS.length,
    });
  });

  it("both take the same flags", async () => {
    const dbHelp = (await runDbMigrate(["--help"], {})).stdout;
    const cliHelp = (await runCli(["migrate", "--help"])).stdout;
    for (const flag of [
      "--dry-run",
      "--to",
      "--lock-timeout",
      "--statement-timeout",
      "--retries",
      "--json",
    ]) {
      expect(dbHelp).toContain(`  ${flag} `);
      expect(cliHelp).toContain(`  ${flag} `);
    }
    expect(MIGRATE_FLAGS.map((rule) => `--${rule.name}`).sort()).toEqual(
      ["--dry-run", "--to", "--lock-timeout", "--statement-timeout", "--retries", "--json"].sort(),
    );
  });

  it.each([
    [
      ["--lock-timeout", "soon"],
      '--lock-timeout takes a whole number of milliseconds (got "soon")',
    ],
    [
      ["--statement-timeout", "1.5"],
      '--statement-timeout takes a whole number of milliseconds (got "1.5")',
    ],
    [["--retries", "3000000000"], "--retries is at most 2147483647 attempts (got 3000000000)"],
  ])("both refuse %j with the same line and exit status 2", async (args, message) => {
    const db = await runDbMigrate(args, other.env);
    const cli = await runCli(["migrate", ...args], { env: other.env });
    expect([db.status, cli.status]).toEqual([2, 2]);
    expect(db.stderr).toBe(`db:migrate: ${message}\n`);
    expect(cli.stderr).toBe(`forus-audit: ${message}\n`);
    expect(db.stdout + cli.stdout).toBe("");
  });

  it("the flags reach the migrator from both: --lock-timeout, --statement-timeout and --retries run", async () => {
    const args = ["--lock-timeout", "2000", "--statement-timeout", "0", "--retries", "0"];
    const [db, cli] = [
      await runDbMigrate(args, fresh.env),
      await runCli(["migrate", ...args], { env: fresh.env }),
    ];
    expect([db.status, cli.status]).toEqual([0, 0]);
    expect(cli.stdout).toBe(db.stdout);
  });
});

describe("forus-audit rollback: the same lines and flags", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.dispose());

  it("--dry-run prints the down script's SQL and changes nothing", async () => {
    const newest = FILES.at(-1);
    const run = await runCli(["rollback", "--dry-run", "--statement-timeout", "60000"], {
      env: database.env,
    });
    expect([run.status, run.stderr]).toEqual([0, ""]);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^-- Dry run against .+: nothing is executed$/);
    expect(lines[1]).toBe(`--   undoes, newest first: ${newest?.tag}`);
    expect(lines[2]).toBe("--   drops no table");
    expect(lines[3]).toBe(`-- ${newest?.tag}.down.sql`);
    expect(lines.at(-1)).toBe("-- Dry run: 1 migration(s) would be rolled back.");
    const status = await runCli(["status", "--json"], { env: database.env });
    expect(status.status).toBe(0);
  });

  it("--to and --all together are a usage error", async () => {
    const run = await runCli(["rollback", "--to", "0001_views", "--all"], { env: database.env });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("forus-audit: give either --to or --all, not both\n");
  });

  it("rolls back with a line per script, in the words of migrate", async () => {
    const newest = FILES.at(-1)?.tag;
    const run = await runCli(["rollback", "--yes", "--lock-timeout", "1000", "--retries", "1"], {
      env: database.env,
    });
    expect(run.status).toBe(0);
    expect(withoutTimings(run.stdout)).toMatch(
      new RegExp(
        `^Rolling back .+\\n  undoes, newest first: ${newest}\\n  drops no table\\n  rolled back ${newest} \\(\\d+ statements?, N ms\\)\\nRolled back 1 migration\\(s\\); ${TAGS.length - 1} still applied\\.\\n$`,
      ),
    );
  });
});
