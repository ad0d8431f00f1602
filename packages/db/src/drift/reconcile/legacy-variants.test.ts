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
const TIMEOUT_MS = 480_000;

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

      // The files behind the tables and the indexes on retyped columns: the same files after the
      // adoption means VARCHAR → text rewrote nothing.
      const storage = () =>
        handle.query(sql`
          SELECT relname, relfilenode::text FROM pg_class
          WHERE relname IN ('jobs', 'job_stages', 'idx_jobs_bot_id', 'idx_jobs_state', 'idx_job_stages_stage_name')
          ORDER BY relname`);
      const storageBefore = await storage();
      const adopted = await adoptLegacyDatabase(handle);
      expect(await storage()).toEqual(storageBefore);
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

describe("adopting a database stopped after 003, with duplicate stages", () => {
  it(
    "records 0000-0002, names the duplicates 0004 will remove, and migrate keeps the earliest of each",
    async () => {
      const handle = await legacyDatabase("stopped-after-003");
      await handle.query(sql`
        INSERT INTO jobs (job_id, bot_id, state, accepted_at, started_at, finished_at)
        VALUES (${JOB_A}, 'invoice-bot', 'succeeded', '2026-01-01T10:00:00Z', '2026-01-01T10:00:01Z', '2026-01-01T10:00:04Z'),
               (${JOB_B}, 'invoice-bot', 'failed', '2026-01-01T11:00:00Z', '2026-01-01T11:00:01Z', '2026-01-01T11:00:02Z')`);
      // Ids 1-5 in this order: 2 repeats 1, and 4 repeats 3 (same job, stage and start).
      await handle.query(sql`
        INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status)
        VALUES (${JOB_A}, 'login', '2026-01-01T10:00:01Z', '2026-01-01T10:00:02Z', 'succeed'),
               (${JOB_A}, 'login', '2026-01-01T10:00:01Z', '2026-01-01T10:00:02Z', 'succeed'),
               (${JOB_A}, 'submit', '2026-01-01T10:00:02Z', '2026-01-01T10:00:04Z', 'succeed'),
               (${JOB_A}, 'submit', '2026-01-01T10:00:02Z', '2026-01-01T10:00:03Z', 'succeed'),
               (${JOB_B}, 'login', '2026-01-01T11:00:01Z', '2026-01-01T11:00:02Z', 'fail')`);
      const jobs = await readJobs(handle);
      const stages = await readStages(handle);

      const adopted = await adoptLegacyDatabase(handle);
      expect(adopted.baseline).toBe("0002_alias_views");
      expect(adopted.recorded).toEqual(tags.slice(0, 3));
      expect(adopted.notices).toEqual([
        "2 stage row(s) repeat an earlier row's (job_id, stage_name, started_at): migrate's 0004_job_stages_dedupe (the seed's 006) deletes them, keeping the earliest of each; ids 2, 4",
      ]);
      expect(adopted.statements.map((statement) => statement.sql)).toContain(
        'ALTER TABLE public."jobs" RENAME CONSTRAINT "pk_jobs" TO "jobs_pkey"',
      );
      expect(adopted.rowCounts.after).toEqual({ jobs: 2, job_stages: 5 });
      expect(await readJobs(handle)).toEqual(jobs);
      expect(await readStages(handle)).toEqual(stages);

      await migrateCheckAndRoundTrip(handle, "0002_alias_views");
      expect(await readJobs(handle)).toEqual(jobs);
      // 0004 removed ids 2 and 4 and nothing else.
      expect(await readStages(handle)).toEqual(
        stages.filter((stage) => stage.id !== 2 && stage.id !== 4),
      );
    },
    TIMEOUT_MS,
  );
});

describe("adopting a database an operator added indexes, views and a table to", () => {
  const insertRows = async (handle: DatabaseHandle) => {
    await handle.query(sql`
      INSERT INTO jobs (job_id, bot_id, state, accepted_at, started_at, finished_at, error_message)
      VALUES (${JOB_A}, 'invoice-bot', 'failed', '2026-01-01T10:00:00Z', '2026-01-01T10:00:01Z', '2026-01-01T10:00:04Z', 'submit refused')`);
    await handle.query(sql`
      INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status)
      VALUES (${JOB_A}, 'login', '2026-01-01T10:00:01Z', '2026-01-01T10:00:02Z', 'succeed'),
             (${JOB_A}, 'submit', '2026-01-01T10:00:02Z', '2026-01-01T10:00:04Z', 'fail')`);
  };

  it(
    "keeps and lists every operator object, takes over the unique index as our stage key, and check finds no drift",
    async () => {
      const handle = await legacyDatabase("operator-additions");
      await insertRows(handle);
      const jobs = await readJobs(handle);
      const stages = await readStages(handle);

      const adopted = await adoptLegacyDatabase(handle);
      expect(adopted.baseline).toBe("0004_job_stages_dedupe");
      expect(adopted.kept.map((object) => `${object.kind} ${object.name}`).sort()).toEqual([
        "index idx_job_stages_failed",
        "index idx_job_stages_slow",
        "index idx_jobs_finished_at",
        "sequence migrations_log_id_seq",
        "table migrations_log",
        // 003's aliases under their own names, and the 002 views they read (which are not ours:
        // other columns), moved aside so the aliases read what they read.
        "view bots_summary",
        "view failed_jobs_last_day",
        "view job_metrics_by_bot_legacy",
        "view job_stage_summary_legacy",
        "view jobs_last_100",
        "view recent_jobs_legacy",
        "view stages_summary",
      ]);
      const statements = adopted.statements.map((statement) => statement.sql);
      expect(statements).toContain(
        'ALTER TABLE public."job_stages" ADD CONSTRAINT "uq_job_stages_job_id_stage_name_started_at" UNIQUE USING INDEX "idx_job_stages_job_id_stage_name_started_at"',
      );
      expect(statements).toContain(
        'ALTER INDEX public."jobs_bot_id_state_accepted_at_idx" RENAME TO "idx_jobs_bot_id_state_accepted_at"',
      );
      expect(statements.filter((statement) => /^DROP INDEX/.test(statement))).toEqual([]);
      // 005 computed the stage duration its own way: computed again ours (1 s and 2 s stages), with
      // our index and the operator's on it built again.
      expect(statements).toContain('ALTER TABLE public."job_stages" DROP COLUMN "duration_ms"');
      expect(statements).toContain(
        "CREATE INDEX idx_job_stages_slow ON public.job_stages USING btree (stage_name) WHERE (duration_ms > 60000)",
      );
      expect(await handle.query(sql`SELECT id, duration_ms FROM job_stages ORDER BY id`)).toEqual([
        { id: 1, duration_ms: 1000 },
        { id: 2, duration_ms: 2000 },
      ]);
      expect(await readJobs(handle)).toEqual(jobs);
      expect(await readStages(handle)).toEqual(stages);
      // The operator's view still answers, from the rows as they were.
      expect(await handle.query(sql`SELECT job_id, bot_id FROM jobs_last_100`)).toEqual([
        { job_id: JOB_A, bot_id: "invoice-bot" },
      ]);
      expect(await handle.query(sql`SELECT count(*)::int AS n FROM migrations_log`)).toEqual([
        { n: 5 },
      ]);

      await migrateCheckAndRoundTrip(handle, "0004_job_stages_dedupe");
      expect(await readJobs(handle)).toEqual(jobs);
      expect(await readStages(handle)).toEqual(stages);
    },
    TIMEOUT_MS,
  );

  it(
    "with --drop-operator-objects drops the indexes and views that are none of ours, never the table",
    async () => {
      const handle = await legacyDatabase("operator-additions");
      await insertRows(handle);
      const adopted = await adoptLegacyDatabase(handle, { dropOperatorObjects: true });
      expect(adopted.kept.map((object) => `${object.kind} ${object.name}`).sort()).toEqual([
        "sequence migrations_log_id_seq",
        "table migrations_log",
      ]);
      const views = await handle.query<{ name: string }>(sql`
        SELECT table_name AS name FROM information_schema.views WHERE table_schema = 'public' ORDER BY 1`);
      expect(views.map((view) => view.name)).toEqual([
        "bot_metrics",
        "job_metrics_by_bot",
        "job_stage_summary",
        "latest_jobs",
        "recent_jobs",
        "stage_metrics",
      ]);
      const indexes = await handle.query<{ name: string }>(sql`
        SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public' AND indexname IN ('idx_jobs_finished_at', 'idx_job_stages_failed')`);
      expect(indexes).toEqual([]);
      await migrateCheckAndRoundTrip(handle, "0004_job_stages_dedupe");
    },
    TIMEOUT_MS,
  );
});

describe("adopting a database whose rows break rules our migrations add", () => {
  it(
    "names each broken rule with its rows and how many, and changes nothing",
    async () => {
      const handle = await legacyDatabase("rule-violations");
      const JOB_D = "00000000-0000-4000-8000-00000000000d";
      // A is valid; B is 'paused' (not a state of ours, and running without a finish time);
      // C has no bot; D is 'done'. Stage 2 says 'success' where ours says 'succeed'.
      await handle.query(sql`
        INSERT INTO jobs (job_id, bot_id, state, accepted_at, started_at, finished_at)
        VALUES (${JOB_A}, 'invoice-bot', 'succeeded', '2026-01-01T10:00:00Z', '2026-01-01T10:00:01Z', '2026-01-01T10:00:04Z'),
               (${JOB_B}, 'invoice-bot', 'paused', '2026-01-01T11:00:00Z', '2026-01-01T11:00:01Z', NULL),
               (${JOB_C}, NULL, 'queued', '2026-01-01T12:00:00Z', NULL, NULL),
               (${JOB_D}, 'upload-bot', 'done', '2026-01-01T13:00:00Z', '2026-01-01T13:00:01Z', '2026-01-01T13:00:02Z')`);
      await handle.query(sql`
        INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status)
        VALUES (${JOB_A}, 'login', '2026-01-01T10:00:01Z', '2026-01-01T10:00:02Z', 'succeed'),
               (${JOB_A}, 'submit', '2026-01-01T10:00:02Z', '2026-01-01T10:00:04Z', 'success'),
               (${JOB_D}, 'upload', '2026-01-01T13:00:01Z', '2026-01-01T13:00:02Z', 'fail')`);
      const jobs = await readJobs(handle);
      const stages = await readStages(handle);
      const catalog = await dumpCatalog(handle);

      for (const dryRun of [true, false]) {
        const refusal = adoptLegacyDatabase(handle, { dryRun });
        await expect(refusal).rejects.toThrow(/nothing was changed/);
        const message = await refusal.then(
          () => "",
          (error: Error) => error.message,
        );
        expect(message).toContain(`1 row(s) of jobs break jobs.bot_id NOT NULL: job_id ${JOB_C}`);
        expect(message).toContain(`2 row(s) of jobs break check ck_jobs_state`);
        expect(message).toContain(`job_id ${JOB_B}, ${JOB_D}`);
        expect(message).toContain(`1 row(s) of jobs break check ck_jobs_state_timestamps`);
        expect(message).toMatch(
          /1 row\(s\) of job_stages break check ck_job_stages_status .*: id 2(;|$)/,
        );
        // Nothing else: the other rules of ours hold on these rows.
        expect(message.match(/row\(s\) of/g)).toHaveLength(4);
      }
      expect(await trackingTableExists(handle)).toBe(false);
      expect(await dumpCatalog(handle)).toEqual(catalog);
      expect(await readJobs(handle)).toEqual(jobs);
      expect(await readStages(handle)).toEqual(stages);
    },
    TIMEOUT_MS,
  );
});
