-- Custom migration (drizzle-kit generate --custom): the rollup trigger functions of 0005_job_rollups
-- rewritten as static SQL. Same triggers, same tables, same arithmetic; only the bodies change.
--
-- 0005's functions built each upsert with EXECUTE format(...), so PL/pgSQL parsed and planned it
-- again on every statement: for the recorder's one-row writes that planning was most of the
-- trigger's cost. Static statements are planned once per session and the plan is reused (the
-- transition tables are named relations PL/pgSQL statements may read directly).
--
-- An UPDATE nets its old rows (-1) and new rows (+1) in one upsert per rollup instead of two, so a
-- job moving from running to succeeded touches its totals row and its hourly row once each; keys
-- whose delta is all zero (an update that changed no counted column) are not written at all.
--
-- Keys are still upserted in sorted order, so concurrent writers lock rollup rows in the same order
-- and cannot deadlock on them; INSERT ... ON CONFLICT DO UPDATE adds to the row as committed by
-- any concurrent writer, so the sums stay exact under concurrency (rollups-concurrency.test.ts).
-- TRUNCATE keeps its own functions from 0005, unchanged.
--
-- CREATE OR REPLACE resets what it does not name, so SECURITY DEFINER and the fixed search_path of
-- 0007_least_privilege_roles are named again; the owner and the grants (EXECUTE taken from PUBLIC)
-- are kept. Replacing a function takes no lock on jobs or job_stages; a statement that fires a
-- trigger while the migration runs gets the old body or the new one, and both add the same deltas.
CREATE OR REPLACE FUNCTION "job_rollups_apply"() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
  -- Each branch names only the transition tables its trigger has (an INSERT trigger has no
  -- old_rows): PL/pgSQL parses a statement when it first runs, so the other branches never fail.
  IF TG_OP = 'INSERT' THEN
    INSERT INTO bot_job_totals AS t (bot_id, queued_jobs, running_jobs, succeeded_jobs, failed_jobs, canceled_jobs, timed_jobs, duration_seconds_sum)
      SELECT bot_id, count(*) FILTER (WHERE state = 'queued'), count(*) FILTER (WHERE state = 'running'),
             count(*) FILTER (WHERE state = 'succeeded'), count(*) FILTER (WHERE state = 'failed'),
             count(*) FILTER (WHERE state = 'canceled'), count(finished_at - started_at),
             coalesce(sum(EXTRACT(EPOCH FROM (finished_at - started_at))), 0)
      FROM new_rows GROUP BY bot_id ORDER BY bot_id
    ON CONFLICT (bot_id) DO UPDATE SET
        queued_jobs = t.queued_jobs + EXCLUDED.queued_jobs,
        running_jobs = t.running_jobs + EXCLUDED.running_jobs,
        succeeded_jobs = t.succeeded_jobs + EXCLUDED.succeeded_jobs,
        failed_jobs = t.failed_jobs + EXCLUDED.failed_jobs,
        canceled_jobs = t.canceled_jobs + EXCLUDED.canceled_jobs,
        timed_jobs = t.timed_jobs + EXCLUDED.timed_jobs,
        duration_seconds_sum = t.duration_seconds_sum + EXCLUDED.duration_seconds_sum;
    INSERT INTO bot_job_hourly AS t (bot_id, hour, queued_jobs, running_jobs, succeeded_jobs, failed_jobs, canceled_jobs, timed_jobs, duration_seconds_sum)
      SELECT bot_id, date_trunc('hour', accepted_at, 'UTC'), count(*) FILTER (WHERE state = 'queued'), count(*) FILTER (WHERE state = 'running'),
             count(*) FILTER (WHERE state = 'succeeded'), count(*) FILTER (WHERE state = 'failed'),
             count(*) FILTER (WHERE state = 'canceled'), count(finished_at - started_at),
             coalesce(sum(EXTRACT(EPOCH FROM (finished_at - started_at))), 0)
      FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (bot_id, hour) DO UPDATE SET
        queued_jobs = t.queued_jobs + EXCLUDED.queued_jobs,
        running_jobs = t.running_jobs + EXCLUDED.running_jobs,
        succeeded_jobs = t.succeeded_jobs + EXCLUDED.succeeded_jobs,
        failed_jobs = t.failed_jobs + EXCLUDED.failed_jobs,
        canceled_jobs = t.canceled_jobs + EXCLUDED.canceled_jobs,
        timed_jobs = t.timed_jobs + EXCLUDED.timed_jobs,
        duration_seconds_sum = t.duration_seconds_sum + EXCLUDED.duration_seconds_sum;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO bot_job_totals AS t (bot_id, queued_jobs, running_jobs, succeeded_jobs, failed_jobs, canceled_jobs, timed_jobs, duration_seconds_sum)
      SELECT * FROM (
        SELECT bot_id, coalesce(sum(sign) FILTER (WHERE state = 'queued'), 0)::integer AS queued_jobs,
               coalesce(sum(sign) FILTER (WHERE state = 'running'), 0)::integer AS running_jobs,
               coalesce(sum(sign) FILTER (WHERE state = 'succeeded'), 0)::integer AS succeeded_jobs,
               coalesce(sum(sign) FILTER (WHERE state = 'failed'), 0)::integer AS failed_jobs,
               coalesce(sum(sign) FILTER (WHERE state = 'canceled'), 0)::integer AS canceled_jobs,
               coalesce(sum(sign) FILTER (WHERE seconds IS NOT NULL), 0)::integer AS timed_jobs,
               coalesce(sum(sign * seconds), 0) AS duration_seconds_sum
        FROM (SELECT -1 AS sign, bot_id, state, EXTRACT(EPOCH FROM (finished_at - started_at)) AS seconds FROM old_rows
              UNION ALL
              SELECT 1, bot_id, state, EXTRACT(EPOCH FROM (finished_at - started_at)) FROM new_rows) AS changed
        GROUP BY bot_id) AS delta
      WHERE queued_jobs <> 0 OR running_jobs <> 0 OR succeeded_jobs <> 0 OR failed_jobs <> 0
               OR canceled_jobs <> 0 OR timed_jobs <> 0 OR duration_seconds_sum <> 0
      ORDER BY bot_id
    ON CONFLICT (bot_id) DO UPDATE SET
        queued_jobs = t.queued_jobs + EXCLUDED.queued_jobs,
        running_jobs = t.running_jobs + EXCLUDED.running_jobs,
        succeeded_jobs = t.succeeded_jobs + EXCLUDED.succeeded_jobs,
        failed_jobs = t.failed_jobs + EXCLUDED.failed_jobs,
        canceled_jobs = t.canceled_jobs + EXCLUDED.canceled_jobs,
        timed_jobs = t.timed_jobs + EXCLUDED.timed_jobs,
        duration_seconds_sum = t.duration_seconds_sum + EXCLUDED.duration_seconds_sum;
    INSERT INTO bot_job_hourly AS t (bot_id, hour, queued_jobs, running_jobs, succeeded_jobs, failed_jobs, canceled_jobs, timed_jobs, duration_seconds_sum)
      SELECT * FROM (
        SELECT bot_id, hour, coalesce(sum(sign) FILTER (WHERE state = 'queued'), 0)::integer AS queued_jobs,
               coalesce(sum(sign) FILTER (WHERE state = 'running'), 0)::integer AS running_jobs,
               coalesce(sum(sign) FILTER (WHERE state = 'succeeded'), 0)::integer AS succeeded_jobs,
               coalesce(sum(sign) FILTER (WHERE state = 'failed'), 0)::integer AS failed_jobs,
               coalesce(sum(sign) FILTER (WHERE state = 'canceled'), 0)::integer AS canceled_jobs,
               coalesce(sum(sign) FILTER (WHERE seconds IS NOT NULL), 0)::integer AS timed_jobs,
               coalesce(sum(sign * seconds), 0) AS duration_seconds_sum
        FROM (SELECT -1 AS sign, bot_id, date_trunc('hour', accepted_at, 'UTC') AS hour, state, EXTRACT(EPOCH FROM (finished_at - started_at)) AS seconds FROM old_rows
              UNION ALL
              SELECT 1, bot_id, date_trunc('hour', accepted_at, 'UTC') AS hour, state, EXTRACT(EPOCH FROM (finished_at - started_at)) FROM new_rows) AS changed
        GROUP BY bot_id, hour) AS delta
      WHERE queued_jobs <> 0 OR running_jobs <> 0 OR succeeded_jobs <> 0 OR failed_jobs <> 0
               OR canceled_jobs <> 0 OR timed_jobs <> 0 OR duration_seconds_sum <> 0
      ORDER BY bot_id, hour
    ON CONFLICT (bot_id, hour) DO UPDATE SET
        queued_jobs = t.queued_jobs + EXCLUDED.queued_jobs,
        running_jobs = t.running_jobs + EXCLUDED.running_jobs,
        succeeded_jobs = t.succeeded_jobs + EXCLUDED.succeeded_jobs,
        failed_jobs = t.failed_jobs + EXCLUDED.failed_jobs,
        canceled_jobs = t.canceled_jobs + EXCLUDED.canceled_jobs,
        timed_jobs = t.timed_jobs + EXCLUDED.timed_jobs,
        duration_seconds_sum = t.duration_seconds_sum + EXCLUDED.duration_seconds_sum;
  ELSE
    INSERT INTO bot_job_totals AS t (bot_id, queued_jobs, running_jobs, succeeded_jobs, failed_jobs, canceled_jobs, timed_jobs, duration_seconds_sum)
      SELECT bot_id, -count(*) FILTER (WHERE state = 'queued'), -count(*) FILTER (WHERE state = 'running'),
             -count(*) FILTER (WHERE state = 'succeeded'), -count(*) FILTER (WHERE state = 'failed'),
             -count(*) FILTER (WHERE state = 'canceled'), -count(finished_at - started_at),
             -coalesce(sum(EXTRACT(EPOCH FROM (finished_at - started_at))), 0)
      FROM old_rows GROUP BY bot_id ORDER BY bot_id
    ON CONFLICT (bot_id) DO UPDATE SET
        queued_jobs = t.queued_jobs + EXCLUDED.queued_jobs,
        running_jobs = t.running_jobs + EXCLUDED.running_jobs,
        succeeded_jobs = t.succeeded_jobs + EXCLUDED.succeeded_jobs,
        failed_jobs = t.failed_jobs + EXCLUDED.failed_jobs,
        canceled_jobs = t.canceled_jobs + EXCLUDED.canceled_jobs,
        timed_jobs = t.timed_jobs + EXCLUDED.timed_jobs,
        duration_seconds_sum = t.duration_seconds_sum + EXCLUDED.duration_seconds_sum;
    INSERT INTO bot_job_hourly AS t (bot_id, hour, queued_jobs, running_jobs, succeeded_jobs, failed_jobs, canceled_jobs, timed_jobs, duration_seconds_sum)
      SELECT bot_id, date_trunc('hour', accepted_at, 'UTC'), -count(*) FILTER (WHERE state = 'queued'), -count(*) FILTER (WHERE state = 'running'),
             -count(*) FILTER (WHERE state = 'succeeded'), -count(*) FILTER (WHERE state = 'failed'),
             -count(*) FILTER (WHERE state = 'canceled'), -count(finished_at - started_at),
             -coalesce(sum(EXTRACT(EPOCH FROM (finished_at - started_at))), 0)
      FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (bot_id, hour) DO UPDATE SET
        queued_jobs = t.queued_jobs + EXCLUDED.queued_jobs,
        running_jobs = t.running_jobs + EXCLUDED.running_jobs,
        succeeded_jobs = t.succeeded_jobs + EXCLUDED.succeeded_jobs,
        failed_jobs = t.failed_jobs + EXCLUDED.failed_jobs,
        canceled_jobs = t.canceled_jobs + EXCLUDED.canceled_jobs,
        timed_jobs = t.timed_jobs + EXCLUDED.timed_jobs,
        duration_seconds_sum = t.duration_seconds_sum + EXCLUDED.duration_seconds_sum;
  END IF;
  RETURN NULL;
END
$fn$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "stage_rollups_apply"() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
  -- Each branch names only the transition tables its trigger has (an INSERT trigger has no
  -- old_rows): PL/pgSQL parses a statement when it first runs, so the other branches never fail.
  IF TG_OP = 'INSERT' THEN
    INSERT INTO stage_totals AS t (stage_name, total_runs, failed_runs, timed_runs, duration_ms_sum)
      SELECT stage_name, count(*), count(*) FILTER (WHERE status = 'fail'),
             count(duration_ms), coalesce(sum(duration_ms), 0)
      FROM new_rows GROUP BY stage_name ORDER BY stage_name
    ON CONFLICT (stage_name) DO UPDATE SET
        total_runs = t.total_runs + EXCLUDED.total_runs,
        failed_runs = t.failed_runs + EXCLUDED.failed_runs,
        timed_runs = t.timed_runs + EXCLUDED.timed_runs,
        duration_ms_sum = t.duration_ms_sum + EXCLUDED.duration_ms_sum;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO stage_totals AS t (stage_name, total_runs, failed_runs, timed_runs, duration_ms_sum)
      SELECT * FROM (
        SELECT stage_name, sum(sign)::integer AS total_runs,
               coalesce(sum(sign) FILTER (WHERE status = 'fail'), 0)::integer AS failed_runs,
               coalesce(sum(sign) FILTER (WHERE duration_ms IS NOT NULL), 0)::integer AS timed_runs,
               coalesce(sum(sign * duration_ms), 0)::bigint AS duration_ms_sum
        FROM (SELECT -1 AS sign, stage_name, status, duration_ms FROM old_rows
              UNION ALL
              SELECT 1, stage_name, status, duration_ms FROM new_rows) AS changed
        GROUP BY stage_name) AS delta
      WHERE total_runs <> 0 OR failed_runs <> 0 OR timed_runs <> 0 OR duration_ms_sum <> 0
      ORDER BY stage_name
    ON CONFLICT (stage_name) DO UPDATE SET
        total_runs = t.total_runs + EXCLUDED.total_runs,
        failed_runs = t.failed_runs + EXCLUDED.failed_runs,
        timed_runs = t.timed_runs + EXCLUDED.timed_runs,
        duration_ms_sum = t.duration_ms_sum + EXCLUDED.duration_ms_sum;
  ELSE
    INSERT INTO stage_totals AS t (stage_name, total_runs, failed_runs, timed_runs, duration_ms_sum)
      SELECT stage_name, -count(*), -count(*) FILTER (WHERE status = 'fail'),
             -count(duration_ms), -coalesce(sum(duration_ms), 0)
      FROM old_rows GROUP BY stage_name ORDER BY stage_name
    ON CONFLICT (stage_name) DO UPDATE SET
        total_runs = t.total_runs + EXCLUDED.total_runs,
        failed_runs = t.failed_runs + EXCLUDED.failed_runs,
        timed_runs = t.timed_runs + EXCLUDED.timed_runs,
        duration_ms_sum = t.duration_ms_sum + EXCLUDED.duration_ms_sum;
  END IF;
  RETURN NULL;
END
$fn$;
