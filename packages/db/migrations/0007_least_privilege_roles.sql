-- Custom migration (drizzle-kit generate --custom): least privilege, built in. drizzle-kit does not
-- model roles, grants or function attributes, so this is written by hand; the snapshot beside it
-- is unchanged and generating again produces nothing.
--
-- Two NOLOGIN group roles; each part of the system logs in with a role that is a member of one:
--   audit_reader  the console and the read commands: SELECT on the audit tables and views, and on
--                 the migration history (read commands check it). Nothing else.
--   audit_writer  the bots' recorder and `ingest`: INSERT and UPDATE on jobs and job_stages, with
--                 the SELECT their WHERE and RETURNING clauses need, and job_stages' id sequence.
--                 No DELETE, TRUNCATE, ALTER or DROP; no right on the rollups at all.
-- The migrating role (the tables' owner) keeps everything; `forus-audit grant` gives a login role
-- one of the groups.
--
-- Roles belong to the whole cluster, not to this database: another database on the same server
-- may have created them already, or be creating them right now (its migration runs under its own
-- advisory lock, which does not cover ours). So each CREATE ROLE is skipped when the role exists
-- and tolerates losing that race: `duplicate_object` once the other transaction has committed,
-- `unique_violation` from pg_authid's index when it committed while we waited on it.
--
-- A migrating role without CREATEROLE cannot create them: the migration still succeeds (the
-- audit database works as before, every part using the owner's login), raises a WARNING that
-- `migrate` prints with the SQL an administrator runs, and grants nothing. On PGlite the roles are
-- created and granted like anywhere else, but the embedded database has one user and no logins,
-- so they separate nothing there.
DO $least_privilege$
DECLARE
  group_role text;
  missing text[] := ARRAY[]::text[];
  grants text[] := ARRAY[
    'GRANT SELECT ON "jobs", "job_stages", "bot_job_totals", "bot_job_hourly", "stage_totals", '
      || '"job_metrics_by_bot", "recent_jobs", "job_stage_summary", "bot_metrics", "latest_jobs", '
      || '"stage_metrics" TO audit_reader',
    'GRANT SELECT, INSERT, UPDATE ON "jobs", "job_stages" TO audit_writer',
    'GRANT USAGE ON SEQUENCE "job_stages_id_seq" TO audit_writer'
  ];
  statement text;
BEGIN
  -- Both runners create the history table before the first migration; a dry run's SQL executed
  -- by hand has none.
  IF to_regclass('drizzle.__drizzle_migrations') IS NOT NULL THEN
    grants := grants || ARRAY[
      'GRANT USAGE ON SCHEMA "drizzle" TO audit_reader, audit_writer',
      'GRANT SELECT ON "drizzle"."__drizzle_migrations" TO audit_reader, audit_writer'
    ];
  END IF;
  FOREACH group_role IN ARRAY ARRAY['audit_reader', 'audit_writer'] LOOP
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = group_role) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', group_role);
      EXCEPTION
        WHEN duplicate_object OR unique_violation THEN NULL;
        WHEN insufficient_privilege THEN missing := missing || group_role;
      END;
    END IF;
  END LOOP;
  IF cardinality(missing) > 0 THEN
    RAISE WARNING USING
      MESSAGE = format(
        'the roles %s do not exist and %I may not create them; nothing was granted, so every part must log in as the owner for now',
        array_to_string(missing, ' and '), current_user),
      HINT = format(
        'a superuser runs, in database %I: %s; %s;',
        current_database(),
        (SELECT string_agg(format('CREATE ROLE %I NOLOGIN', name), '; ') FROM unnest(missing) AS name),
        array_to_string(grants, '; '));
    RETURN;
  END IF;
  FOREACH statement IN ARRAY grants LOOP
    EXECUTE statement;
  END LOOP;
END
$least_privilege$;--> statement-breakpoint
-- The rollups are kept by these trigger functions, which now run as their owner (SECURITY
-- DEFINER), so a writer needs no right on bot_job_totals, bot_job_hourly or stage_totals. A
-- definer's function must not resolve names through the caller's search_path (a writer could put
-- a schema of its own first and have the owner's rights run its tables), so it is fixed:
-- public, then pg_temp last. They are callable only as triggers; EXECUTE is taken from PUBLIC
-- all the same, since a definer's function should be callable by no one who needs not.
ALTER FUNCTION "job_rollups_apply"() SECURITY DEFINER SET search_path = public, pg_temp;--> statement-breakpoint
ALTER FUNCTION "stage_rollups_apply"() SECURITY DEFINER SET search_path = public, pg_temp;--> statement-breakpoint
ALTER FUNCTION "job_rollups_truncate"() SECURITY DEFINER SET search_path = public, pg_temp;--> statement-breakpoint
ALTER FUNCTION "stage_rollups_truncate"() SECURITY DEFINER SET search_path = public, pg_temp;--> statement-breakpoint
REVOKE ALL ON FUNCTION "job_rollups_apply"(), "stage_rollups_apply"(), "job_rollups_truncate"(), "stage_rollups_truncate"() FROM PUBLIC;
