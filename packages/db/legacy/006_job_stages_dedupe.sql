-- Migration: 006_job_stages_dedupe
-- Purpose: Remove duplicate stage records and prevent new ones with a unique constraint on
-- (job_id, stage_name, started_at). Fixture of the seed's hand-run script; matches drizzle's
-- 0004_job_stages_dedupe.

BEGIN;

-- Writers wait (readers do not) until COMMIT, so no duplicate lands between DELETE and ADD.
LOCK TABLE public.job_stages IN SHARE ROW EXCLUSIVE MODE;

-- Keep the earliest stored row (lowest id) of each (job_id, stage_name, started_at).
DELETE FROM public.job_stages AS later
USING public.job_stages AS earlier
WHERE later.job_id = earlier.job_id
  AND later.stage_name = earlier.stage_name
  AND later.started_at = earlier.started_at
  AND later.id > earlier.id;

ALTER TABLE public.job_stages
  ADD CONSTRAINT uq_job_stages_job_id_stage_name_started_at UNIQUE (job_id, stage_name, started_at);

COMMIT;
