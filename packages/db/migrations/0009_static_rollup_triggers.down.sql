-- Down script of 0009_static_rollup_triggers (hand-written): the trigger functions go back to
-- 0005_job_rollups' dynamic-SQL bodies, copied from it unchanged. Both add the same deltas, so the
-- rollups stay exact across the switch and nothing needs rebuilding. SECURITY DEFINER and the fixed
-- search_path are 0007_least_privilege_roles' and stay (CREATE OR REPLACE would reset them).
CREATE OR REPLACE FUNCTION "job_rollups_apply"() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  source text;
BEGIN
  FOREACH source IN ARRAY CASE TG_OP
    WHEN 'INSERT' THEN ARRAY['new_rows']
    WHEN 'DELETE' THEN ARRAY['old_rows']
    ELSE ARRAY['old_rows', 'new_rows'] END
  LOOP
    EXECUTE format($sql$
      INSERT INTO bot_job_totals AS t (bot_id, queued_jobs, running_jobs, succeeded_jobs, failed_jobs, canceled_jobs, timed_jobs, duration_seconds_sum)
        SELECT bot_id, %1$s * count(*) FILTER (WHERE state = 'queued'), %1$s * count(*) FILTER (WHERE state = 'running'),
               %1$s * count(*) FILTER (WHERE state = 'succeeded'), %1$s * count(*) FILTER (WHERE state = 'failed'),
               %1$s * count(*) FILTER (WHERE state = 'canceled'), %1$s * count(finished_at - started_at),
               %1$s * coalesce(sum(EXTRACT(EPOCH FROM (finished_at - started_at))), 0)
        FROM %2$I GROUP BY bot_id ORDER BY bot_id
      ON CONFLICT (bot_id) DO UPDATE SET
          queued_jobs = t.queued_jobs + EXCLUDED.queued_jobs,
          running_jobs = t.running_jobs + EXCLUDED.running_jobs,
          succeeded_jobs = t.succeeded_jobs + EXCLUDED.succeeded_jobs,
          failed_jobs = t.failed_jobs + EXCLUDED.failed_jobs,
          canceled_jobs = t.canceled_jobs + EXCLUDED.canceled_jobs,
          timed_jobs = t.timed_jobs + EXCLUDED.timed_jobs,
          duration_seconds_sum = t.duration_seconds_sum + EXCLUDED.duration_seconds_sum$sql$,
      CASE source WHEN 'old_rows' THEN -1 ELSE 1 END, source);
    EXECUTE format($sql$
      INSERT INTO bot_job_hourly AS t (bot_id, hour, queued_jobs, running_jobs, succeeded_jobs, failed_jobs, canceled_jobs, timed_jobs, duration_seconds_sum)
        SELECT bot_id, date_trunc('hour', accepted_at, 'UTC'), %1$s * count(*) FILTER (WHERE state = 'queued'), %1$s * count(*) FILTER (WHERE state = 'running'),
               %1$s * count(*) FILTER (WHERE state = 'succeeded'), %1$s * count(*) FILTER (WHERE state = 'failed'),
               %1$s * count(*) FILTER (WHERE state = 'canceled'), %1$s * count(finished_at - started_at),
               %1$s * coalesce(sum(EXTRACT(EPOCH FROM (finished_at - started_at))), 0)
        FROM %2$I GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (bot_id, hour) DO UPDATE SET
          queued_jobs = t.queued_jobs + EXCLUDED.queued_jobs,
          running_jobs = t.running_jobs + EXCLUDED.running_jobs,
          succeeded_jobs = t.succeeded_jobs + EXCLUDED.succeeded_jobs,
          failed_jobs = t.failed_jobs + EXCLUDED.failed_jobs,
          canceled_jobs = t.canceled_jobs + EXCLUDED.canceled_jobs,
          timed_jobs = t.timed_jobs + EXCLUDED.timed_jobs,
          duration_seconds_sum = t.duration_seconds_sum + EXCLUDED.duration_seconds_sum$sql$,
      CASE source WHEN 'old_rows' THEN -1 ELSE 1 END, source);
  END LOOP;
  RETURN NULL;
END
$fn$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "stage_rollups_apply"() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  source text;
BEGIN
  FOREACH source IN ARRAY CASE TG_OP
    WHEN 'INSERT' THEN ARRAY['new_rows']
    WHEN 'DELETE' THEN ARRAY['old_rows']
    ELSE ARRAY['old_rows', 'new_rows'] END
  LOOP
    EXECUTE format($sql$
      INSERT INTO stage_totals AS t (stage_name, total_runs, failed_runs, timed_runs, duration_ms_sum)
        SELECT stage_name, %1$s * count(*), %1$s * count(*) FILTER (WHERE status = 'fail'),
               %1$s * count(duration_ms), %1$s * coalesce(sum(duration_ms), 0)
        FROM %2$I GROUP BY stage_name ORDER BY stage_name
      ON CONFLICT (stage_name) DO UPDATE SET
          total_runs = t.total_runs + EXCLUDED.total_runs,
          failed_runs = t.failed_runs + EXCLUDED.failed_runs,
          timed_runs = t.timed_runs + EXCLUDED.timed_runs,
          duration_ms_sum = t.duration_ms_sum + EXCLUDED.duration_ms_sum$sql$,
      CASE source WHEN 'old_rows' THEN -1 ELSE 1 END, source);
  END LOOP;
  RETURN NULL;
END
$fn$;
