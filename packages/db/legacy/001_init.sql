-- Migration: 001_init
-- Purpose: Initial database schema creation (jobs, job_stages, indexes, constraints)
-- Applied by hand: psql $DATABASE_URL < migrations/001_init.sql
--
-- Fixture: the seed team's hand-run script, kept so that `adopt` is tested against a database
-- built the old way. Same names, types and constraints as drizzle's 0000_init.

BEGIN;

CREATE TABLE IF NOT EXISTS public.jobs (
  job_id        UUID PRIMARY KEY,
  bot_id        TEXT NOT NULL,
  state         TEXT NOT NULL DEFAULT 'queued',
  accepted_at   TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
  started_at    TIMESTAMP WITH TIME ZONE,
  finished_at   TIMESTAMP WITH TIME ZONE,
  meta          JSONB NOT NULL DEFAULT '{}'::jsonb,
  result        JSONB,
  created_by    JSONB,
  error_message TEXT,
  CONSTRAINT ck_jobs_bot_id_not_empty CHECK (bot_id <> ''),
  CONSTRAINT ck_jobs_state CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  CONSTRAINT ck_jobs_timestamps_ordered CHECK (
    (started_at IS NULL OR started_at >= accepted_at)
    AND (finished_at IS NULL OR finished_at >= COALESCE(started_at, accepted_at))
  ),
  CONSTRAINT ck_jobs_state_timestamps CHECK (CASE state
    WHEN 'queued' THEN started_at IS NULL AND finished_at IS NULL
    WHEN 'running' THEN started_at IS NOT NULL AND finished_at IS NULL
    WHEN 'canceled' THEN finished_at IS NOT NULL
    ELSE started_at IS NOT NULL AND finished_at IS NOT NULL
  END)
);

CREATE TABLE IF NOT EXISTS public.job_stages (
  id          SERIAL PRIMARY KEY,
  job_id      UUID NOT NULL,
  stage_name  TEXT NOT NULL,
  started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  ended_at    TIMESTAMP WITH TIME ZONE,
  status      TEXT NOT NULL,
  meta        JSONB NOT NULL DEFAULT '{}'::jsonb,
  error       JSONB,
  CONSTRAINT ck_job_stages_stage_name_not_empty CHECK (stage_name <> ''),
  CONSTRAINT ck_job_stages_status CHECK (status IN ('succeed', 'fail')),
  CONSTRAINT ck_job_stages_timestamps_ordered CHECK (ended_at IS NULL OR ended_at >= started_at),
  CONSTRAINT fk_job_stages_job_id FOREIGN KEY (job_id) REFERENCES public.jobs (job_id) ON DELETE CASCADE
);

CREATE INDEX IF NOT EXISTS idx_job_stages_job_id ON public.job_stages (job_id);
CREATE INDEX IF NOT EXISTS idx_job_stages_stage_name ON public.job_stages (stage_name);
CREATE INDEX IF NOT EXISTS idx_jobs_bot_id ON public.jobs (bot_id);
CREATE INDEX IF NOT EXISTS idx_jobs_state ON public.jobs (state);
CREATE INDEX IF NOT EXISTS idx_jobs_accepted_at ON public.jobs (accepted_at DESC);
CREATE INDEX IF NOT EXISTS idx_jobs_bot_id_state_accepted_at ON public.jobs (bot_id, state, accepted_at);

COMMIT;
