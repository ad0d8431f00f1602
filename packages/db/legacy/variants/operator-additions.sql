-- Legacy variant: every script ran (001-003, 005, 006), then an operator tuned the database by
-- hand. Written from the seed's README alone: its index list, its naming convention
-- (idx_<table>_<column>, fk_<table>_<column>), TIMESTAMP WITH TIME ZONE and TEXT as its "Best
-- Practices" say; 003's aliases under names of their own; 005's stage duration computed its own
-- way; 006's unique key as a unique index.
-- Then the operator's own: two indexes, a view for the on-call, and the migrations_log table
-- the README's "Automated (Future)" section suggests.

-- 001_init.sql
BEGIN;
CREATE TABLE IF NOT EXISTS public.jobs (
  job_id UUID PRIMARY KEY,
  bot_id TEXT NOT NULL CONSTRAINT ck_jobs_bot_id_not_empty CHECK (bot_id <> ''),
  state TEXT NOT NULL DEFAULT 'queued'
    CONSTRAINT ck_jobs_state CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  accepted_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
  started_at TIMESTAMP WITH TIME ZONE,
  finished_at TIMESTAMP WITH TIME ZONE,
  meta JSONB NOT NULL DEFAULT '{}'::jsonb,
  result JSONB,
  created_by JSONB,
  error_message TEXT
);
CREATE TABLE IF NOT EXISTS public.job_stages (
  id SERIAL PRIMARY KEY,
  job_id UUID NOT NULL CONSTRAINT fk_job_stages_job_id REFERENCES public.jobs (job_id) ON DELETE CASCADE,
  stage_name TEXT NOT NULL,
  started_at TIMESTAMP WITH TIME ZONE NOT NULL,
  ended_at TIMESTAMP WITH TIME ZONE,
  status TEXT NOT NULL CONSTRAINT ck_job_stages_status CHECK (status IN ('succeed', 'fail')),
  meta JSONB NOT NULL DEFAULT '{}'::jsonb,
  error JSONB
);
CREATE INDEX IF NOT EXISTS idx_jobs_bot_id ON public.jobs (bot_id);
CREATE INDEX IF NOT EXISTS idx_jobs_state ON public.jobs (state);
CREATE INDEX IF NOT EXISTS idx_jobs_accepted_at ON public.jobs (accepted_at DESC);
CREATE INDEX IF NOT EXISTS jobs_bot_id_state_accepted_at_idx ON public.jobs (bot_id, state, accepted_at);
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
SELECT j.job_id, j.bot_id, j.state, j.accepted_at, j.started_at, j.finished_at, j.meta, j.result,
       j.created_by, j.error_message,
       extract(epoch FROM j.finished_at - j.started_at) AS duration_seconds,
       (SELECT count(*) FROM public.job_stages s WHERE s.job_id = j.job_id) AS stage_count
FROM public.jobs j ORDER BY j.accepted_at DESC LIMIT 100;
CREATE OR REPLACE VIEW public.job_stage_summary AS
SELECT stage_name, count(*) AS total_runs,
       avg(extract(epoch FROM ended_at - started_at) * 1000) AS avg_duration_ms
FROM public.job_stages GROUP BY stage_name;
COMMIT;

-- 003_alias_views.sql
BEGIN;
CREATE OR REPLACE VIEW public.bots_summary AS SELECT * FROM public.job_metrics_by_bot;
CREATE OR REPLACE VIEW public.jobs_last_100 AS SELECT * FROM public.recent_jobs;
CREATE OR REPLACE VIEW public.stages_summary AS SELECT * FROM public.job_stage_summary;
COMMIT;

-- 005_ms_durations.sql
BEGIN;
ALTER TABLE public.jobs ADD COLUMN IF NOT EXISTS duration_ms INTEGER
  GENERATED ALWAYS AS ((round(EXTRACT(EPOCH FROM (finished_at - started_at)) * 1000))::integer) STORED;
ALTER TABLE public.job_stages ADD COLUMN IF NOT EXISTS duration_ms INTEGER
  GENERATED ALWAYS AS ((EXTRACT(EPOCH FROM (ended_at - started_at)) * 1000)::INTEGER) STORED;
CREATE INDEX IF NOT EXISTS idx_jobs_bot_id_duration_ms ON public.jobs (bot_id, duration_ms);
CREATE INDEX IF NOT EXISTS idx_job_stages_stage_name_duration_ms ON public.job_stages (stage_name, duration_ms);
COMMIT;

-- 006_job_stages_dedupe.sql
BEGIN;
DELETE FROM public.job_stages a USING public.job_stages b
WHERE a.job_id = b.job_id AND a.stage_name = b.stage_name AND a.started_at = b.started_at AND a.id > b.id;
CREATE UNIQUE INDEX IF NOT EXISTS idx_job_stages_job_id_stage_name_started_at
  ON public.job_stages (job_id, stage_name, started_at);
COMMIT;

-- The operator's additions.
BEGIN;
CREATE INDEX IF NOT EXISTS idx_jobs_finished_at ON public.jobs (finished_at);
CREATE INDEX IF NOT EXISTS idx_job_stages_failed ON public.job_stages (job_id) WHERE status = 'fail';
CREATE INDEX IF NOT EXISTS idx_job_stages_slow ON public.job_stages (stage_name) WHERE duration_ms > 60000;
CREATE OR REPLACE VIEW public.failed_jobs_last_day AS
SELECT job_id, bot_id, error_message, finished_at FROM public.jobs
WHERE state = 'failed' AND finished_at > now() - interval '1 day';
CREATE TABLE IF NOT EXISTS public.migrations_log (
  id SERIAL PRIMARY KEY,
  filename TEXT NOT NULL,
  applied_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);
INSERT INTO public.migrations_log (filename) VALUES
  ('001_init.sql'), ('002_views.sql'), ('003_alias_views.sql'), ('005_ms_durations.sql'),
  ('006_job_stages_dedupe.sql');
COMMIT;
