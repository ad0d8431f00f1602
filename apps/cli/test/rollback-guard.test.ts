import type { DatabaseHandle } from "@forusbots/db";
import { readMigrationFiles } from "@forusbots/db/migrator";
import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-process.ts";

const TAGS = readMigrationFiles().map((file) => file.tag);
const JOBS = 12;

/** Rows in a table, or null when it does not exist. */
async function rowsIn(database: TestDatabase, table: string): Promise<number | null> {
  const handle: DatabaseHandle = await database.open({ maxConnections: 1 });
  try {
    const [present] = await handle.query<{ present: boolean }>(
      sql`SELECT to_regclass(${table}) IS NOT NULL AS present`,
    );
    if (!present?.present) return null;
    const [row] = await handle.query<{ rows: number }>(
      sql`SELECT count(*)::int AS rows FROM ${sql.identifier(table)}`,
    );
    return row?.rows ?? null;
  } finally {
    await handle.close();
  }
}

async function appliedCount(database: TestDatabase): Promise<number> {
  const run = await runCli(["status", "--json"], { env: database.env });
  return JSON.parse(run.stdout).applied.length;
}

/** What current_database() and current_user are for the test database, from its URL. */
function expectedIdentity(database: TestDatabase): { name: string; user: string } {
  if (database.engine === "pglite") return { name: "postgres", user: "postgres" };
  const url = new URL(database.env.DATABASE_URL ?? "");
  return { name: url.pathname.slice(1), user: decodeURIComponent(url.username) || "postgres" };
}

describe("rollback names its target and what it drops, and needs --yes", () => {
  let database: TestDatabase;
  let stages: number;
  beforeAll(async () => {
    database = await createTestDatabase();
    const seeded = await runCli(["seed", "--jobs", String(JOBS)], { env: database.env });
    expect(seeded.status).toBe(0);
    stages = (await rowsIn(database, "job_stages")) ?? 0;
    expect(stages).toBeGreaterThan(0);
  });
  afterAll(async () => database?.dispose());

  it("without --yes: prints the server's database and user, every migration and the rows, changes nothing (exit 8)", async () => {
    const run = await runCli(["rollback", "--all"], { env: database.env });
    expect(run.status).toBe(8);
    const { name, user } = expectedIdentity(database);
    const [header, undoes, drops] = run.stdout.split("\n");
    expect(header).toContain(`Rolling back database "${name}" as user "${user}"`);
    if (database.engine === "postgres") expect(header).toMatch(/ on [^ ]+:\d+ \(PostgreSQL /);
    expect(undoes).toBe(`  undoes, newest first: ${[...TAGS].reverse().join(", ")}`);
    expect(drops).toContain(`jobs (${JOBS} rows)`);
    expect(drops).toContain(`job_stages (${stages} rows)`);
    expect(drops).toMatch(/bot_job_totals \(\d+ rows?, derived: migrate rebuilds it\)/);
    expect(run.stderr).toContain("run it again with --yes");
    expect(await appliedCount(database)).toBe(TAGS.length);
    expect(await rowsIn(database, "jobs")).toBe(JOBS);
  });

  it("--dry-run shows the same plan as SQL comments, then the SQL, and changes nothing", async () => {
    const run = await runCli(["rollback", "--all", "--dry-run"], { env: database.env });
    expect(run.status).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(
      /^-- Dry run against database ".+" as user ".+".* \(.+\): nothing is executed$/,
    );
    expect(lines[1]).toBe(`--   undoes, newest first: ${[...TAGS].reverse().join(", ")}`);
    expect(lines[2]).toContain(`jobs (${JOBS} rows)`);
    expect(run.stdout).toContain("DROP TABLE");
    expect(await rowsIn(database, "jobs")).toBe(JOBS);
  });

  it("--json carries the server's identity and the counted tables", async () => {
    const run = await runCli(["rollback", "--all", "--dry-run", "--json"], { env: database.env });
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout);
    const { name, user } = expectedIdentity(database);
    expect(json.server).toMatchObject({ database: name, user });
    expect(json.droppedTables).toContainEqual({
      name: "jobs",
      droppedBy: TAGS[0],
      rows: JOBS,
      derived: false,
    });
  });

  for (const nodeEnv of ["production", "Production", "PRODUCTION"]) {
    it(`NODE_ENV=${nodeEnv}: refuses to drop tables holding rows even with --yes, and says what to do instead`, async () => {
      const run = await runCli(["rollback", "--all", "--yes"], {
        env: { ...database.env, NODE_ENV: nodeEnv },
      });
      expect(run.status).toBe(8);
      expect(run.stderr).toContain(
        // In the order the down script drops them: job_stages first, for its foreign key.
        `rollback would drop job_stages (${stages} rows) and jobs (${JOBS} rows): refused under NODE_ENV=production`,
      );
      expect(run.stderr).toContain(`--to ${TAGS[0]}`);
      expect(run.stderr).toContain("forus-audit export");
      expect(await appliedCount(database)).toBe(TAGS.length);
      expect(await rowsIn(database, "jobs")).toBe(JOBS);
    });
  }

  it("NODE_ENV=production: a dry run warns of that refusal", async () => {
    const run = await runCli(["rollback", "--all", "--dry-run"], {
      env: { ...database.env, NODE_ENV: "production" },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("--   without --dry-run: rollback would drop job_stages");
  });

  it("NODE_ENV=production: a rollback dropping only derived rollups (and no audit rows) runs with --yes", async () => {
    const keep = TAGS[TAGS.indexOf("0005_job_rollups") - 1] ?? "";
    const run = await runCli(["rollback", "--to", keep, "--yes", "--json"], {
      env: { ...database.env, NODE_ENV: "production" },
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).rolledBack).toEqual(TAGS.slice(TAGS.indexOf(keep) + 1).reverse());
    expect(await rowsIn(database, "bot_job_totals")).toBeNull();
    expect(await rowsIn(database, "jobs")).toBe(JOBS);
    const migrated = await runCli(["migrate"], { env: database.env });
    expect(migrated.status).toBe(0);
    expect(await rowsIn(database, "jobs")).toBe(JOBS);
  });

  it("with --yes outside production it runs: every table dropped, nothing applied", async () => {
    const run = await runCli(["rollback", "--all", "--yes"], { env: database.env });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Rolled back ${TAGS.length} migration(s); 0 still applied.`);
    expect(await rowsIn(database, "jobs")).toBeNull();
    expect(await appliedCount(database)).toBe(0);
    const again = await runCli(["rollback", "--json"], { env: database.env });
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout).rolledBack).toEqual([]);
  });

  it("reset keeps its guard whatever the case of NODE_ENV", async () => {
    const run = await runCli(["reset", "--yes"], {
      env: { ...database.env, NODE_ENV: "Production" },
    });
    expect(run.status).toBe(8);
    expect(run.stderr).toContain("NODE_ENV=production");
  });
});

describe("a connection URL that would override its own target", () => {
  it.each([
    ["database", "?database=audit_prod"],
    ["dbname", "?dbname=audit_prod"],
    ["user", "?user=postgres"],
    ["host", "?host=elsewhere.example"],
  ])("is refused before connecting (%s=, exit 2)", async (name, query) => {
    for (const args of [
      ["--database-url", `postgres://ops@127.0.0.1:1/audit_a_test${query}`, "status"],
      ["rollback", "--all", "--yes"],
    ]) {
      const env: Record<string, string> =
        args[0] === "--database-url"
          ? {}
          : { DATABASE_URL: `postgres://ops@127.0.0.1:1/audit_a_test${query}` };
      const run = await runCli(args, { env });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`sets "${name}" in its query string`);
      expect(run.stderr).not.toContain("audit_prod");
    }
  });
});
