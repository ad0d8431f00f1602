import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../client/handle.ts";
import { readMigrationFiles } from "../migrator/journal.ts";
import { migrate } from "../migrator/migrate.ts";
import { getMigrationStatus } from "../migrator/plan.ts";
import { openDatabaseForTest } from "../testing/index.ts";
import { runLegacyScript } from "../testing/legacy-variants.ts";
import { adoptLegacyDatabase } from "./adopt.ts";
import { checkDrift } from "./check-drift.ts";

const LEGACY_SCRIPTS = [
  "001_init.sql",
  "002_views.sql",
  "003_alias_views.sql",
  "005_ms_durations.sql",
  "006_job_stages_dedupe.sql",
];

const JOB_A = "00000000-0000-4000-8000-00000000000a";
const JOB_B = "00000000-0000-4000-8000-00000000000b";

/** Two jobs and three stages, as the old recorder would have written them. */
async function insertLegacyRows(handle: DatabaseHandle): Promise<void> {
  await handle.query(sql`
    INSERT INTO jobs (job_id, bot_id, state, accepted_at, started_at, finished_at, meta)
    VALUES (${JOB_A}, 'bot-1', 'succeeded', '2026-01-01T10:00:00Z', '2026-01-01T10:00:01Z', '2026-01-01T10:00:04Z', '{"form":"a"}'),
           (${JOB_B}, 'bot-2', 'queued', '2026-01-01T11:00:00Z', NULL, NULL, '{}')`);
  await handle.query(sql`
    INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status)
    VALUES (${JOB_A}, 'login', '2026-01-01T10:00:01Z', '2026-01-01T10:00:02Z', 'succeed'),
           (${JOB_A}, 'fill-form', '2026-01-01T10:00:02Z', '2026-01-01T10:00:03.5Z', 'succeed'),
           (${JOB_A}, 'submit', '2026-01-01T10:00:03.5Z', '2026-01-01T10:00:04Z', 'fail')`);
}

const tags = readMigrationFiles().map((file) => file.tag);

/**
 * Each test builds its legacy database and adopts it, which migrates a shadow PGlite: seconds on
 * an idle machine, more than the default 30 s on a loaded one.
 */
const ADOPTION_TIMEOUT_MS = 120_000;

/** A database of the running test's own, built by the first `scripts` legacy scripts, with rows. */
async function legacyDatabase(scripts: number): Promise<DatabaseHandle> {
  const { handle } = await openDatabaseForTest({
    migrated: false,
    connection: { maxConnections: 1 },
  });
  for (const script of LEGACY_SCRIPTS.slice(0, scripts)) await runLegacyScript(handle, script);
  await insertLegacyRows(handle);
  return handle;
}

describe("adopting a database built by the old psql scripts", () => {
  it(
    "records 0000-0002 for a database built by 001-003, then migrate applies the rest and keeps every row",
    async () => {
      const handle = await legacyDatabase(3);

      const adopted = await adoptLegacyDatabase(handle);
      expect(adopted.baseline).toBe("0002_alias_views");
      expect(adopted.recorded).toEqual(["0000_init", "0001_views", "0002_alias_views"]);
      // The scripts built exactly our schema: nothing to change, nothing kept.
      expect(adopted.kept).toEqual([]);
      expect(adopted.statements.map((statement) => statement.sql.split(" ")[0])).toEqual([
        "LOCK",
        "CREATE",
        "CREATE",
        "DO",
      ]);
      const status = await getMigrationStatus(handle);
      expect(status.applied.map((applied) => applied.tag)).toEqual(tags.slice(0, 3));

      const result = await migrate(handle);
      expect(result.applied).toEqual(tags.slice(3));
      const jobs = await handle.query<{
        job_id: string;
        bot_id: string;
        duration_ms: number | null;
      }>(sql`SELECT job_id, bot_id, duration_ms FROM jobs ORDER BY job_id`);
      // JOB_A ran from 10:00:01 to 10:00:04: 3000 ms; JOB_B never started.
      expect(jobs).toEqual([
        { job_id: JOB_A, bot_id: "bot-1", duration_ms: 3000 },
        { job_id: JOB_B, bot_id: "bot-2", duration_ms: null },
      ]);
      const stages = await handle.query<{ stage_name: string; duration_ms: number }>(
        sql`SELECT stage_name, duration_ms FROM job_stages ORDER BY started_at`,
      );
      expect(stages).toEqual([
        { stage_name: "login", duration_ms: 1000 },
        { stage_name: "fill-form", duration_ms: 1500 },
        { stage_name: "submit", duration_ms: 500 },
      ]);
    },
    ADOPTION_TIMEOUT_MS,
  );
});

describe("adopting a database built by every legacy script", () => {
  it(
    "builds a missing index of ours, keeps an operator's column, and check then finds no drift",
    async () => {
      const handle = await legacyDatabase(LEGACY_SCRIPTS.length);
      await handle.query(sql`DROP INDEX idx_jobs_state`);
      await handle.query(sql`ALTER TABLE jobs ADD COLUMN priority integer`);
      const adopted = await adoptLegacyDatabase(handle);
      expect(adopted.baseline).toBe("0004_job_stages_dedupe");
      expect(adopted.statements.map((statement) => statement.sql)).toContain(
        "CREATE INDEX idx_jobs_state ON public.jobs USING btree (state)",
      );
      expect(adopted.kept).toEqual([
        { kind: "column", table: "jobs", name: "priority", definition: "integer" },
      ]);
      await migrate(handle);
      expect((await checkDrift(handle, { skipSchemaCheck: true })).differences).toEqual([]);
    },
    ADOPTION_TIMEOUT_MS,
  );

  it(
    "records 0000-0004 for a schema that matches, touches no row, and refuses a second adoption",
    async () => {
      const handle = await legacyDatabase(LEGACY_SCRIPTS.length);
      const adopted = await adoptLegacyDatabase(handle);
      expect(adopted.baseline).toBe("0004_job_stages_dedupe");
      expect(adopted.recorded).toEqual(tags.slice(0, 5));
      const counts = await handle.query<{ jobs: number; stages: number }>(sql`
      SELECT (SELECT count(*)::int FROM jobs) AS jobs, (SELECT count(*)::int FROM job_stages) AS stages`);
      expect(counts).toEqual([{ jobs: 2, stages: 3 }]);
      await expect(adoptLegacyDatabase(handle)).rejects.toThrow(
        /already records 5 applied migration/,
      );
    },
    ADOPTION_TIMEOUT_MS,
  );
});
