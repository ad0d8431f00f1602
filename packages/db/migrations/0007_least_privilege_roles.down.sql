-- Down script of 0007_least_privilege_roles (hand-written). Takes back what the migration granted
-- in this database and makes the rollup trigger functions run as their caller again, with the
-- caller's search_path. Loses no data.
--
-- The roles themselves are left in place: they belong to the whole cluster, and other databases
-- on it (or the login roles that are members) may still use them. Dropping one here would strip
-- every member's membership and could race another database's migration granting to it. An
-- administrator drops them once no database needs them: DROP ROLE audit_reader, audit_writer.
DO $least_privilege$
BEGIN
  IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'audit_reader') THEN
    REVOKE ALL ON "jobs", "job_stages", "bot_job_totals", "bot_job_hourly", "stage_totals",
      "job_metrics_by_bot", "recent_jobs", "job_stage_summary", "bot_metrics", "latest_jobs",
      "stage_metrics" FROM audit_reader;
  END IF;
  IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'audit_writer') THEN
    REVOKE ALL ON "jobs", "job_stages" FROM audit_writer;
    REVOKE ALL ON SEQUENCE "job_stages_id_seq" FROM audit_writer;
  END IF;
  IF to_regclass('drizzle.__drizzle_migrations') IS NOT NULL THEN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'audit_reader') THEN
      REVOKE ALL ON "drizzle"."__drizzle_migrations" FROM audit_reader;
      REVOKE ALL ON SCHEMA "drizzle" FROM audit_reader;
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'audit_writer') THEN
      REVOKE ALL ON "drizzle"."__drizzle_migrations" FROM audit_writer;
      REVOKE ALL ON SCHEMA "drizzle" FROM audit_writer;
    END IF;
  END IF;
END
$least_privilege$;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION "job_rollups_apply"(), "stage_rollups_apply"(), "job_rollups_truncate"(), "stage_rollups_truncate"() TO PUBLIC;--> statement-breakpoint
ALTER FUNCTION "job_rollups_apply"() SECURITY INVOKER RESET search_path;--> statement-breakpoint
ALTER FUNCTION "stage_rollups_apply"() SECURITY INVOKER RESET search_path;--> statement-breakpoint
ALTER FUNCTION "job_rollups_truncate"() SECURITY INVOKER RESET search_path;--> statement-breakpoint
ALTER FUNCTION "stage_rollups_truncate"() SECURITY INVOKER RESET search_path;
