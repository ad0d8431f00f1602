-- Down script of 0010_stage_duration_buckets (hand-written): stage_totals back to one row per
-- stage, rebuilt from job_stages under the same lock as the way up, 0009's trigger function, and
-- the views of 0005_job_rollups, copied from them unchanged. stage_totals is derived data:
-- nothing of the audit trail itself is touched.
LOCK TABLE "job_stages" IN SHARE ROW EXCLUSIVE MODE;--> statement-breakpoint
TRUNCATE "stage_totals";--> statement-breakpoint
ALTER TABLE "stage_totals" DROP CONSTRAINT "stage_totals_pkey";--> statement-breakpoint
-- The bucket column is this migration's own, read by no client of the version rolled back to.
-- squawk-ignore ban-drop-column
ALTER TABLE "stage_totals" DROP COLUMN "duration_floor_ms";--> statement-breakpoint
-- The table was emptied above and stays locked until the commit (the TRUNCATE).
-- squawk-ignore constraint-missing-not-valid, adding-serial-primary-key-field
ALTER TABLE "stage_totals" ADD CONSTRAINT "stage_totals_pkey" PRIMARY KEY("stage_name");--> statement-breakpoint
INSERT INTO stage_totals (stage_name, total_runs, failed_runs, timed_runs, duration_ms_sum)
  SELECT stage_name, count(*), count(*) FILTER (WHERE status = 'fail'), count(duration_ms), coalesce(sum(duration_ms), 0)
  FROM job_stages GROUP BY stage_name;--> statement-breakpoint
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
$fn$;--> statement-breakpoint
DROP FUNCTION "stage_duration_floor"(integer);--> statement-breakpoint
CREATE OR REPLACE VIEW "public"."job_stage_summary" AS (select "stage_name", "total_runs" as "total_runs", "failed_runs" as "failed_runs", ("duration_ms_sum"::numeric
        / NULLIF("timed_runs", 0))::double precision as "avg_duration_ms" from "stage_totals" where "stage_totals"."total_runs" > 0);--> statement-breakpoint
CREATE OR REPLACE VIEW "public"."stage_metrics" AS (select "stage_name", "total_runs" as "total_runs", "failed_runs" as "failed_runs", ("duration_ms_sum"::numeric
        / NULLIF("timed_runs", 0))::double precision as "avg_duration_ms" from "stage_totals" where "stage_totals"."total_runs" > 0);
