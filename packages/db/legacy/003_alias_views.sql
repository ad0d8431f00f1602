-- Migration: 003_alias_views
-- Purpose: Alternate view names for older query code (bot_metrics, latest_jobs, stage_metrics).
-- Fixture of the seed's hand-run script; matches drizzle's 0002_alias_views. Each alias repeats
-- its view's query (rather than selecting from the view) so both return the same columns.

BEGIN;

CREATE OR REPLACE VIEW public.bot_metrics AS
SELECT
  bot_id,
  count(*)::integer AS total_jobs,
  (count(*) FILTER (WHERE state = 'succeeded'))::integer AS succeeded_jobs,
  (count(*) FILTER (WHERE state = 'failed'))::integer AS failed_jobs,
  (avg(EXTRACT(EPOCH FROM (finished_at - started_at))))::double precision AS avg_duration_seconds,
  (100.0 * count(*) FILTER (WHERE state = 'succeeded')
    / NULLIF(count(*) FILTER (WHERE state IN ('succeeded', 'failed')), 0))::double precision AS success_rate
FROM public.jobs
GROUP BY bot_id;

CREATE OR REPLACE VIEW public.latest_jobs AS
SELECT
  job_id, bot_id, state, accepted_at, started_at, finished_at, meta, result, created_by, error_message,
  (EXTRACT(EPOCH FROM (finished_at - started_at)))::double precision AS duration_seconds,
  (SELECT count(*) FROM job_stages s WHERE s.job_id = jobs.job_id)::integer AS stage_count
FROM public.jobs
ORDER BY accepted_at DESC, job_id DESC
LIMIT 100;

CREATE OR REPLACE VIEW public.stage_metrics AS
SELECT
  stage_name,
  count(*)::integer AS total_runs,
  (count(*) FILTER (WHERE status = 'fail'))::integer AS failed_runs,
  (avg(EXTRACT(EPOCH FROM (ended_at - started_at)) * 1000))::double precision AS avg_duration_ms
FROM public.job_stages
GROUP BY stage_name;

COMMIT;
