-- Legacy variant: the seed's README taken at its word, 001 through 006 (not 004).
-- Written from the README's text alone: VARCHAR for bot_id, state, stage_name and status
-- ("bot_id (VARCHAR)", "status (VARCHAR): succeed | fail"), checks written inline so PostgreSQL
-- names them (jobs_state_check, job_stages_status_check), the foreign key inline
-- (job_stages_job_id_fkey, no ON DELETE), columns the README does not call required left
-- nullable and without defaults, the composite index under a name of the README's own
-- convention, the unique stage key inline (job_stages_job_id_stage_name_started_at_key).

-- 001_init.sql
BEGIN;
CREATE TABLE IF NOT EXISTS public.jobs (
  job_id UUID PRIMARY KEY,
  bot_id VARCHAR(255) NOT NULL CHECK (bot_id <> ''),
  state VARCHAR(20) NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  accepted_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
  started_at TIMESTAMP WITH TIME ZONE,
  finished_at TIMESTAMP WITH TIME ZONE,
  meta JSONB,
  result JSONB,
  created_by JSONB,
  error_message TEXT
);
CREATE TABLE IF NOT EXISTS public.job_stages (
  id SERIAL PRIMARY KEY,
  job_id UUID NOT NULL REFERENCES public.jobs (job_id),
  stage_name VARCHAR(100) NOT NULL,
  started_at TIMESTAMP WITH TIME ZONE NOT NULL,
  ended_at TIMESTAMP WITH TIME ZONE,
  status VARCHAR(20) CHECK (status IN ('succeed', 'fail')),
  meta JSONB,
  error JSONB
);
CREATE INDEX IF NOT EXISTS idx_jobs_bot_id ON public.jobs (bot_id);
CREATE INDEX IF NOT EXISTS idx_jobs_state ON public.jobs (state);
CREATE INDEX IF NOT EXISTS idx_jobs_accepted_at ON public.jobs (accepted_at DESC);
CREATE INDEX IF NOT EXISTS idx_jobs_bot_state_accepted ON public.jobs (bot_id, state, accepted_at);
CREATE INDEX IF NOT EXISTS idx_job_stages_job_id ON public.job_stages (job_id);
CREATE INDEX IF NOT EXISTS idx_job_stages_stage_name ON public.job_stages (stage_name);
COMMIT;

-- 002_views.sql
BEGIN;
CREATE OR REPLACE VIEW public.job_metrics_by_bot AS
SELECT bot_id,
       COUNT(*) AS total_jobs,
       COUNT(*) FILTER (WHERE state = 'succeeded') AS succeeded_jobs,
       COUNT(*) FILTER (WHERE state = 'failed') AS failed_jobs,
       AVG(EXTRACT(EPOCH FROM (finished_at - started_at))) AS avg_duration_seconds,
       ROUND(100.0 * COUNT(*) FILTER (WHERE state = 'succeeded') / NULLIF(COUNT(*), 0), 2) AS success_rate
FROM public.jobs
GROUP BY bot_id;
CREATE OR REPLACE VIEW public.recent_jobs AS
SELECT j.*,
       EXTRACT(EPOCH FROM (j.finished_at - j.started_at)) AS duration_seconds,
       (SELECT COUNT(*) FROM public.job_stages s WHERE s.job_id = j.job_id) AS stage_count
FROM public.jobs j
ORDER BY j.accepted_at DESC
LIMIT 100;
CREATE OR REPLACE VIEW public.job_stage_summary AS
SELECT stage_name,
       COUNT(*) AS runs,
       AVG(EXTRACT(EPOCH FROM (ended_at - started_at)) * 1000) AS avg_duration_ms
FROM public.job_stages
GROUP BY stage_name;
COMMIT;

-- 003_alias_views.sql
BEGIN;
CREATE OR REPLACE VIEW public.bot_job_metrics AS SELECT * FROM public.job_metrics_by_bot;
CREATE OR REPLACE VIEW public.jobs_recent AS SELECT * FROM public.recent_jobs;
CREATE OR REPLACE VIEW public.stage_summary AS SELECT * FROM public.job_stage_summary;
COMMIT;

-- 005_ms_durations.sql
BEGIN;
ALTER TABLE public.jobs ADD COLUMN IF NOT EXISTS duration_ms INTEGER
  GENERATED ALWAYS AS ((round(EXTRACT(EPOCH FROM (finished_at - started_at)) * 1000))::integer) STORED;
ALTER TABLE public.job_stages ADD COLUMN IF NOT EXISTS duration_ms INTEGER
  GENERATED ALWAYS AS ((round(EXTRACT(EPOCH FROM (ended_at - started_at)) * 1000))::integer) STORED;
CREATE INDEX IF NOT EXISTS idx_jobs_bot_id_duration_ms ON public.jobs (bot_id, duration_ms);
CREATE INDEX IF NOT EXISTS idx_job_stages_stage_name_duration_ms ON public.job_stages (stage_name, duration_ms);
COMMIT;

-- 006_job_stages_dedupe.sql
BEGIN;
DELETE FROM public.job_stages a
USING public.job_stages b
WHERE a.job_id = b.job_id AND a.stage_name = b.stage_name AND a.started_at = b.started_at
  AND a.id > b.id;
ALTER TABLE public.job_stages ADD UNIQUE (job_id, stage_name, started_at);
COMMIT;
