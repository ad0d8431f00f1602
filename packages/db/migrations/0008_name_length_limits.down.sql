-- Down script of 0008_name_length_limits (hand-written). Dropping a check touches no row and
-- takes its ACCESS EXCLUSIVE lock only for the catalog change; names of any length are accepted
-- by the database again (the event validation of the code rolled back to still decides).
ALTER TABLE "jobs" DROP CONSTRAINT "ck_jobs_bot_id_length";--> statement-breakpoint
ALTER TABLE "job_stages" DROP CONSTRAINT "ck_job_stages_stage_name_length";
