-- Down script of 0003_ms_durations (hand-written). The views that read duration_ms must go before
-- the columns can; they are then re-created exactly as 0001_views and 0002_alias_views wrote them,
-- so the schema is the one 0002 left. The generated columns are derived from the timestamps, so
-- dropping them loses no data; their indexes (idx_*_duration_ms) go with them.
-- squawk-ignore-file ban-drop-column
DROP VIEW "public"."job_stage_summary";--> statement-breakpoint
DROP VIEW "public"."recent_jobs";--> statement-breakpoint
DROP VIEW "public"."latest_jobs";--> statement-breakpoint
DROP VIEW "public"."stage_metrics";--> statement-breakpoint
ALTER TABLE "job_stages" DROP COLUMN "duration_ms";--> statement-breakpoint
ALTER TABLE "jobs" DROP COLUMN "duration_ms";--> statement-breakpoint
CREATE VIEW "public"."job_stage_summary" AS (select "stage_name", count(*)::integer as "total_runs", (count(*) FILTER (WHERE "status" = 'fail'))::integer as "failed_runs", (avg(EXTRACT(EPOCH FROM ("job_stages"."ended_at" - "job_stages"."started_at")) * 1000))::double precision as "avg_duration_ms" from "job_stages" group by "job_stages"."stage_name");--> statement-breakpoint
CREATE VIEW "public"."recent_jobs" AS (select "job_id", "bot_id", "state", "accepted_at", "started_at", "finished_at", "meta", "result", "created_by", "error_message", (EXTRACT(EPOCH FROM ("jobs"."finished_at" - "jobs"."started_at")))::double precision as "duration_seconds", (SELECT count(*) FROM job_stages s WHERE s.job_id = jobs.job_id)::integer as "stage_count" from "jobs" order by "jobs"."accepted_at" desc, "jobs"."job_id" desc limit 100);--> statement-breakpoint
CREATE VIEW "public"."latest_jobs" AS (select "job_id", "bot_id", "state", "accepted_at", "started_at", "finished_at", "meta", "result", "created_by", "error_message", (EXTRACT(EPOCH FROM ("jobs"."finished_at" - "jobs"."started_at")))::double precision as "duration_seconds", (SELECT count(*) FROM job_stages s WHERE s.job_id = jobs.job_id)::integer as "stage_count" from "jobs" order by "jobs"."accepted_at" desc, "jobs"."job_id" desc limit 100);--> statement-breakpoint
CREATE VIEW "public"."stage_metrics" AS (select "stage_name", count(*)::integer as "total_runs", (count(*) FILTER (WHERE "status" = 'fail'))::integer as "failed_runs", (avg(EXTRACT(EPOCH FROM ("job_stages"."ended_at" - "job_stages"."started_at")) * 1000))::double precision as "avg_duration_ms" from "job_stages" group by "job_stages"."stage_name");
