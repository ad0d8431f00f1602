-- Legacy variant: 001 and 002 ran, written loosely: VARCHAR columns, no check constraints at all
-- (the README lists "check constraints" without saying which), bot_id nullable. Rows written
-- under it may break the rules our migrations add; adopt must name them and change nothing.

-- 001_init.sql
BEGIN;
CREATE TABLE IF NOT EXISTS public.jobs (
  job_id UUID PRIMARY KEY,
  bot_id VARCHAR(255),
  state VARCHAR(32) NOT NULL DEFAULT 'queued',
  accepted_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
  started_at TIMESTAMP WITH TIME ZONE,
  finished_at TIMESTAMP WITH TIME ZONE,
  meta JSONB NOT NULL DEFAULT '{}',
  result JSONB,
  created_by JSONB,
  error_message TEXT
);
CREATE TABLE IF NOT EXISTS public.job_stages (
  id SERIAL PRIMARY KEY,
  job_id UUID NOT NULL REFERENCES public.jobs (job_id) ON DELETE CASCADE,
  stage_name VARCHAR(255) NOT NULL,
  started_at TIMESTAMP WITH TIME ZONE NOT NULL,
  ended_at TIMESTAMP WITH TIME ZONE,
  status VARCHAR(32) NOT NULL,
  meta JSONB NOT NULL DEFAULT '{}',
  error JSONB
);
CREATE INDEX IF NOT EXISTS idx_jobs_bot_id ON public.jobs (bot_id);
CREATE INDEX IF NOT EXISTS idx_jobs_state ON public.jobs (state);
CREATE INDEX IF NOT EXISTS idx_jobs_accepted_at ON public.jobs (accepted_at DESC);
CREATE INDEX IF NOT EXISTS idx_jobs_bot_id_state_accepted_at ON public.jobs (bot_id, state, accepted_at);
CREATE INDEX IF NOT EXISTS idx_job_stages_job_id ON public.job_stages (job_id);
CREATE INDEX IF NOT EXISTS idx_job_stages_stage_name ON public.job_stages (stage_name);
COMMIT;

-- 002_views.sql
BEGIN;
CREATE OR REPLACE VIEW public.job_metrics_by_bot AS
SELECT bot_id, count(*) AS total_jobs,
       count(*) FILTER (WHERE state = 'succeeded') AS succeeded_jobs,
       count(*) FILTER (WHERE state = 'failed') AS failed_jobs,
       avg(extract(epoch FROM finished_at - started_at)) AS avg_duration_seconds,
       100.0 * count(*) FILTER (WHERE state = 'succeeded') / nullif(count(*), 0) AS success_rate
FROM public.jobs GROUP BY bot_id;
CREATE OR REPLACE VIEW public.recent_jobs AS
SELECT jobs.*, extract(epoch FROM finished_at - started_at) AS duration_seconds,
       (SELECT count(*) FROM public.job_stages s WHERE s.job_id = jobs.job_id) AS stage_count
FROM public.jobs ORDER BY accepted_at DESC LIMIT 100;
CREATE OR REPLACE VIEW public.job_stage_summary AS
SELECT stage_name, count(*) AS total_runs, count(*) FILTER (WHERE status = 'fail') AS failed_runs
FROM public.job_stages GROUP BY stage_name;
COMMIT;
