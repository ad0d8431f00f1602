-- Migration: 005_ms_durations
-- Purpose: Millisecond-precision duration columns (computed), their indexes, and the views
-- re-created to show them. Fixture of the seed's hand-run script; matches drizzle's
-- 0003_ms_durations. (004_reset_schema is development-only and never ran in production.)

BEGIN;

-- recent_jobs/latest_jobs gain a column in the middle, which CREATE OR REPLACE VIEW cannot do.
DROP VIEW IF EXISTS public.job_stage_summary;
DROP VIEW IF EXISTS public.recent_jobs;
DROP VIEW IF EXISTS public.latest_jobs;
DROP VIEW IF EXISTS public.stage_metrics;

ALTER TABLE public.job_stages ADD COLUMN IF NOT EXISTS duration_ms INTEGER
  GENERATED ALWAYS AS ((round(EXTRACT(EPOCH FROM (ended_at - started_at)) * 1000))::integer) STORED;
ALTER TABLE public.jobs ADD COLUMN IF NOT EXISTS duration_ms INTEGER
  GENERATED ALWAYS AS ((round(EXTRACT(EPOCH FROM (finished_at - started_at)) * 1000))::integer) STORED;

CREATE INDEX IF NOT EXISTS idx_job_stages_stage_name_duration_ms ON public.job_stages (stage_name, duration_ms);
CREATE INDEX IF NOT EXISTS idx_jobs_bot_id_duration_ms ON public.jobs (bot_id, duration_ms);

CREATE VIEW public.job_stage_summary AS
SELECT
  stage_name,
  count(*)::integer AS total_runs,
  (count(*) FILTER (WHERE status = 'fail'))::integer AS failed_runs,
  (avg(duration_ms))::double precision AS avg_duration_ms
FROM public.job_stages
GROUP BY stage_name;

CREATE VIEW public.recent_jobs AS
SELECT
  job_id, bot_id, state, accepted_at, started_at, finished_at, meta, result, created_by, error_message,
  duration_ms,
  (EXTRACT(EPOCH FROM (finished_at - started_at)))::double precision AS duration_seconds,
  (SELECT count(*) FROM job_stages s WHERE s.job_id = jobs.job_id)::integer AS stage_count
FROM public.jobs
ORDER BY accepted_at DESC, job_id DESC
LIMIT 100;

CREATE VIEW public.latest_jobs AS
SELECT
  job_id, bot_id, state, accepted_at, started_at, finished_at, meta, result, created_by, error_message,
  duration_ms,
  (EXTRACT(EPOCH FROM (finished_at - started_at)))::double precision AS duration_seconds,
  (SELECT count(*) FROM job_stages s WHERE s.job_id = jobs.job_id)::integer AS stage_count
FROM public.jobs
ORDER BY accepted_at DESC, job_id DESC
LIMIT 100;

CREATE VIEW public.stage_metrics AS
SELECT
  stage_name,
  count(*)::integer AS total_runs,
  (count(*) FILTER (WHERE status = 'fail'))::integer AS failed_runs,
  (avg(duration_ms))::double precision AS avg_duration_ms
FROM public.job_stages
GROUP BY stage_name;

COMMIT;
