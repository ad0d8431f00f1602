-- Down script of 0005_job_rollups (hand-written). The metric views go back to aggregating the
-- base tables (as 0001_views, 0002_alias_views and 0003_ms_durations wrote them), then the
-- triggers, their functions and the rollup tables are dropped. The rollups are derived from jobs
-- and job_stages, so dropping them loses no data; migrating up again rebuilds them by backfill.
-- squawk-ignore-file ban-drop-table
DROP VIEW "public"."job_metrics_by_bot";--> statement-breakpoint
DROP VIEW "public"."job_stage_summary";--> statement-breakpoint
DROP VIEW "public"."bot_metrics";--> statement-breakpoint
DROP VIEW "public"."stage_metrics";--> statement-breakpoint
CREATE VIEW "public"."job_metrics_by_bot" AS (select "bot_id", count(*)::integer as "total_jobs", (count(*) FILTER (WHERE "state" = 'succeeded'))::integer as "succeeded_jobs", (count(*) FILTER (WHERE "state" = 'failed'))::integer as "failed_jobs", (avg(EXTRACT(EPOCH FROM ("jobs"."finished_at" - "jobs"."started_at"))))::double precision as "avg_duration_seconds", (100.0 * count(*) FILTER (WHERE "state" = 'succeeded')
        / NULLIF(count(*) FILTER (WHERE "state" IN ('succeeded', 'failed')), 0))::double precision as "success_rate" from "jobs" group by "jobs"."bot_id");--> statement-breakpoint
CREATE VIEW "public"."job_stage_summary" AS (select "stage_name", count(*)::integer as "total_runs", (count(*) FILTER (WHERE "status" = 'fail'))::integer as "failed_runs", (avg("duration_ms"))::double precision as "avg_duration_ms" from "job_stages" group by "job_stages"."stage_name");--> statement-breakpoint
CREATE VIEW "public"."bot_metrics" AS (select "bot_id", count(*)::integer as "total_jobs", (count(*) FILTER (WHERE "state" = 'succeeded'))::integer as "succeeded_jobs", (count(*) FILTER (WHERE "state" = 'failed'))::integer as "failed_jobs", (avg(EXTRACT(EPOCH FROM ("jobs"."finished_at" - "jobs"."started_at"))))::double precision as "avg_duration_seconds", (100.0 * count(*) FILTER (WHERE "state" = 'succeeded')
        / NULLIF(count(*) FILTER (WHERE "state" IN ('succeeded', 'failed')), 0))::double precision as "success_rate" from "jobs" group by "jobs"."bot_id");--> statement-breakpoint
CREATE VIEW "public"."stage_metrics" AS (select "stage_name", count(*)::integer as "total_runs", (count(*) FILTER (WHERE "status" = 'fail'))::integer as "failed_runs", (avg("duration_ms"))::double precision as "avg_duration_ms" from "job_stages" group by "job_stages"."stage_name");--> statement-breakpoint
DROP TRIGGER "jobs_rollups_insert" ON "jobs";--> statement-breakpoint
DROP TRIGGER "jobs_rollups_update" ON "jobs";--> statement-breakpoint
DROP TRIGGER "jobs_rollups_delete" ON "jobs";--> statement-breakpoint
DROP TRIGGER "jobs_rollups_truncate" ON "jobs";--> statement-breakpoint
DROP TRIGGER "job_stages_rollups_insert" ON "job_stages";--> statement-breakpoint
DROP TRIGGER "job_stages_rollups_update" ON "job_stages";--> statement-breakpoint
DROP TRIGGER "job_stages_rollups_delete" ON "job_stages";--> statement-breakpoint
DROP TRIGGER "job_stages_rollups_truncate" ON "job_stages";--> statement-breakpoint
DROP FUNCTION "job_rollups_apply"();--> statement-breakpoint
DROP FUNCTION "stage_rollups_apply"();--> statement-breakpoint
DROP FUNCTION "job_rollups_truncate"();--> statement-breakpoint
DROP FUNCTION "stage_rollups_truncate"();--> statement-breakpoint
DROP TABLE "bot_job_hourly";--> statement-breakpoint
DROP TABLE "bot_job_totals";--> statement-breakpoint
DROP TABLE "stage_totals";
