import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../testing/index.ts";

/**
 * The seed's checklist "indexes created", "foreign keys enforced" and its schema overview,
 * asserted from the PostgreSQL catalog of a freshly migrated database.
 */
describe("schema in the catalog after migrating", () => {
  const context = useTestDatabase();

  const columnsOf = async (table: string) =>
    context.handle.query<{ column_name: string; data_type: string; is_nullable: string }>(sql`
      SELECT column_name, data_type, is_nullable FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = ${table} ORDER BY ordinal_position`);

  it("has jobs with the seed's columns and types", async () => {
    expect(await columnsOf("jobs")).toEqual([
      { column_name: "job_id", data_type: "uuid", is_nullable: "NO" },
      { column_name: "bot_id", data_type: "text", is_nullable: "NO" },
      { column_name: "state", data_type: "text", is_nullable: "NO" },
      { column_name: "accepted_at", data_type: "timestamp with time zone", is_nullable: "NO" },
      { column_name: "started_at", data_type: "timestamp with time zone", is_nullable: "YES" },
      { column_name: "finished_at", data_type: "timestamp with time zone", is_nullable: "YES" },
      { column_name: "meta", data_type: "jsonb", is_nullable: "NO" },
      { column_name: "result", data_type: "jsonb", is_nullable: "YES" },
      { column_name: "created_by", data_type: "jsonb", is_nullable: "YES" },
      { column_name: "error_message", data_type: "text", is_nullable: "YES" },
      { column_name: "duration_ms", data_type: "integer", is_nullable: "YES" },
    ]);
  });

  it("has job_stages with the seed's columns and types", async () => {
    expect(await columnsOf("job_stages")).toEqual([
      { column_name: "id", data_type: "integer", is_nullable: "NO" },
      { column_name: "job_id", data_type: "uuid", is_nullable: "NO" },
      { column_name: "stage_name", data_type: "text", is_nullable: "NO" },
      { column_name: "started_at", data_type: "timestamp with time zone", is_nullable: "NO" },
      { column_name: "ended_at", data_type: "timestamp with time zone", is_nullable: "YES" },
      { column_name: "status", data_type: "text", is_nullable: "NO" },
      { column_name: "meta", data_type: "jsonb", is_nullable: "NO" },
      { column_name: "error", data_type: "jsonb", is_nullable: "YES" },
      { column_name: "duration_ms", data_type: "integer", is_nullable: "YES" },
    ]);
  });

  it("computes duration_ms as stored generated columns", async () => {
    const rows = await context.handle.query<{ table_name: string; is_generated: string }>(sql`
      SELECT table_name, is_generated FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'duration_ms'
        AND table_name IN ('jobs', 'job_stages') ORDER BY table_name`);
    expect(rows).toEqual([
      { table_name: "job_stages", is_generated: "ALWAYS" },
      { table_name: "jobs", is_generated: "ALWAYS" },
    ]);
  });

  it("has every index the seed lists, named idx_<table>_<column>", async () => {
    const rows = await context.handle.query<{ indexname: string; indexdef: string }>(sql`
      SELECT indexname, indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND tablename IN ('jobs', 'job_stages') ORDER BY indexname`);
    const columnsByIndex = Object.fromEntries(
      rows.map((row) => [row.indexname, row.indexdef.replace(/^.* USING btree /, "")]),
    );
    expect(columnsByIndex).toEqual({
      idx_job_stages_job_id: "(job_id)",
      idx_job_stages_stage_name: "(stage_name)",
      idx_job_stages_stage_name_duration_ms: "(stage_name, duration_ms)",
      idx_jobs_accepted_at: "(accepted_at DESC)", // NULLS FIRST is the default for DESC
      idx_jobs_bot_id: "(bot_id)",
      idx_jobs_bot_id_duration_ms: "(bot_id, duration_ms)",
      idx_jobs_bot_id_state_accepted_at: "(bot_id, state, accepted_at)",
      idx_jobs_state: "(state)",
      job_stages_pkey: "(id)",
      jobs_pkey: "(job_id)",
      uq_job_stages_job_id_stage_name_started_at: "(job_id, stage_name, started_at)",
    });
  });

  it("indexes the rollups by their keys (stage_totals by stage, duration bucket and slot), and bot_job_hourly by hour for ranges over every bot", async () => {
    const rows = await context.handle.query<{ indexname: string; indexdef: string }>(sql`
      SELECT indexname, indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND tablename IN ('bot_job_hourly', 'bot_job_totals', 'stage_totals')
      ORDER BY indexname`);
    expect(rows).toEqual([
      {
        indexname: "bot_job_hourly_pkey",
        indexdef:
          "CREATE UNIQUE INDEX bot_job_hourly_pkey ON public.bot_job_hourly USING btree (bot_id, hour)",
      },
      {
        indexname: "bot_job_totals_pkey",
        indexdef:
          "CREATE UNIQUE INDEX bot_job_totals_pkey ON public.bot_job_totals USING btree (bot_id)",
      },
      {
        indexname: "idx_bot_job_hourly_hour",
        indexdef:
          "CREATE INDEX idx_bot_job_hourly_hour ON public.bot_job_hourly USING btree (hour)",
      },
      {
        indexname: "stage_totals_pkey",
        indexdef:
          "CREATE UNIQUE INDEX stage_totals_pkey ON public.stage_totals USING btree (stage_name, duration_floor_ms, slot)",
      },
    ]);
  });

  it("has the primary, foreign, unique and check constraints", async () => {
    const rows = await context.handle.query<{ table: string; name: string; type: string }>(sql`
      SELECT conrelid::regclass::text AS table, conname AS name, contype::text AS type
      FROM pg_constraint
      WHERE conrelid IN ('public.jobs'::regclass, 'public.job_stages'::regclass)
        -- PostgreSQL 18 (PGlite) also lists NOT NULL as constraints; columns are checked above.
        AND contype <> 'n'
      ORDER BY 1, 2`);
    expect(rows).toEqual([
      { table: "job_stages", name: "ck_job_stages_stage_name_length", type: "c" },
      { table: "job_stages", name: "ck_job_stages_stage_name_not_empty", type: "c" },
      { table: "job_stages", name: "ck_job_stages_status", type: "c" },
      { table: "job_stages", name: "ck_job_stages_timestamps_ordered", type: "c" },
      { table: "job_stages", name: "fk_job_stages_job_id", type: "f" },
      { table: "job_stages", name: "job_stages_pkey", type: "p" },
      { table: "job_stages", name: "uq_job_stages_job_id_stage_name_started_at", type: "u" },
      { table: "jobs", name: "ck_jobs_bot_id_length", type: "c" },
      { table: "jobs", name: "ck_jobs_bot_id_not_empty", type: "c" },
      { table: "jobs", name: "ck_jobs_state", type: "c" },
      { table: "jobs", name: "ck_jobs_state_timestamps", type: "c" },
      { table: "jobs", name: "ck_jobs_timestamps_ordered", type: "c" },
      { table: "jobs", name: "jobs_pkey", type: "p" },
    ]);
    const [foreignKey] = await context.handle.query<{ definition: string }>(sql`
      SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
      WHERE conname = 'fk_job_stages_job_id'`);
    expect(foreignKey?.definition).toBe(
      "FOREIGN KEY (job_id) REFERENCES jobs(job_id) ON DELETE CASCADE",
    );
  });

  it("has the three views and their compatibility aliases with the documented columns", async () => {
    const rows = await context.handle.query<{ table_name: string; columns: string }>(sql`
      SELECT table_name, string_agg(column_name, ',' ORDER BY ordinal_position) AS columns
      FROM information_schema.columns
      WHERE table_schema = 'public'
        AND table_name IN (SELECT table_name FROM information_schema.views WHERE table_schema = 'public')
      GROUP BY table_name ORDER BY table_name`);
    const metrics =
      "bot_id,total_jobs,succeeded_jobs,failed_jobs,avg_duration_seconds,success_rate";
    const recent =
      "job_id,bot_id,state,accepted_at,started_at,finished_at,meta,result,created_by,error_message,duration_ms,duration_seconds,stage_count";
    const stages = "stage_name,total_runs,failed_runs,avg_duration_ms";
    expect(rows).toEqual([
      { table_name: "bot_metrics", columns: metrics },
      { table_name: "job_metrics_by_bot", columns: metrics },
      { table_name: "job_stage_summary", columns: stages },
      { table_name: "latest_jobs", columns: recent },
      { table_name: "recent_jobs", columns: recent },
      { table_name: "stage_metrics", columns: stages },
    ]);
  });

  it("has the rollup tables and the statement triggers that maintain them", async () => {
    const tables = await context.handle.query<{ table_name: string }>(sql`
      SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`);
    expect(tables.map((row) => row.table_name)).toEqual([
      "bot_job_hourly",
      "bot_job_totals",
      "job_stages",
      "jobs",
      "stage_totals",
    ]);
    const triggers = await context.handle.query<{
      table: string;
      name: string;
      definition: string;
    }>(sql`
      SELECT tgrelid::regclass::text AS table, tgname AS name,
             pg_get_triggerdef(oid) AS definition
      FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2`);
    const statement = (when: string, table: string, transition: string, fn: string) =>
      `CREATE TRIGGER ${table === "jobs" ? "jobs" : "job_stages"}_rollups_${when.toLowerCase()} AFTER ${when} ON public.${table} ${transition}FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`;
    expect(triggers).toEqual([
      {
        table: "job_stages",
        name: "job_stages_rollups_delete",
        definition: statement(
          "DELETE",
          "job_stages",
          "REFERENCING OLD TABLE AS old_rows ",
          "stage_rollups_apply",
        ),
      },
      {
        table: "job_stages",
        name: "job_stages_rollups_insert",
        definition: statement(
          "INSERT",
          "job_stages",
          "REFERENCING NEW TABLE AS new_rows ",
          "stage_rollups_apply",
        ),
      },
      {
        table: "job_stages",
        name: "job_stages_rollups_truncate",
        definition: statement("TRUNCATE", "job_stages", "", "stage_rollups_truncate"),
      },
      {
        table: "job_stages",
        name: "job_stages_rollups_update",
        definition: statement(
          "UPDATE",
          "job_stages",
          "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows ",
          "stage_rollups_apply",
        ),
      },
      {
        table: "jobs",
        name: "jobs_rollups_delete",
        definition: statement(
          "DELETE",
          "jobs",
          "REFERENCING OLD TABLE AS old_rows ",
          "job_rollups_apply",
        ),
      },
      {
        table: "jobs",
        name: "jobs_rollups_insert",
        definition: statement(
          "INSERT",
          "jobs",
          "REFERENCING NEW TABLE AS new_rows ",
          "job_rollups_apply",
        ),
      },
      {
        table: "jobs",
        name: "jobs_rollups_truncate",
        definition: statement("TRUNCATE", "jobs", "", "job_rollups_truncate"),
      },
      {
        table: "jobs",
        name: "jobs_rollups_update",
        definition: statement(
          "UPDATE",
          "jobs",
          "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows ",
          "job_rollups_apply",
        ),
      },
    ]);
  });
});
