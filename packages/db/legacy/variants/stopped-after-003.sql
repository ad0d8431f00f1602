-- Legacy variant: 001, 002 and 003 ran, 005 and 006 never did, so duplicate stages are still here.
-- Written from the seed's README alone: VARCHAR names and states, constraints named by the
-- README's own convention (fk_<table>_<column>) with the foreign key cascading, no unique stage
-- key (006 adds it), and 003's "alternate view names" chosen here as v_* names.

-- 001_init.sql
BEGIN;
CREATE TABLE IF NOT EXISTS public.jobs (
  job_id UUID NOT NULL,
  bot_id VARCHAR(128) NOT NULL,
  state VARCHAR(16) NOT NULL DEFAULT 'queued',
  accepted_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  started_at TIMESTAMPTZ,
  finished_at TIMESTAMPTZ,
  meta JSONB NOT NULL DEFAULT '{}',
  result JSONB,
  created_by JSONB,
  error_message TEXT,
  CONSTRAINT pk_jobs PRIMARY KEY (job_id),
  CONSTRAINT chk_jobs_state CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'canceled'))
);
CREATE TABLE IF NOT EXISTS public.job_stages (
  id SERIAL,
  job_id UUID NOT NULL,
  stage_name VARCHAR(128) NOT NULL,
  started_at TIMESTAMPTZ NOT NULL,
  ended_at TIMESTAMPTZ,
  status VARCHAR(16) NOT NULL,
  meta JSONB NOT NULL DEFAULT '{}',
  error JSONB,
  CONSTRAINT pk_job_stages PRIMARY KEY (id),
  CONSTRAINT fk_job_stages_job_id FOREIGN KEY (job_id) REFERENCES public.jobs (job_id) ON DELETE CASCADE,
  CONSTRAINT chk_job_stages_status CHECK (status IN ('succeed', 'fail'))
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
SELECT bot_id, COUNT(*) AS total_jobs,
       SUM(CASE WHEN state = 'succeeded' THEN 1 ELSE 0 END) AS succeeded_jobs,
       SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END) AS failed_jobs,
       AVG(EXTRACT(EPOCH FROM finished_at - started_at)) AS avg_duration_seconds,
       100.0 * SUM(CASE WHEN state = 'succeeded' THEN 1 ELSE 0 END) / COUNT(*) AS success_rate
FROM public.jobs GROUP BY bot_id;
CREATE OR REPLACE VIEW public.recent_jobs AS
SELECT job_id, bot_id, state, accepted_at, started_at, finished_at, meta, result, created_by, error_message,
       EXTRACT(EPOCH FROM finished_at - started_at) AS duration_seconds,
       (SELECT COUNT(*) FROM public.job_stages WHERE job_stages.job_id = jobs.job_id) AS stage_count
FROM public.jobs ORDER BY accepted_at DESC LIMIT 100;
CREATE OR REPLACE VIEW public.job_stage_summary AS
SELECT stage_name, COUNT(*) AS total_runs,
       AVG(EXTRACT(EPOCH FROM ended_at - started_at)) AS avg_duration_seconds
FROM public.job_stages GROUP BY stage_name;
COMMIT;

-- 003_alias_views.sql
BEGIN;
CREATE OR REPLACE VIEW public.v_bot_metrics AS SELECT * FROM public.job_metrics_by_bot;
CREATE OR REPLACE VIEW public.v_recent_jobs AS SELECT * FROM public.recent_jobs;
CREATE OR REPLACE VIEW public.v_stage_summary AS SELECT * FROM public.job_stage_summary;
COMMIT;
