import { createTestDatabase, runLegacyScript, type TestDatabase } from "@forusbots/db/testing";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "./cli-process.ts";

/** Building the variant, a shadow PGlite per command: slow on a loaded machine. */
const TIMEOUT_MS = 480_000;

const JOB_A = "00000000-0000-4000-8000-00000000000a";
const JOB_B = "00000000-0000-4000-8000-00000000000b";

let database: TestDatabase | undefined;
afterEach(async () => {
  await database?.dispose();
  database = undefined;
});

/** A legacy variant of packages/db/legacy/variants with two jobs and a stage, closed again. */
async function legacyDatabase(
  variant: string,
  rows: { bot: string | null },
): Promise<TestDatabase> {
  database = await createTestDatabase({ migrated: false });
  const handle = await database.open({ maxConnections: 1 });
  try {
    await runLegacyScript(handle, `variants/${variant}.sql`);
    await handle.query(sql`
      INSERT INTO jobs (job_id, bot_id, state, accepted_at, started_at, finished_at, meta)
      VALUES (${JOB_A}, 'invoice-bot', 'succeeded', '2026-01-01T10:00:00Z', '2026-01-01T10:00:01Z', '2026-01-01T10:00:04Z', '{}'),
             (${JOB_B}, ${rows.bot}, 'queued', '2026-01-01T11:00:00Z', NULL, NULL, '{}')`);
    await handle.query(sql`
      INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status, meta)
      VALUES (${JOB_A}, 'login', '2026-01-01T10:00:01Z', '2026-01-01T10:00:02Z', 'succeed', '{}')`);
  } finally {
    await handle.close();
  }
  return database;
}

describe("forus-audit adopt", () => {
  it("--help names every flag", async () => {
    const run = await runCli(["adopt", "--help"]);
    expect(run.status).toBe(0);
    for (const flag of [
      "--dry-run",
      "--drop-operator-objects",
      "--lock-timeout",
      "--statement-timeout",
      "--retries",
      "--json",
    ]) {
      expect(run.stdout).toContain(flag);
    }
  });

  it(
    "--dry-run prints each statement under its reason and changes nothing; adopt applies it, then migrate and check pass",
    async () => {
      const target = await legacyDatabase("seed-wording", { bot: "upload-bot" });
      const dryRun = await runCli(["adopt", "--dry-run"], { env: target.env });
      expect(dryRun.stderr).toBe("");
      expect(dryRun.status).toBe(0);
      const lines = dryRun.stdout.split("\n");
      const retype = lines.indexOf('ALTER TABLE public."jobs" ALTER COLUMN "bot_id" TYPE text;');
      expect(retype).toBeGreaterThan(0);
      expect(lines[retype - 1]).toMatch(
        /^-- jobs\.bot_id is character varying\(255\); .*no table rewrite/,
      );
      expect(dryRun.stdout).toContain("(005_ms_durations)");
      expect(dryRun.stdout).toContain("Dry run: nothing changed; would record 5 migration(s)");
      const pending = JSON.parse((await runCli(["status", "--json"], { env: target.env })).stdout);
      expect(pending.applied).toEqual([]);

      const adopt = await runCli(["adopt"], { env: target.env });
      expect(adopt.status).toBe(0);
      expect(adopt.stdout).toContain("Rows unchanged: jobs 2 → 2, job_stages 1 → 1.");
      expect(adopt.stdout).toContain(
        "Recorded 5 migration(s) as applied: 0000_init, 0001_views, 0002_alias_views, 0003_ms_durations, 0004_job_stages_dedupe.",
      );
      expect((await runCli(["migrate"], { env: target.env })).status).toBe(0);
      const check = await runCli(["check", "--skip-schema-check"], { env: target.env });
      expect(check.stdout).toContain("No drift");
      expect(check.status).toBe(0);
    },
    TIMEOUT_MS,
  );

  it(
    "stops on rows that break a rule of ours, naming them in one line, and records nothing",
    async () => {
      const target = await legacyDatabase("rule-violations", { bot: null });
      const run = await runCli(["adopt"], { env: target.env });
      expect(run.status).not.toBe(0);
      expect(run.stdout).toBe("");
      const message = run.stderr.trim();
      expect(message.split("\n")).toHaveLength(1);
      expect(message).toContain(`1 row(s) of jobs break jobs.bot_id NOT NULL: job_id ${JOB_B}`);
      expect(message).toContain("nothing was changed");
      const status = JSON.parse((await runCli(["status", "--json"], { env: target.env })).stdout);
      expect(status.applied).toEqual([]);
    },
    TIMEOUT_MS,
  );
});
