import type { AuditDb } from "@forusbots/db";
import { MAX_DURATION_MS } from "@forusbots/db/schema";
import { sql } from "drizzle-orm";
import { queryRows } from "../query-rows.ts";
import { mayFinish, mayStart } from "./transitions.ts";
import type { WriteRows } from "./write-rows.ts";

/**
 * The writes, one statement each for any number of events, so that one event and a batch of
 * thousands take the same path. Events arrive as one JSON parameter read back with
 * `jsonb_to_recordset`: a single bind value whatever the count (a VALUES list would need one per
 * field and hit PostgreSQL's 65,535-parameter limit near 8,000 stages), and no text is ever pasted
 * into the SQL (the rows are built by `write-rows.ts`). Each returns the positions (`i`) of the
 * events it applied; an event it did not apply is a replay, a refused transition or an unknown
 * job, which `classify-outcomes.ts` tells apart.
 *
 * Inserts take their rows in key order so that concurrent writers touching the same jobs lock them
 * in the same order; the UPDATEs cannot promise that. Batches do not run at once (the rollup
 * writers' lock), and a deadlock with another writer is retried by the batch path
 * (`writeInTransaction`).
 *
 * The caller passes at most one event per key (job for accepts, starts and finishes; job, stage
 * name and start time for stages): a second one for the same row is classified afterwards as a
 * replay, since PostgreSQL does not say which of two rows of one statement won.
 */

type AppliedRow = { i: number } & Record<string, unknown>;

const appliedPositions = (rows: AppliedRow[]): Set<number> => new Set(rows.map((row) => row.i));

/**
 * The stages of a new job, inserted by the same statement as the job, so that the INSERT of the
 * stages sees which jobs are new: no stage can exist yet for a job that did not (the foreign key
 * forbids it, and another transaction cannot add one before this one commits the job), so those
 * stages need neither ON CONFLICT's probe of the unique index nor a lookup of the job. The
 * statement's data-modifying CTEs cannot see each other's rows, but the foreign key checks run at
 * its end and do. Stages of a job that already existed are left for `insertStages`.
 */
const stagesOfNewJobs = (stageRows: WriteRows) =>
  stageRows === null
    ? sql``
    : sql`, new_stages AS (
          INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status, meta, error)
          SELECT s.job_id, s.stage_name, s.started_at, s.ended_at, s.status, s.meta, s.error
          FROM jsonb_to_recordset(${stageRows}::jsonb)
            AS s(job_id uuid, stage_name text, started_at timestamptz, ended_at timestamptz,
                 status text, meta jsonb, error jsonb)
          WHERE s.job_id IN (SELECT job_id FROM stored)
          ORDER BY s.job_id
        )`;

/**
 * Inserts the new jobs and, when given, the stages the batch holds for them; returns the
 * positions of the acceptances that created a job (its stages were stored with it). An existing
 * job is left as it is (ON CONFLICT DO NOTHING).
 */
export async function insertAcceptedJobs(
  db: AuditDb,
  rows: WriteRows,
  stagesOfAccepted: WriteRows = null,
): Promise<Set<number>> {
  if (rows === null) return new Set();
  return appliedPositions(
    await queryRows<AppliedRow>(
      db,
      sql`
        WITH e AS (
          SELECT * FROM jsonb_to_recordset(${rows}::jsonb)
            AS e(i integer, job_id uuid, bot_id text, state text, accepted_at timestamptz,
                 started_at timestamptz, finished_at timestamptz, meta jsonb, created_by jsonb,
                 result jsonb, error_message text)
        ), stored AS (
          INSERT INTO jobs (job_id, bot_id, state, accepted_at, started_at, finished_at, meta,
                            created_by, result, error_message)
          SELECT job_id, bot_id, state, accepted_at, started_at, finished_at, meta,
                 created_by, result, error_message
          FROM e ORDER BY job_id
          ON CONFLICT (job_id) DO NOTHING
          RETURNING job_id
        )${stagesOfNewJobs(stagesOfAccepted)}
        SELECT e.i FROM e JOIN stored USING (job_id)`,
    ),
  );
}

/** queued → running, when the start is not before the acceptance. */
export async function updateStartedJobs(db: AuditDb, rows: WriteRows): Promise<Set<number>> {
  if (rows === null) return new Set();
  return appliedPositions(
    await queryRows<AppliedRow>(
      db,
      sql`
        UPDATE jobs SET state = 'running', started_at = e.at
        FROM jsonb_to_recordset(${rows}::jsonb) AS e(i integer, job_id uuid, at timestamptz)
        WHERE jobs.job_id = e.job_id
          AND ${mayStart(sql`jobs.state`)}
          AND e.at >= jobs.accepted_at
        RETURNING e.i`,
    ),
  );
}

/**
 * Stages of known jobs. Those of an unknown job are filtered out here rather than left to the
 * foreign key, whose violation would abort the whole statement and with it the batch.
 * `jobsExist` says the jobs are known to exist (accepted earlier in this transaction): the
 * stages then skip the lookup of their job, a random probe of the jobs' primary key per stage.
 */
export async function insertStages(
  db: AuditDb,
  rows: WriteRows,
  { jobsExist = false } = {},
): Promise<Set<number>> {
  if (rows === null) return new Set();
  return appliedPositions(
    await queryRows<AppliedRow>(
      db,
      sql`
        WITH e AS (
          SELECT * FROM jsonb_to_recordset(${rows}::jsonb)
            AS e(i integer, job_id uuid, stage_name text, started_at timestamptz,
                 ended_at timestamptz, status text, meta jsonb, error jsonb)
        ), stored AS (
          INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status, meta, error)
          SELECT e.job_id, e.stage_name, e.started_at, e.ended_at, e.status, e.meta, e.error
          FROM e
          WHERE ${jobsExist ? sql`true` : sql`EXISTS (SELECT 1 FROM jobs WHERE jobs.job_id = e.job_id)`}
          ORDER BY e.job_id
          ON CONFLICT (job_id, stage_name, started_at) DO NOTHING
          RETURNING job_id, stage_name, started_at
        )
        SELECT e.i FROM e JOIN stored USING (job_id, stage_name, started_at)`,
    ),
  );
}

/**
 * running → succeeded | failed | canceled, queued → canceled; the finish not before the start
 * (or the acceptance of a job that never started), and the run short enough for duration_ms.
 */
export async function updateFinishedJobs(db: AuditDb, rows: WriteRows): Promise<Set<number>> {
  if (rows === null) return new Set();
  return appliedPositions(
    await queryRows<AppliedRow>(
      db,
      sql`
        UPDATE jobs
        SET state = e.state, finished_at = e.at, result = e.result, error_message = e.error_message
        FROM jsonb_to_recordset(${rows}::jsonb)
          AS e(i integer, job_id uuid, state text, at timestamptz, result jsonb, error_message text)
        WHERE jobs.job_id = e.job_id
          AND ${mayFinish(sql`e.state`, sql`jobs.state`)}
          AND e.at >= COALESCE(jobs.started_at, jobs.accepted_at)
          AND (jobs.started_at IS NULL
               OR EXTRACT(EPOCH FROM (e.at - jobs.started_at)) * 1000 <= ${MAX_DURATION_MS})
        RETURNING e.i`,
    ),
  );
}
