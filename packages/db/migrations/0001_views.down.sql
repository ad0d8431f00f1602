-- Down script of 0001_views (hand-written): the views hold no data, so this loses nothing.
DROP VIEW "public"."job_metrics_by_bot";--> statement-breakpoint
DROP VIEW "public"."job_stage_summary";--> statement-breakpoint
DROP VIEW "public"."recent_jobs";
