import { getTableName } from "drizzle-orm";
import {
  bigint,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

/**
 * Incremental rollups behind the metric views. Statement-level triggers on `jobs` and `job_stages`
 * (migration 0005_job_rollups) add each write's delta in the same transaction as the write, so the
 * views read a few rows per bot or stage instead of aggregating millions, and are always exactly
 * what the plain aggregate over the base tables would say (views.test.ts and rollups.test.ts
 * compare them after inserts, updates and deletes).
 *
 * Sums are kept exact (NUMERIC seconds, BIGINT milliseconds) and averaged with the same division
 * PostgreSQL's avg() performs, so the averages are equal to the last bit, not approximately.
 */
const jobStateCounters = {
  queuedJobs: integer("queued_jobs").notNull().default(0),
  runningJobs: integer("running_jobs").notNull().default(0),
  succeededJobs: integer("succeeded_jobs").notNull().default(0),
  failedJobs: integer("failed_jobs").notNull().default(0),
  canceledJobs: integer("canceled_jobs").notNull().default(0),
  /** Jobs having both started_at and finished_at: the denominator of the average duration. */
  timedJobs: integer("timed_jobs").notNull().default(0),
  /** Sum over timed jobs of EXTRACT(EPOCH FROM finished_at - started_at), exact to the microsecond. */
  durationSecondsSum: numeric("duration_seconds_sum").notNull().default("0"),
};

/** Per bot, all time: what `job_metrics_by_bot` reads. */
export const botJobTotals = pgTable("bot_job_totals", {
  botId: text("bot_id").primaryKey(),
  ...jobStateCounters,
});

/** Per bot and UTC hour of `accepted_at`: metrics over a time range and the jobs time series. */
export const botJobHourly = pgTable(
  "bot_job_hourly",
  {
    botId: text("bot_id").notNull(),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    ...jobStateCounters,
  },
  (t) => [
    primaryKey({ name: "bot_job_hourly_pkey", columns: [t.botId, t.hour] }),
    // The key leads with bot_id, so a range of hours over every bot would read the whole history.
    index("idx_bot_job_hourly_hour").on(t.hour),
  ],
);

/**
 * Per stage name, duration bucket and slot, all time: what `job_stage_summary` reads (summed over
 * the buckets and their slots) and what the stage percentiles are found through. A stage's runs
 * are counted in the bucket of their duration, `duration_floor_ms` being the bucket's least
 * duration (`stage_duration_floor`, migration 0010: the duration with all but its 4 leading bits
 * cleared, so eight buckets per doubling, each under 12.5 % wide); runs without a duration (not
 * ended) in the bucket -1. The buckets are ordered and disjoint, so the runs of the buckets below
 * a floor are exactly the runs shorter than it: a percentile's position is found among a stage's
 * few dozen buckets and its value read through the `(stage_name, duration_ms)` index inside one
 * bucket, instead of walking half the stage's runs (duration-percentiles.ts). A stage run is still
 * one rollup row written, as before the buckets and the slots.
 */
export const stageTotals = pgTable(
  "stage_totals",
  {
    stageName: text("stage_name").notNull(),
    totalRuns: integer("total_runs").notNull().default(0),
    failedRuns: integer("failed_runs").notNull().default(0),
    /** Runs with a duration (ended): the denominator of the average. */
    timedRuns: integer("timed_runs").notNull().default(0),
    durationMsSum: bigint("duration_ms_sum", { mode: "number" }).notNull().default(0),
    /** The bucket: its least duration, or `UNTIMED_STAGE_BUCKET` (migration 0010). */
    durationFloorMs: integer("duration_floor_ms").notNull(),
    /**
     * Which of a bucket's `STAGE_TOTALS_SLOTS` rows a write added to: its transaction's id modulo
     * the slot count (migration 0011). A bucket's figures are the sum over its slots; one slot's
     * counts alone mean nothing and may be negative (a run counted in one slot, deleted in
     * another).
     */
    slot: smallint("slot").notNull().default(0),
  },
  (t) => [
    primaryKey({ name: "stage_totals_pkey", columns: [t.stageName, t.durationFloorMs, t.slot] }),
  ],
);

/**
 * Rows each `stage_totals` bucket is spread over. Every recorder's stage write adds to its stage's
 * bucket row and holds that row's lock until it commits; the live bots' stages of one name fall in
 * a few buckets, so without slots every writer queued behind every other on those rows, commit
 * after commit. Concurrent transactions have nearby ids, so up to this many take different slots.
 * Migration 0011 writes the number into the trigger function; rollups-concurrency.test.ts checks
 * that a write lands in the slot this count gives.
 */
export const STAGE_TOTALS_SLOTS = 16;

/** The bucket `stage_totals` counts the runs without a duration (not ended) in. */
export const UNTIMED_STAGE_BUCKET = -1;

/**
 * The rollup tables, by name: derived from `jobs` and `job_stages` and rebuilt by migration
 * 0005's backfill, so dropping them (rollback of 0005) loses no data; rollback's guard counts
 * only the tables that hold the audit trail itself.
 */
export const ROLLUP_TABLE_NAMES: readonly string[] = [botJobTotals, botJobHourly, stageTotals].map(
  (table) => getTableName(table),
);

/** The trigger functions migration 0005_job_rollups creates; the guarded reset drops them too. */
export const ROLLUP_TRIGGER_FUNCTIONS = [
  "job_rollups_apply",
  "stage_rollups_apply",
  "job_rollups_truncate",
  "stage_rollups_truncate",
] as const;

/**
 * The functions the rollups use besides their triggers (signatures, for DROP FUNCTION): the
 * bucket of a stage's duration, migration 0010_stage_duration_buckets. The guarded reset drops them.
 */
export const ROLLUP_HELPER_FUNCTIONS = ["stage_duration_floor(integer)"] as const;
