-- Down script of 0002_alias_views (hand-written): drops the compatibility names only.
DROP VIEW "public"."bot_metrics";--> statement-breakpoint
DROP VIEW "public"."latest_jobs";--> statement-breakpoint
DROP VIEW "public"."stage_metrics";
