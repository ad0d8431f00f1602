-- Down script of 0011_stage_totals_slots (hand-written): stage_totals back to one row per stage
-- and duration bucket, rebuilt from job_stages under the same lock as the way up, and 0010's
-- trigger function, copied from it unchanged. stage_totals is derived data: nothing of the audit
-- trail itself is touched.
LOCK TABLE "job_stages" IN SHARE ROW EXCLUSIVE MODE;--> statement-breakpoint
TRUNCATE "stage_totals";--> statement-breakpoint
ALTER TABLE "stage_totals" DROP CONSTRAINT "stage_totals_pkey";--> statement-breakpoint
-- The slot column is this migration's own, read by no client of the version rolled back to.
-- squawk-ignore ban-drop-column
ALTER TABLE "stage_totals" DROP COLUMN "slot";--> statement-breakpoint
-- The table was emptied above and stays locked until the commit (the TRUNCATE).
-- squawk-ignore constraint-missing-not-valid, adding-serial-primary-key-field
ALTER TABLE "stage_totals" ADD CONSTRAINT "stage_totals_pkey" PRIMARY KEY("stage_name","duration_floor_ms");--> statement-breakpoint
INSERT INTO stage_totals (stage_name, duration_floor_ms, total_runs, failed_runs, timed_runs, duration_ms_sum)
  SELECT stage_name, stage_duration_floor(duration_ms), count(*), count(*) FILTER (WHERE status = 'fail'),
         count(duration_ms), coalesce(sum(duration_ms), 0)
  FROM job_stages GROUP BY 1, 2;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "stage_rollups_apply"() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
  -- Each branch names only the transition tables its trigger has (an INSERT trigger has no
  -- old_rows): PL/pgSQL parses a statement when it first runs, so the other branches never fail.
  IF TG_OP = 'INSERT' THEN
    INSERT INTO stage_totals AS t (stage_name, duration_floor_ms, total_runs, failed_runs, timed_runs, duration_ms_sum)
      SELECT stage_name, stage_duration_floor(duration_ms), count(*), count(*) FILTER (WHERE status = 'fail'),
             count(duration_ms), coalesce(sum(duration_ms), 0)
      FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (stage_name, duration_floor_ms) DO UPDATE SET
        total_runs = t.total_runs + EXCLUDED.total_runs,
        failed_runs = t.failed_runs + EXCLUDED.failed_runs,
        timed_runs = t.timed_runs + EXCLUDED.timed_runs,
        duration_ms_sum = t.duration_ms_sum + EXCLUDED.duration_ms_sum;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO stage_totals AS t (stage_name, duration_floor_ms, total_runs, failed_runs, timed_runs, duration_ms_sum)
      SELECT * FROM (
        SELECT stage_name, duration_floor_ms, sum(sign)::integer AS total_runs,
               coalesce(sum(sign) FILTER (WHERE status = 'fail'), 0)::integer AS failed_runs,
               coalesce(sum(sign) FILTER (WHERE duration_ms IS NOT NULL), 0)::integer AS timed_runs,
               coalesce(sum(sign * duration_ms), 0)::bigint AS duration_ms_sum
        FROM (SELECT -1 AS sign, stage_name, stage_duration_floor(duration_ms) AS duration_floor_ms, status, duration_ms FROM old_rows
              UNION ALL
              SELECT 1, stage_name, stage_duration_floor(duration_ms), status, duration_ms FROM new_rows) AS changed
        GROUP BY stage_name, duration_floor_ms) AS delta
      WHERE total_runs <> 0 OR failed_runs <> 0 OR timed_runs <> 0 OR duration_ms_sum <> 0
      ORDER BY stage_name, duration_floor_ms
    ON CONFLICT (stage_name, duration_floor_ms) DO UPDATE SET
        total_runs = t.total_runs + EXCLUDED.total_runs,
        failed_runs = t.failed_runs + EXCLUDED.failed_runs,
        timed_runs = t.timed_runs + EXCLUDED.timed_runs,
        duration_ms_sum = t.duration_ms_sum + EXCLUDED.duration_ms_sum;
  ELSE
    INSERT INTO stage_totals AS t (stage_name, duration_floor_ms, total_runs, failed_runs, timed_runs, duration_ms_sum)
      SELECT stage_name, stage_duration_floor(duration_ms), -count(*), -count(*) FILTER (WHERE status = 'fail'),
             -count(duration_ms), -coalesce(sum(duration_ms), 0)
      FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (stage_name, duration_floor_ms) DO UPDATE SET
        total_runs = t.total_runs + EXCLUDED.total_runs,
        failed_runs = t.failed_runs + EXCLUDED.failed_runs,
        timed_runs = t.timed_runs + EXCLUDED.timed_runs,
        duration_ms_sum = t.duration_ms_sum + EXCLUDED.duration_ms_sum;
  END IF;
  RETURN NULL;
END
$fn$;
