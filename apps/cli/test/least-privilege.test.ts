import { plainJobMetricsByBotQuery, plainJobStageSummaryQuery } from "@forusbots/db/schema";
import {
  createLoginRole,
  createTestDatabase,
  type TestDatabase,
  type TestLoginRole,
} from "@forusbots/db/testing";
import { type SQL, sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runCli } from "./cli-process.ts";

// PGlite has one user and no logins: login roles are a PostgreSQL matter.
const onPostgres = inject("auditTestDatabase").engine === "postgres";

const JOBS = 40;
const plain = new QueryBuilder();

/** Rows of `statement` in `database`, read as its owner. */
async function rowsOf(database: TestDatabase, statement: SQL): Promise<unknown[]> {
  const handle = await database.open({ maxConnections: 1 });
  try {
    return await handle.query(statement);
  } finally {
    await handle.close();
  }
}

/**
 * Each part of the system as README's roles table says: the owner migrates, a writer login
 * ingests, a reader login runs every read command. PostgreSQL only: PGlite has no logins.
 */
describe.runIf(onPostgres)("least privilege, through the CLI", () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let reader: TestLoginRole;
  let writer: TestLoginRole;
  let events: string;
  beforeAll(async () => {
    source = await createTestDatabase();
    target = await createTestDatabase();
    reader = await createLoginRole(target, "reader");
    writer = await createLoginRole(target, "writer");
    expect((await runCli(["seed", "--jobs", String(JOBS)], { env: source.env })).status).toBe(0);
    const exported = await runCli(["export"], { env: source.env });
    expect(exported.status).toBe(0);
    events = exported.stdout;
  });
  afterAll(async () => {
    await reader?.dispose();
    await writer?.dispose();
    await source?.dispose();
    await target?.dispose();
  });

  it("grant reader|writer LOGIN_ROLE, run as the owner; a second run changes nothing", async () => {
    const first = await runCli(["grant", "reader", reader.name], { env: target.env });
    expect([first.status, first.stderr]).toEqual([0, ""]);
    expect(first.stdout).toMatch(new RegExp(`^Granted audit_reader to ${reader.name} on `));
    const again = await runCli(["grant", "reader", reader.name, "--json"], { env: target.env });
    expect(JSON.parse(again.stdout)).toMatchObject({ group: "audit_reader", changed: false });
    const writerGrant = await runCli(["grant", "writer", writer.name], { env: target.env });
    expect(writerGrant.status).toBe(0);
  });

  it("grant refuses a group other than reader or writer (exit 2) and an unknown login (exit 6)", async () => {
    const wrongGroup = await runCli(["grant", "admin", reader.name], { env: target.env });
    expect([wrongGroup.status, wrongGroup.stderr]).toEqual([
      2,
      'forus-audit: grant takes reader or writer (got "admin")\n',
    ]);
    const unknown = await runCli(["grant", "reader", `${reader.name}_nobody`], {
      env: target.env,
    });
    expect(unknown.status).toBe(6);
    expect(unknown.stderr).toContain(`no role named "${reader.name}_nobody"`);
  });

  it("the writer ingests every event and the rollups stay exactly the plain aggregates", async () => {
    const run = await runCli(["ingest", "-", "--json"], { env: writer.env, input: events });
    expect([run.status, run.stderr]).toEqual([0, ""]);
    expect(JSON.parse(run.stdout)).toMatchObject({ rejected: 0 });
    const [jobs] = (await rowsOf(target, sql`SELECT count(*)::int AS n FROM jobs`)) as {
      n: number;
    }[];
    expect(jobs?.n).toBe(JOBS);
    expect(await rowsOf(target, sql`SELECT * FROM job_metrics_by_bot ORDER BY 1`)).toEqual(
      await rowsOf(target, sql`${plainJobMetricsByBotQuery(plain).getSQL()} ORDER BY 1`),
    );
    expect(await rowsOf(target, sql`SELECT * FROM job_stage_summary ORDER BY 1`)).toEqual(
      await rowsOf(target, sql`${plainJobStageSummaryQuery(plain).getSQL()} ORDER BY 1`),
    );
    // And the same figures as the source, where the owner wrote them.
    expect(await rowsOf(target, sql`SELECT * FROM job_metrics_by_bot ORDER BY 1`)).toEqual(
      await rowsOf(source, sql`SELECT * FROM job_metrics_by_bot ORDER BY 1`),
    );
  });

  it("every read command works as the reader and prints what the owner sees", async () => {
    const [first] = (await rowsOf(
      target,
      sql`SELECT job_id FROM jobs ORDER BY accepted_at, job_id LIMIT 1`,
    )) as { job_id: string }[];
    const reads = [
      ["metrics"],
      ["metrics", "--json"],
      ["recent", "--limit", "100"],
      ["stages", "--json"],
      ["job", first?.job_id ?? ""],
      ["timeline", "--bucket", "day", "--from", "2000-01-01", "--to", "2001-01-01", "--json"],
      ["timeline", "--json"],
      ["export"],
      ["export", "--format", "csv"],
    ];
    for (const args of reads) {
      const asReader = await runCli(args, { env: reader.env });
      const asOwner = await runCli(args, { env: target.env });
      expect([args, asReader.status, asReader.stderr]).toEqual([args, 0, ""]);
      expect(asReader.stdout, args.join(" ")).toBe(asOwner.stdout);
    }
    const status = await runCli(["status", "--json"], { env: reader.env });
    expect(status.status).toBe(0);
    expect(JSON.parse(status.stdout).pending).toEqual([]);
    const check = await runCli(["check", "--skip-schema-check", "--json"], { env: reader.env });
    expect(check.status).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ drifted: false, differences: [] });
  });

  it("the reader cannot ingest, and neither login can roll back or reset: nothing changes", async () => {
    const ingest = await runCli(["ingest", "-"], { env: reader.env, input: events });
    expect(ingest.status).toBe(8);
    expect(ingest.stderr).toContain("permission denied");
    for (const login of [reader, writer]) {
      // Refused by the server either while counting the rows it would drop (the writer may not
      // read the rollups: exit 8) or at the down script's first statement (exit 5, rolled back).
      const rollback = await runCli(["rollback", "--all", "--yes"], { env: login.env });
      expect([5, 8]).toContain(rollback.status);
      expect(rollback.stderr).toMatch(/^forus-audit: .*(must be owner|permission denied)/);
      const reset = await runCli(["reset", "--yes"], { env: login.env });
      expect([login.name, reset.status]).toEqual([login.name, 8]);
      expect(reset.stderr).toMatch(/must be owner|permission denied/);
    }
    const status = await runCli(["status", "--json"], { env: target.env });
    expect([status.status, JSON.parse(status.stdout).pending]).toEqual([0, []]);
    const [jobs] = (await rowsOf(target, sql`SELECT count(*)::int AS n FROM jobs`)) as {
      n: number;
    }[];
    expect(jobs?.n).toBe(JOBS);
  });

  it("--revoke takes the membership back: the reader's next read is refused (exit 8)", async () => {
    const revoke = await runCli(["grant", "reader", reader.name, "--revoke"], { env: target.env });
    expect(revoke.stdout).toMatch(new RegExp(`^Revoked audit_reader from ${reader.name} on `));
    const run = await runCli(["metrics"], { env: reader.env });
    expect(run.status).toBe(8);
    expect(run.stderr).toContain("permission denied");
  });
});

describe.runIf(!onPostgres)("grant on the embedded database", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.dispose());

  it("says roles separate nothing there (exit 2)", async () => {
    const run = await runCli(["grant", "reader", "anyone"], { env: database.env });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("single user and no logins");
  });
});
