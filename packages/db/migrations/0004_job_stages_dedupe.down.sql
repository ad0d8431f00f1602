-- Down script of 0004_job_stages_dedupe (hand-written). Drops the unique constraint (and its
-- index). The duplicate stages the up migration deleted are gone for good: rolling back does not,
-- and cannot, bring them back.
ALTER TABLE "job_stages" DROP CONSTRAINT "uq_job_stages_job_id_stage_name_started_at";
