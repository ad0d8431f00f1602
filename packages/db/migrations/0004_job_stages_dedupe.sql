-- Custom migration (drizzle-kit generate --custom): the seed's 006_job_stages_dedupe.
-- Early recorders could store the same stage of a job twice. A unique constraint cannot be added
-- while duplicates exist, and drizzle-kit only knows how to add the constraint, so the clean-up is
-- written by hand. The snapshot beside this file carries the constraint, so generating again
-- produces nothing.
--
-- SHARE ROW EXCLUSIVE blocks writers (not readers) until commit, so no duplicate can slip in
-- between the DELETE and the ADD CONSTRAINT.
LOCK TABLE "job_stages" IN SHARE ROW EXCLUSIVE MODE;--> statement-breakpoint
-- Of rows that share (job_id, stage_name, started_at), keep the earliest stored (lowest id).
DELETE FROM "job_stages" AS later
USING "job_stages" AS earlier
WHERE later."job_id" = earlier."job_id"
  AND later."stage_name" = earlier."stage_name"
  AND later."started_at" = earlier."started_at"
  AND later."id" > earlier."id";--> statement-breakpoint
ALTER TABLE "job_stages" ADD CONSTRAINT "uq_job_stages_job_id_stage_name_started_at" UNIQUE("job_id","stage_name","started_at");
