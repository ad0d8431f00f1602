import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseHandle } from "@forusbots/db";
import { plainJobMetricsByBotQuery, plainJobStageSummaryQuery } from "@forusbots/db/schema";
import { createTestDatabase, startProcess, type TestDatabase } from "@forusbots/db/testing";
import { type SQL, sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_BIN, runCli } from "./cli-process.ts";

const folder = mkdtempSync(join(tmpdir(), "forusbots-prune-cli-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The seed's jobs end at END and spread over 30 days before it. */
const END = "2026-12-01T00:00:00Z";
const BEFORE = "2026-11-21T00:00:00Z";

async function withHandle<T>(
  database: TestDatabase,
  work: (handle: DatabaseHandle) => Promise<T>,
): Promise<T> {
  const handle = await database.open({ maxConnections: 1 });
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}

/** Jobs and stages accepted before `before`, counted with plain SQL. */
const countOlder = (database: TestDatabase, before: string) =>
  withHandle(database, async (handle) => {
    const [row] = await handle.query<{ jobs: number; stages: number }>(sql`
      SELECT (SELECT count(*) FROM jobs WHERE accepted_at < ${before}::timestamptz)::int AS jobs,
             (SELECT count(*) FROM job_stages s JOIN jobs j USING (job_id)
              WHERE j.accepted_at < ${before}::timestamptz)::int AS stages`);
    return { jobs: row?.jobs ?? 0, stages: row?.stages ?? 0 };
  });

async function exportLines(database: TestDatabase): Promise<string[]> {
  const run = await runCli(["export"], { env: database.env });
  expect(run.status).toBe(0);
  return run.stdout.split(/(?<=\n)/).filter((line) => line !== "");
}

const plain = new QueryBuilder();
const expectRollupsEqualPlainAggregates = (database: TestDatabase) =>
  withHandle(database, async (handle) => {
    const rows = (statement: SQL) => handle.query(statement);
    expect(await rows(sql`SELECT * FROM job_metrics_by_bot ORDER BY 1`)).toEqual(
      await rows(sql`${plainJobMetricsByBotQuery(plain).getSQL()} ORDER BY 1`),
    );
    expect(await rows(sql`SELECT * FROM job_stage_summary ORDER BY 1`)).toEqual(
      await rows(sql`${plainJobStageSummaryQuery(plain).getSQL()} ORDER BY 1`),
    );
  });

async function seeded(jobs: number): Promise<TestDatabase> {
  const database = await createTestDatabase();
  const run = await runCli(["seed", "--jobs", String(jobs), "--days", "30", "--end", END], {
    env: database.env,
  });
  expect(run.status).toBe(0);
  return database;
}

describe("prune --help", () => {
  it("is listed by forus-audit --help, and says how times are read and how to schedule it", async () => {
    const all = await runCli(["--help"]);
    expect(all.stdout).toMatch(/^ {2}prune\b/m);
    const help = await runCli(["prune", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("a time ago (30m, 24h, 7d, 2w)");
    expect(help.stdout).toContain("AUDIT_RETENTION_DAYS and --retention, from cron or pg_cron");
  });
});

describe("prune names its target and the counts, and needs --yes", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await seeded(300);
  });
  afterAll(async () => database?.dispose());

  it("without --yes: prints the server's database and what it would remove, removes nothing (exit 8)", async () => {
    const expected = await countOlder(database, BEFORE);
    expect(expected.jobs).toBeGreaterThan(0);
    const run = await runCli(["prune", "--before", BEFORE], { env: database.env });
    expect(run.status).toBe(8);
    const [header, plan] = run.stdout.split("\n");
    expect(header).toMatch(/^Pruning database ".+" as user ".+"/);
    expect(plan).toBe(
      `  removes jobs accepted before 2026-11-21 00:00:00Z: ${expected.jobs} jobs and ${expected.stages} stages`,
    );
    expect(run.stderr).toContain("run it again with --yes");
    expect(await countOlder(database, BEFORE)).toEqual(expected);
  });

  it("--dry-run --json says the same counts and removes nothing", async () => {
    const expected = await countOlder(database, BEFORE);
    const run = await runCli(["prune", "--before", BEFORE, "--dry-run", "--json"], {
      env: database.env,
    });
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ before: BEFORE.replace("Z", ".000Z"), planned: expected });
    expect(summary.dryRun).toBe(true);
    expect(await countOlder(database, BEFORE)).toEqual(expected);
  });

  it("refuses under NODE_ENV=production without --archive, whatever the case of the word", async () => {
    const run = await runCli(["prune", "--before", BEFORE, "--yes"], {
      env: { ...database.env, NODE_ENV: "Production" },
    });
    expect(run.status).toBe(8);
    expect(run.stderr).toContain("under NODE_ENV=production it runs only with --archive FILE");
    expect(run.stdout).toBe("");
    expect((await countOlder(database, BEFORE)).jobs).toBeGreaterThan(0);
  });

  it("says what is missing: no time, both times, --retention without AUDIT_RETENTION_DAYS (exit 2)", async () => {
    for (const [args, message] of [
      [["prune", "--yes"], "say which jobs to remove"],
      [["prune", "--before", BEFORE, "--retention", "--yes"], "not both"],
      [["prune", "--retention", "--yes"], "--retention needs AUDIT_RETENTION_DAYS"],
      [["prune", "--before", "last tuesday"], "--before"],
    ] as const) {
      const run = await runCli(args, { env: database.env });
      expect(run.status, args.join(" ")).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    const bad = await runCli(["prune", "--retention", "--yes"], {
      env: { ...database.env, AUDIT_RETENTION_DAYS: "ninety" },
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("AUDIT_RETENTION_DAYS must be a whole number");
  });

  it("--retention removes what is older than AUDIT_RETENTION_DAYS; rollups stay exact", async () => {
    // The seed's jobs are all before END, in the past: a retention of (days since END) + 10
    // keeps the newest 10 days of them, the same cut as --before END - 10 days within a day.
    const daysSinceEnd = Math.floor((Date.now() - Date.parse(END)) / 86_400_000);
    const retention = daysSinceEnd + 10;
    const started = Date.now();
    const run = await runCli(["prune", "--retention", "--yes", "--json"], {
      env: { ...database.env, AUDIT_RETENTION_DAYS: String(retention) },
    });
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    const before = Date.parse(summary.before);
    expect(Math.abs(before - (started - retention * 86_400_000))).toBeLessThan(60_000);
    expect(summary.removed).toEqual(summary.planned);
    expect(await countOlder(database, summary.before)).toEqual({ jobs: 0, stages: 0 });
    await expectRollupsEqualPlainAggregates(database);
  });
});

/** Resolves when the child exits, with the signal that ended it (null when it exited itself). */
const exited = (child: ReturnType<typeof startProcess>) =>
  new Promise<NodeJS.Signals | null>((resolve) =>
    child.on("close", (_, signal) => resolve(signal)),
  );

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("prune --archive killed with kill -9, then run again", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await seeded(2000);
  });
  afterAll(async () => database?.dispose());

  it("loses nothing and doubles nothing: archive + what remains = the original export", async () => {
    const original = await exportLines(database);
    const planned = await countOlder(database, BEFORE);
    const archive = join(folder, "killed.jsonl");
    const args = ["prune", "--before", BEFORE, "--archive", archive, "--batch-size", "15", "--yes"];
    // Two kills, each once the archive has grown past a mark: mid-run, wherever a batch is.
    for (const mark of [150_000, 600_000]) {
      const child = startProcess(process.execPath, [CLI_BIN, ...args], { env: database.env });
      const ended = exited(child);
      let done = false;
      void ended.then(() => {
        done = true;
      });
      await waitFor(() => done || (existsSync(archive) && statSync(archive).size > mark), 90_000);
      child.kill("SIGKILL");
      expect(await ended, "the prune was still running when killed").toBe("SIGKILL");
      expect(existsSync(`${archive}.checkpoint`)).toBe(true);
    }
    const finished = await runCli([...args, "--json"], { env: database.env });
    expect(finished.status, finished.stderr).toBe(0);
    expect(existsSync(`${archive}.checkpoint`)).toBe(false);
    expect(await countOlder(database, BEFORE)).toEqual({ jobs: 0, stages: 0 });
    const archived = readFileSync(archive, "utf8")
      .split(/(?<=\n)/)
      .filter((line) => line !== "");
    const acceptances = archived.filter((line) => line.includes('"type":"job.accepted"'));
    expect(acceptances).toHaveLength(planned.jobs);
    expect(archived.filter((line) => line.includes('"type":"stage"'))).toHaveLength(planned.stages);
    expect([...archived, ...(await exportLines(database))]).toEqual(original);
    await expectRollupsEqualPlainAggregates(database);
  });
});
