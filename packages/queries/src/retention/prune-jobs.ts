import { type AuditDb, isTransactionConflict } from "@forusbots/db";
import { botJobHourly, botJobTotals, jobs } from "@forusbots/db/schema";
import { and, asc, eq, lt, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { translateDatabaseError, withDatabaseErrors } from "../errors.ts";
import { botIdSchema, timestampSchema } from "../events/fields.ts";
import { parseOptions } from "../events/parse.ts";
import { queryRows } from "../query-rows.ts";
import { exportLine, jobToEvents, stagesOfJobs } from "../reads/export-events.ts";
import { beginRollupWrites } from "../write-engine/index.ts";
import type { PruneArchive } from "./prune-archive.ts";

/** Which jobs a prune removes: those accepted before `before` (of one bot, if given). */
export const pruneFilterSchema = z.strictObject({
  before: timestampSchema,
  botId: botIdSchema.optional(),
});
export type PruneFilter = z.input<typeof pruneFilterSchema>;

export interface PruneCounts {
  jobs: number;
  stages: number;
}

/**
 * Jobs per transaction. Each batch holds the rollup rows of its bots until it commits, and a live
 * write of the same bot waits for them: 500 jobs (about 2,000 rows with their stages) bound that
 * wait to one batch's deletes and commit (the bench measures it beside live bots: pruneLiveP99Ms).
 */
export const PRUNE_BATCH_SIZE = 500;
export const MAX_PRUNE_BATCH_SIZE = 10_000;

/** A batch that lost a deadlock is rolled back whole and tried again this many times. */
const ATTEMPTS = 5;

export interface PruneOptions {
  batchSize?: number;
  /** Where the removed jobs are written, and synced, before each batch deletes them. */
  archive?: PruneArchive;
  /** After each committed batch, with the totals removed so far. */
  onBatch?: (removed: PruneCounts) => void;
}

export interface PruneResult extends PruneCounts {
  batches: number;
  /** Hourly rollup rows left at zero by the prune and removed, so the rollup shrinks too. */
  emptyRollupRows: number;
}

const conditionsOf = ({ before, botId }: { before: Date; botId?: string | undefined }): SQL[] => [
  lt(jobs.acceptedAt, before),
  ...(botId === undefined ? [] : [eq(jobs.botId, botId)]),
];

/** What a prune with this filter would remove now: the plan it prints and `--dry-run` shows. */
export async function countPrunable(db: AuditDb, filter: PruneFilter): Promise<PruneCounts> {
  const parsed = parseOptions(pruneFilterSchema, filter);
  const [row] = await withDatabaseErrors(() =>
    queryRows<{ jobs: number; stages: number }>(
      db,
      sql`SELECT count(*)::int AS jobs,
                 coalesce(sum((SELECT count(*) FROM job_stages s WHERE s.job_id = jobs.job_id)), 0)::int AS stages
          FROM jobs WHERE ${and(...conditionsOf(parsed))}`,
    ),
  );
  return { jobs: row?.jobs ?? 0, stages: row?.stages ?? 0 };
}

/** How many of these jobs are stored: whether an interrupted batch's delete committed. */
export async function countStoredJobs(db: AuditDb, jobIds: readonly string[]): Promise<number> {
  const [row] = await withDatabaseErrors(() =>
    queryRows<{ stored: number }>(
      db,
      sql`SELECT count(*)::int AS stored FROM jobs WHERE job_id = ANY(${`{${jobIds.join(",")}}`}::uuid[])`,
    ),
  );
  return row?.stored ?? 0;
}

/**
 * Removes the jobs the filter selects, with their stages, oldest first, in transactions of at
 * most `batchSize` jobs: a live writer or reader never waits for more than one batch. Each batch
 * is whole or not at all, so an interrupted prune loses nothing and is finished by running it
 * again. The rollup triggers see every delete: the metric views stay equal to the plain
 * aggregates.
 */
export async function pruneJobs(
  db: AuditDb,
  filter: PruneFilter,
  options: PruneOptions = {},
): Promise<PruneResult> {
  const parsed = parseOptions(pruneFilterSchema, filter);
  const batchSize = options.batchSize ?? PRUNE_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_PRUNE_BATCH_SIZE) {
    throw new RangeError(`batchSize must be a whole number from 1 to ${MAX_PRUNE_BATCH_SIZE}`);
  }
  const removed: PruneCounts = { jobs: 0, stages: 0 };
  let batches = 0;
  for (;;) {
    const batch = await withRetries(
      () => pruneBatch(db, conditionsOf(parsed), batchSize, options.archive),
      options.archive,
    );
    if (batch === null) break;
    options.archive?.committed();
    removed.jobs += batch.jobs;
    removed.stages += batch.stages;
    batches += 1;
    options.onBatch?.({ ...removed });
  }
  const emptyRollupRows = await withRetries(() => removeEmptyHourlyRollups(db, parsed));
  return { ...removed, batches, emptyRollupRows };
}

/** A deadlock rolls the whole transaction back: the archive drops its bytes before the retry. */
async function withRetries<T>(work: () => Promise<T>, archive?: PruneArchive): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      // The archive's own reads translate their errors; the driver's is then the cause.
      const conflict = isTransactionConflict(error) || isTransactionConflict(causeOf(error));
      if (!conflict || attempt >= ATTEMPTS) throw translateDatabaseError(error);
      await archive?.rolledBack();
    }
  }
}

const causeOf = (error: unknown): unknown => (error instanceof Error ? error.cause : undefined);

async function pruneBatch(
  db: AuditDb,
  conditions: SQL[],
  batchSize: number,
  archive: PruneArchive | undefined,
): Promise<PruneCounts | null> {
  return db.transaction(async (tx) => {
    await beginRollupWrites(tx, { synchronousCommit: true });
    // Locked, so no writer changes a job between the archive reading it and the delete.
    const batch = await tx
      .select()
      .from(jobs)
      .where(and(...conditions))
      .orderBy(asc(jobs.acceptedAt), asc(jobs.jobId))
      .limit(batchSize)
      .for("update");
    if (batch.length === 0) return null;
    const jobIds = batch.map((job) => job.jobId);
    const stagesByJob = await stagesOfJobs(tx, jobIds);
    if (archive) {
      const lines = batch
        .flatMap((job) => jobToEvents({ ...job, stages: stagesByJob.get(job.jobId) ?? [] }))
        .map(exportLine)
        .join("");
      await archive.append(jobIds, lines);
    }
    const ids = `{${jobIds.join(",")}}`;
    // Writers take the rollup rows of a bot (totals, then hours) before those of a stage; the
    // deletes below would take them the other way round (stages first, for the foreign key).
    // Locking the bots' rows first keeps one order for everyone, so a prune and a live writer
    // never deadlock.
    await tx
      .select({ botId: botJobTotals.botId })
      .from(botJobTotals)
      .where(
        sql`${botJobTotals.botId} IN (SELECT bot_id FROM jobs WHERE job_id = ANY(${ids}::uuid[]))`,
      )
      .orderBy(asc(botJobTotals.botId))
      .for("update");
    await tx
      .select({ botId: botJobHourly.botId })
      .from(botJobHourly)
      .where(
        sql`(${botJobHourly.botId}, ${botJobHourly.hour}) IN (SELECT bot_id, date_trunc('hour', accepted_at, 'UTC') FROM jobs WHERE job_id = ANY(${ids}::uuid[]))`,
      )
      .orderBy(asc(botJobHourly.botId), asc(botJobHourly.hour))
      .for("update");
    // Stages first and in one statement: the cascade would delete them one job at a time.
    const [stages] = await queryRows<{ deleted: number }>(
      tx,
      sql`WITH deleted AS (DELETE FROM job_stages WHERE job_id = ANY(${ids}::uuid[]) RETURNING 1)
          SELECT count(*)::int AS deleted FROM deleted`,
    );
    const [removedJobs] = await queryRows<{ deleted: number }>(
      tx,
      sql`WITH deleted AS (DELETE FROM jobs WHERE job_id = ANY(${ids}::uuid[]) RETURNING 1)
          SELECT count(*)::int AS deleted FROM deleted`,
    );
    return { jobs: removedJobs?.deleted ?? 0, stages: stages?.deleted ?? 0 };
  });
}

/**
 * Hourly rollup rows whose every counter the prune brought to zero. Only all-zero rows go, each
 * checked again under its row lock, so a job written meanwhile into that hour keeps its row (or
 * makes a new one): the rollup stays exact, and it shrinks with the tables.
 */
async function removeEmptyHourlyRollups(
  db: AuditDb,
  { before, botId }: { before: Date; botId?: string | undefined },
): Promise<number> {
  const [row] = await queryRows<{ deleted: number }>(
    db,
    sql`WITH deleted AS (
          DELETE FROM bot_job_hourly
          WHERE hour < ${before.toISOString()}::timestamptz
            ${botId === undefined ? sql`` : sql`AND bot_id = ${botId}`}
            AND queued_jobs = 0 AND running_jobs = 0 AND succeeded_jobs = 0
            AND failed_jobs = 0 AND canceled_jobs = 0 AND timed_jobs = 0
            AND duration_seconds_sum = 0
          RETURNING 1)
        SELECT count(*)::int AS deleted FROM deleted`,
  );
  return row?.deleted ?? 0;
}
