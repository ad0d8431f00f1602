-- Custom migration (drizzle-kit generate --custom): incremental rollups behind the metric views.
-- The tables and views below are what drizzle-kit generates from src/schema/rollups.ts and
-- views.ts (the snapshot beside this file carries them, so generating again produces nothing);
-- drizzle-kit cannot express the triggers that keep the rollups current, hence a custom migration.
--
-- Statement-level triggers with transition tables add each statement's delta (rows leaving with
-- sign -1, rows arriving with sign +1) in the writer's own transaction: a batch of 1,000 rows costs
-- one upsert per touched bot, not 1,000. Keys are upserted in sorted order so that concurrent
-- writers lock rollup rows in the same order and cannot deadlock on them.
--
-- SHARE ROW EXCLUSIVE keeps writers out (readers go on) from here to commit, so no write can fall
-- between the backfill and the triggers that take over from it.
--
-- The counters stay INTEGER (squawk prefers bigint): the views expose them as integer, as the plain
-- aggregate's count(*)::integer does, so a wider counter would only move the overflow to the view.
-- squawk-ignore-file prefer-bigint-over-int
LOCK TABLE "jobs", "job_stages" IN SHARE ROW EXCLUSIVE MODE;--> statement-breakpoint
CREATE TABLE "bot_job_hourly" (
	"bot_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"queued_jobs" integer DEFAULT 0 NOT NULL,
	"running_jobs" integer DEFAULT 0 NOT NULL,
	"succeeded_jobs" integer DEFAULT 0 NOT NULL,
	"failed_jobs" integer DEFAULT 0 NOT NULL,
	"canceled_jobs" integer DEFAULT 0 NOT NULL,
	"timed_jobs" integer DEFAULT 0 NOT NULL,
	"duration_seconds_sum" numeric DEFAULT '0' NOT NULL,
	CONSTRAINT "bot_job_hourly_pkey" PRIMARY KEY("bot_id","hour")
);
--> statement-breakpoint
CREATE TABLE "bot_job_totals" (
	"bot_id" text PRIMARY KEY NOT NULL,
	"queued_jobs" integer DEFAULT 0 NOT NULL,
	"running_jobs" integer DEFAULT 0 NOT NULL,
	"succeeded_jobs" integer DEFAULT 0 NOT NULL,
	"failed_jobs" integer DEFAULT 0 NOT NULL,
	"canceled_jobs" integer DEFAULT 0 NOT NULL,
	"timed_jobs" integer DEFAULT 0 NOT NULL,
	"duration_seconds_sum" numeric DEFAULT '0' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stage_totals" (
	"stage_name" text PRIMARY KEY NOT NULL,
	"total_runs" integer DEFAULT 0 NOT NULL,
	"failed_runs" integer DEFAULT 0 NOT NULL,
	"timed_runs" integer DEFAULT 0 NOT NULL,
	"duration_ms_sum" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE FUNCTION "job_rollups_apply"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  source text;
BEGIN
  FOREACH source IN ARRAY CASE TG_OP
    WHEN 'INSERT' THEN ARRAY['new_rows']
    WHEN 'DELETE' THEN ARRAY['old_rows']
    ELSE ARRAY['old_rows', 'new_rows'] END
  LOOP
    EXECUTE format($sql$
      INSERT INTO bot_job_totals AS t (bot_id, queued_jobs, running_jobs, succeeded_jobs, failed_jobs, canceled_jobs, timed_jobs, duration_seconds_sum)
        SELECT bot_id, %1$s * count(*) FILTER (WHERE state = 'queued'), %1$s * count(*) FILTER (WHERE state = 'running'),
               %1$s * count(*) FILTER (WHERE state = 'succeeded'), %1$s * count(*) FILTER (WHERE state = 'failed'),
               %1$s * count(*) FILTER (WHERE state = 'canceled'), %1$s * count(finished_at - started_at),
               %1$s * coalesce(sum(EXTRACT(EPOCH FROM (finished_at - started_at))), 0)
        FROM %2$I GROUP BY bot_id ORDER BY bot_id
      ON CONFLICT (bot_id) DO UPDATE SET
          queued_jobs = t.queued_jobs + EXCLUDED.queued_jobs,
          running_jobs = t.running_jobs + EXCLUDED.running_jobs,
          succeeded_jobs = t.succeeded_jobs + EXCLUDED.succeeded_jobs,
          failed_jobs = t.failed_jobs + EXCLUDED.failed_jobs,
          canceled_jobs = t.canceled_jobs + EXCLUDED.canceled_jobs,
          timed_jobs = t.timed_jobs + EXCLUDED.timed_jobs,
          duration_seconds_sum = t.duration_seconds_sum + EXCLUDED.duration_seconds_sum$sql$,
      CASE source WHEN 'old_rows' THEN -1 ELSE 1 END, source);
    EXECUTE format($sql$
      INSERT INTO bot_job_hourly AS t (bot_id, hour, queued_jobs, running_jobs, succeeded_jobs, failed_jobs, canceled_jobs, timed_jobs, duration_seconds_sum)
        SELECT bot_id, date_trunc('hour', accepted_at, 'UTC'), %1$s * count(*) FILTER (WHERE state = 'queued'), %1$s * count(*) FILTER (WHERE state = 'running'),
               %1$s * count(*) FILTER (WHERE state = 'succeeded'), %1$s * count(*) FILTER (WHERE state = 'failed'),
               %1$s * count(*) FILTER (WHERE state = 'canceled'), %1$s * count(finished_at - started_at),
               %1$s * coalesce(sum(EXTRACT(EPOCH FROM (finished_at - started_at))), 0)
        FROM %2$I GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (bot_id, hour) DO UPDATE SET
          queued_jobs = t.queued_jobs + EXCLUDED.queued_jobs,
          running_jobs = t.running_jobs + EXCLUDED.running_jobs,
          succeeded_jobs = t.succeeded_jobs + EXCLUDED.succeeded_jobs,
          failed_jobs = t.failed_jobs + EXCLUDED.failed_jobs,
          canceled_jobs = t.canceled_jobs + EXCLUDED.canceled_jobs,
          timed_jobs = t.timed_jobs + EXCLUDED.timed_jobs,
          duration_seconds_sum = t.duration_seconds_sum + EXCLUDED.duration_seconds_sum$sql$,
      CASE source WHEN 'old_rows' THEN -1 ELSE 1 END, source);
  END LOOP;
  RETURN NULL;
END
$fn$;--> statement-breakpoint
CREATE FUNCTION "stage_rollups_apply"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  source text;
BEGIN
  FOREACH source IN ARRAY CASE TG_OP
    WHEN 'INSERT' THEN ARRAY['new_rows']
    WHEN 'DELETE' THEN ARRAY['old_rows']
    ELSE ARRAY['old_rows', 'new_rows'] END
  LOOP
    EXECUTE format($sql$
      INSERT INTO stage_totals AS t (stage_name, total_runs, failed_runs, timed_runs, duration_ms_sum)
        SELECT stage_name, %1$s * count(*), %1$s * count(*) FILTER (WHERE status = 'fail'),
               %1$s * count(duration_ms), %1$s * coalesce(sum(duration_ms), 0)
        FROM %2$I GROUP BY stage_name ORDER BY stage_name
      ON CONFLICT (stage_name) DO UPDATE SET
          total_runs = t.total_runs + EXCLUDED.total_runs,
          failed_runs = t.failed_runs + EXCLUDED.failed_runs,
          timed_runs = t.timed_runs + EXCLUDED.timed_runs,
          duration_ms_sum = t.duration_ms_sum + EXCLUDED.duration_ms_sum$sql$,
      CASE source WHEN 'old_rows' THEN -1 ELSE 1 END, source);
  END LOOP;
  RETURN NULL;
END
$fn$;--> statement-breakpoint
-- TRUNCATE fires no row-level or transition-table trigger: empty the rollups with the table.
CREATE FUNCTION "job_rollups_truncate"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  TRUNCATE bot_job_totals, bot_job_hourly;
  RETURN NULL;
END
$fn$;--> statement-breakpoint
CREATE FUNCTION "stage_rollups_truncate"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  TRUNCATE stage_totals;
  RETURN NULL;
END
$fn$;--> statement-breakpoint
CREATE TRIGGER "jobs_rollups_insert" AFTER INSERT ON "jobs"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "job_rollups_apply"();--> statement-breakpoint
CREATE TRIGGER "jobs_rollups_update" AFTER UPDATE ON "jobs"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "job_rollups_apply"();--> statement-breakpoint
CREATE TRIGGER "jobs_rollups_delete" AFTER DELETE ON "jobs"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "job_rollups_apply"();--> statement-breakpoint
CREATE TRIGGER "jobs_rollups_truncate" AFTER TRUNCATE ON "jobs"
  FOR EACH STATEMENT EXECUTE FUNCTION "job_rollups_truncate"();--> statement-breakpoint
CREATE TRIGGER "job_stages_rollups_insert" AFTER INSERT ON "job_stages"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "stage_rollups_apply"();--> statement-breakpoint
CREATE TRIGGER "job_stages_rollups_update" AFTER UPDATE ON "job_stages"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "stage_rollups_apply"();--> statement-breakpoint
CREATE TRIGGER "job_stages_rollups_delete" AFTER DELETE ON "job_stages"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "stage_rollups_apply"();--> statement-breakpoint
CREATE TRIGGER "job_stages_rollups_truncate" AFTER TRUNCATE ON "job_stages"
  FOR EACH STATEMENT EXECUTE FUNCTION "stage_rollups_truncate"();--> statement-breakpoint
-- Backfill from the rows already stored (the triggers only see writes from now on).
INSERT INTO bot_job_totals (bot_id, queued_jobs, running_jobs, succeeded_jobs, failed_jobs, canceled_jobs, timed_jobs, duration_seconds_sum)
  SELECT bot_id, 1 * count(*) FILTER (WHERE state = 'queued'), 1 * count(*) FILTER (WHERE state = 'running'),
               1 * count(*) FILTER (WHERE state = 'succeeded'), 1 * count(*) FILTER (WHERE state = 'failed'),
               1 * count(*) FILTER (WHERE state = 'canceled'), 1 * count(finished_at - started_at),
               1 * coalesce(sum(EXTRACT(EPOCH FROM (finished_at - started_at))), 0)
  FROM jobs GROUP BY bot_id;--> statement-breakpoint
INSERT INTO bot_job_hourly (bot_id, hour, queued_jobs, running_jobs, succeeded_jobs, failed_jobs, canceled_jobs, timed_jobs, duration_seconds_sum)
  SELECT bot_id, date_trunc('hour', accepted_at, 'UTC'), 1 * count(*) FILTER (WHERE state = 'queued'), 1 * count(*) FILTER (WHERE state = 'running'),
               1 * count(*) FILTER (WHERE state = 'succeeded'), 1 * count(*) FILTER (WHERE state = 'failed'),
               1 * count(*) FILTER (WHERE state = 'canceled'), 1 * count(finished_at - started_at),
               1 * coalesce(sum(EXTRACT(EPOCH FROM (finished_at - started_at))), 0)
  FROM jobs GROUP BY 1, 2;--> statement-breakpoint
INSERT INTO stage_totals (stage_name, total_runs, failed_runs, timed_runs, duration_ms_sum)
  SELECT stage_name, count(*), count(*) FILTER (WHERE status = 'fail'), count(duration_ms), coalesce(sum(duration_ms), 0)
  FROM job_stages GROUP BY stage_name;--> statement-breakpoint
DROP VIEW "public"."job_metrics_by_bot";
--> statement-breakpoint
DROP VIEW "public"."job_stage_summary";
--> statement-breakpoint
DROP VIEW "public"."bot_metrics";
--> statement-breakpoint
DROP VIEW "public"."stage_metrics";--> statement-breakpoint
CREATE VIEW "public"."job_metrics_by_bot" AS (select "bot_id", ("bot_job_totals"."queued_jobs" + "bot_job_totals"."running_jobs" + "bot_job_totals"."succeeded_jobs" + "bot_job_totals"."failed_jobs" + "bot_job_totals"."canceled_jobs") as "total_jobs", "succeeded_jobs" as "succeeded_jobs", "failed_jobs" as "failed_jobs", ("duration_seconds_sum"
        / NULLIF("timed_jobs", 0))::double precision as "avg_duration_seconds", (100.0 * "succeeded_jobs"
        / NULLIF("succeeded_jobs" + "failed_jobs", 0))::double precision as "success_rate" from "bot_job_totals" where ("bot_job_totals"."queued_jobs" + "bot_job_totals"."running_jobs" + "bot_job_totals"."succeeded_jobs" + "bot_job_totals"."failed_jobs" + "bot_job_totals"."canceled_jobs") > 0);
--> statement-breakpoint
CREATE VIEW "public"."job_stage_summary" AS (select "stage_name", "total_runs" as "total_runs", "failed_runs" as "failed_runs", ("duration_ms_sum"::numeric
        / NULLIF("timed_runs", 0))::double precision as "avg_duration_ms" from "stage_totals" where "stage_totals"."total_runs" > 0);
--> statement-breakpoint
CREATE VIEW "public"."bot_metrics" AS (select "bot_id", ("bot_job_totals"."queued_jobs" + "bot_job_totals"."running_jobs" + "bot_job_totals"."succeeded_jobs" + "bot_job_totals"."failed_jobs" + "bot_job_totals"."canceled_jobs") as "total_jobs", "succeeded_jobs" as "succeeded_jobs", "failed_jobs" as "failed_jobs", ("duration_seconds_sum"
        / NULLIF("timed_jobs", 0))::double precision as "avg_duration_seconds", (100.0 * "succeeded_jobs"
        / NULLIF("succeeded_jobs" + "failed_jobs", 0))::double precision as "success_rate" from "bot_job_totals" where ("bot_job_totals"."queued_jobs" + "bot_job_totals"."running_jobs" + "bot_job_totals"."succeeded_jobs" + "bot_job_totals"."failed_jobs" + "bot_job_totals"."canceled_jobs") > 0);
--> statement-breakpoint
CREATE VIEW "public"."stage_metrics" AS (select "stage_name", "total_runs" as "total_runs", "failed_runs" as "failed_runs", ("duration_ms_sum"::numeric
        / NULLIF("timed_runs", 0))::double precision as "avg_duration_ms" from "stage_totals" where "stage_totals"."total_runs" > 0);
