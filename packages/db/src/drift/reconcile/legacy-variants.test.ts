import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { dumpCatalog } from "../../catalog/dump.ts";
import type { DatabaseHandle } from "../../client/handle.ts";
import { readMigrationFiles } from "../../migrator/journal.ts";
import { migrate } from "../../migrator/migrate.ts";
import { getMigrationStatus } from "../../migrator/plan.ts";
import { rollback } from "../../migrator/rollback.ts";
import { trackingTableExists } from "../../migrator/tracking.ts";
import { openDatabaseForTest } from "../../testing/index.ts";
import { runLegacyScript } from "../../testing/legacy-variants.ts";
import { adoptLegacyDatabase } from "../adopt.ts";
import { checkDrift } from "../check-drift.ts";

const tags = readMigrationFiles().map((file) => file.tag);

/** Building the variant, a shadow PGlite per adoption and check, and the migrations: slow when loaded. */
const TIMEOUT_MS = 240_000;

const JOB_A = "00000000-0000-4000-8000-00000000000a";
const JOB_B = "00000000-0000-4000-8000-00000000000b";
const JOB_C = "00000000-0000-4000-8000-00000000000c";

async function legacyDatabase(variant: string): Promise<DatabaseHandle> {
  const { handle } = await openDatabaseForTest({
    migrated: false,
    connection: { maxConnections: 1 },
  });
  await runLegacyScript(handle, `variants/${variant}.sql`);
  return handle;
}

/** Every stored value of the audit tables, as text so VARCHAR and text read the same. */
const readJobs = (handle: DatabaseHandle) =>
  handle.query(sql`
    SELECT job_id::text, bot_id::text, state::text, accepted_at, started_at, finished_at,
           meta, result, created_by, error_message
    FROM jobs ORDER BY job_id`);
const readStages = (handle: DatabaseHandle) =>
  handle.query(sql`
    SELECT id, job_id::text, stage_name::text, started_at, ended_at, status::text, meta, error
    FROM job_stages ORDER BY id`);

/**
 * What the issue asks of every variant once adopted: migrate applies the rest, check finds no
 * drift, and rolling back what migrate applied and applying it again gives the same catalog.
 */
async function migrateCheckAndRoundTrip(handle: DatabaseHandle, baseline: string): Promise<void> {
  const baselineIndex = tags.indexOf(baseline);
  const migrated = await migrate(handle);
  expect(migrated.applied).toEqual(tags.slice(baselineIndex + 1));
  const drift = await checkDrift(handle, { skipSchemaCheck: true });
  expect(drift.differences).toEqual([]);
  const up = await dumpCatalog(handle);
  await rollback(handle, { to: baseline });
  expect((await getMigrationStatus(handle)).applied.map((applied) => applied.tag)).toEqual(
    tags.slice(0, baselineIndex + 1),
  );
  await migrate(handle);
  expect(await dumpCatalog(handle)).toEqual(up);
  expect((await checkDrift(handle, { skipSchemaCheck: true })).differences).toEqual([]);
}

describe("adopting a database built to the seed's wording (VARCHAR, PostgreSQL's names)", () => {
  it(
    "reconciles it to 0004 without touching a row, records 0000-0004, and migrate, check and a round trip pass",
    async () => {
      const handle = await legacyDatabase("seed-wording");
      await handle.query(sql`
        INSERT INTO jobs (job_id, bot_id, state, accepted_at, started_at, finished_at, meta, result, error_message)
        VALUES (${JOB_A}, 'invoice-bot', 'succeeded', '2026-01-01T10:00:00Z', '2026-01-01T10:00:01Z', '2026-01-01T10:00:04Z', '{"customer":42}', '{"rows":3}', NULL),
               (${JOB_B}, 'invoice-bot', 'failed', '2026-01-01T11:00:00Z', '2026-01-01T11:00:01Z', '2026-01-01T11:00:02Z', '{}', NULL, 'login refused'),
               (${JOB_C}, 'upload-bot', 'queued', '2026-01-01T12:00:00Z', NULL, NULL, '{}', NULL, NULL)`);
      await handle.query(sql`
        INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status, meta)
        VALUES (${JOB_A}, 'login', '2026-01-01T10:00:01Z', '2026-01-01T10:00:02Z', 'succeed', '{}'),
               (${JOB_A}, 'submit', '2026-01-01T10:00:02Z', '2026-01-01T10:00:04Z', 'succeed', '{}'),
               (${JOB_B}, 'login', '2026-01-01T11:00:01Z', '2026-01-01T11:00:02Z', 'fail', '{}')`);
      const jobs = await readJobs(handle);
      const stages = await readStages(handle);

      const dryRun = await adoptLegacyDatabase(handle, { dryRun: true });
      expect(dryRun.baseline).toBe("0004_job_stages_dedupe");
      expect(await trackingTableExists(handle)).toBe(false);
      const statements = dryRun.statements.map((statement) => statement.sql);
      for (const expected of [
        'ALTER TABLE public."jobs" ALTER COLUMN "bot_id" TYPE text',
        'ALTER TABLE public."job_stages" ALTER COLUMN "status" TYPE text',
        'ALTER TABLE public."jobs" ALTER COLUMN "accepted_at" SET NOT NULL',
        'ALTER TABLE public."jobs" ALTER COLUMN "meta" SET DEFAULT \'{}\'::jsonb',
        // The same rule written against VARCHAR: PostgreSQL keeps its casts, so ours replaces it.
        'ALTER TABLE public."jobs" DROP CONSTRAINT "jobs_state_check"',
        'ALTER TABLE public."jobs" VALIDATE CONSTRAINT "ck_jobs_state"',
        'ALTER INDEX public."idx_jobs_bot_state_accepted" RENAME TO "idx_jobs_bot_id_state_accepted_at"',
        'ALTER TABLE public."job_stages" RENAME CONSTRAINT "job_stages_job_id_stage_name_started_at_key" TO "uq_job_stages_job_id_stage_name_started_at"',
      ]) {
        expect(statements).toContain(expected);
      }
      for (const statement of dryRun.statements) expect(statement.why).not.toBe("");
      console.log(dryRun.statements.map((s) => `-- ${s.why}\n${s.sql};`).join("\n"), dryRun.kept);

      const adopted = await adoptLegacyDatabase(handle);
      expect(adopted.recorded).toEqual(tags.slice(0, 5));
      expect(adopted.rowCounts).toEqual({
        before: { jobs: 3, job_stages: 3 },
        after: { jobs: 3, job_stages: 3 },
      });
      expect(await readJobs(handle)).toEqual(jobs);
      expect(await readStages(handle)).toEqual(stages);
      await migrateCheckAndRoundTrip(handle, "0004_job_stages_dedupe");
      expect(await readJobs(handle)).toEqual(jobs);
      expect(await readStages(handle)).toEqual(stages);
    },
    TIMEOUT_MS,
  );
});
