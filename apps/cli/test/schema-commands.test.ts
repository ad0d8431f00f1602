import { readMigrationFiles } from "@forusbots/db/migrator";
import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-process.ts";

const TAGS = readMigrationFiles().map((file) => file.tag);

describe("migrate, status and reset on an empty database", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => database?.dispose());

  it("status lists every migration as pending before migrate, and exits 4 for it", async () => {
    const run = await runCli(["status", "--json"], { env: database.env });
    expect(run.status).toBe(4);
    const status = JSON.parse(run.stdout);
    expect(status.applied).toEqual([]);
    expect(status.pending).toEqual(TAGS.map((tag) => ({ tag })));
    expect(status.engine).toBe(database.engine);
    expect(run.stderr.trim()).toMatch(
      new RegExp(`^forus-audit: ${TAGS.length} migration\\(s\\) pending on .+: run migrate$`),
    );
    const table = await runCli(["status"], { env: database.env });
    expect(table.status).toBe(4);
    expect(table.stdout).toContain(`0 applied, ${TAGS.length} pending: run migrate.`);
  });

  it("a read command on the empty database says to run migrate first (exit 4)", async () => {
    const run = await runCli(["metrics"], { env: database.env });
    expect(run.status).toBe(4);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("run migrate first");
  });

  it("migrate applies every migration, then a second run applies none", async () => {
    const first = await runCli(["migrate"], { env: database.env });
    expect(first.status).toBe(0);
    for (const tag of TAGS) expect(first.stdout).toContain(`applied ${tag}`);
    expect(first.stdout).toContain(`Applied ${TAGS.length} migration(s)`);

    const second = await runCli(["migrate", "--json"], { env: database.env });
    expect(second.status).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({
      applied: [],
      alreadyApplied: TAGS.length,
    });
  });

  it("status names the target and shows every migration applied, exit 0", async () => {
    const run = await runCli(["status"], { env: database.env });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe("");
    const [firstLine] = run.stdout.split("\n");
    expect(firstLine).toBe(
      database.engine === "postgres"
        ? `Database: PostgreSQL ${database.env.DATABASE_URL}`
        : `Database: embedded PGlite ${database.env.AUDIT_DB_PATH}`,
    );
    for (const tag of TAGS) expect(run.stdout).toMatch(new RegExp(`${tag}\\s+applied`));
    expect(run.stdout).toContain(`${TAGS.length} applied, none pending: up to date.`);
    // Piped output carries no colour codes.
    expect(run.stdout).not.toContain("\u001b[");

    const json = JSON.parse((await runCli(["status", "--json"], { env: database.env })).stdout);
    expect(json.applied.map((migration: { tag: string }) => migration.tag)).toEqual(TAGS);
    expect(json.pending).toEqual([]);
    for (const migration of json.applied)
      expect(Number.isNaN(Date.parse(migration.appliedAt))).toBe(false);
  });

  it("reset without --yes is refused (exit 8) and drops nothing", async () => {
    const run = await runCli(["reset"], { env: database.env });
    expect(run.status).toBe(8);
    expect(run.stderr).toContain("--yes");
    const status = JSON.parse((await runCli(["status", "--json"], { env: database.env })).stdout);
    expect(status.applied).toHaveLength(TAGS.length);
  });

  it("reset --yes drops the schema and migrates it again", async () => {
    const run = await runCli(["reset", "--yes", "--json"], { env: database.env });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ reset: true, applied: TAGS });
  });

  it("reset is refused under NODE_ENV=production even with --yes", async () => {
    const run = await runCli(["reset", "--yes"], {
      env: { ...database.env, NODE_ENV: "production" },
    });
    expect(run.status).toBe(8);
    expect(run.stderr).toContain("NODE_ENV=production");
  });
});

describe("check and rollback, wired into the CLI", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.dispose());

  it("check finds no drift on a freshly migrated database", async () => {
    const run = await runCli(["check", "--skip-schema-check", "--json"], { env: database.env });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      drifted: false,
      differences: [],
      comparedWith: TAGS.at(-1),
    });
  });

  it("rollback undoes the newest migration, status shows it pending, migrate reapplies it", async () => {
    const newest = TAGS.at(-1);
    const dryRun = await runCli(["rollback", "--dry-run", "--json"], { env: database.env });
    expect(dryRun.status).toBe(0);
    expect(JSON.parse(dryRun.stdout).wouldRollBack).toEqual([newest]);

    const run = await runCli(["rollback", "--yes", "--json"], { env: database.env });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      rolledBack: [newest],
      remaining: TAGS.length - 1,
    });
    const pending = await runCli(["status", "--json"], { env: database.env });
    expect(pending.status).toBe(4);
    expect(JSON.parse(pending.stdout).pending).toEqual([{ tag: newest }]);
    const migrate = await runCli(["migrate", "--json"], { env: database.env });
    expect(JSON.parse(migrate.stdout).applied).toEqual([newest]);
  });
});
