import type { AuditDb } from "@forusbots/db";
import { botJobHourly, JOB_STATES, type JobState, jobs } from "@forusbots/db/schema";
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import {
  isOrderedRange,
  TIMELINE_BUCKETS,
  type TimelineBucket,
  timelineSpanProblem,
} from "../contract/index.ts";
import { withDatabaseErrors } from "../errors.ts";
import { botIdSchema, timestampSchema } from "../events/fields.ts";
import { parseWith } from "../events/parse.ts";
import { byteOrder, RANGE_ORDER_ISSUE, rangeConditions } from "./filters.ts";
import { isOnWholeHours } from "./read-options.ts";

const timelineOptionsSchema = z
  .strictObject({
    bucket: z.enum(TIMELINE_BUCKETS),
    from: timestampSchema,
    to: timestampSchema,
    botId: botIdSchema.optional(),
  })
  .refine(isOrderedRange, RANGE_ORDER_ISSUE)
  .superRefine(({ bucket, from, to }, context) => {
    const problem = timelineSpanProblem(bucket, from, to);
    if (problem !== undefined) context.addIssue({ code: "custom", message: problem, path: ["to"] });
  });

export type JobTimeSeriesOptions = z.input<typeof timelineOptionsSchema>;
type Timeline = z.output<typeof timelineOptionsSchema>;

/** Jobs of one bot in one state accepted within one bucket. */
export interface JobTimeSeriesPoint {
  bucketStart: Date;
  botId: string;
  state: JobState;
  jobs: number;
}

/** The fixed SQL literal of a bucket, chosen from this map, never from the caller's text. */
const BUCKET_FIELD: Record<TimelineBucket, ReturnType<typeof sql.raw>> = {
  hour: sql.raw("'hour'"),
  day: sql.raw("'day'"),
};

/**
 * The UTC bucket of a time: date_trunc would otherwise follow the session's time zone, which
 * differs between PGlite and a PostgreSQL server, and the same data would chart differently on
 * each.
 */
const bucketOf = (bucket: TimelineBucket, time: PgColumn): SQL<Date> =>
  sql<Date>`date_trunc(${BUCKET_FIELD[bucket]}, ${time}, 'UTC')`;

/** The order `byteOrder(jobs.state)` gives: the names are ASCII, so JavaScript's sort agrees. */
const STATES_IN_BYTE_ORDER: readonly JobState[] = [...JOB_STATES].sort();

/**
 * Jobs per hour or day, per bot and state, for jobs accepted in [from, to), ordered by bucket,
 * bot and state; only combinations with at least one job appear. Buckets are UTC.
 *
 * A range on whole UTC hours is summed from `bot_job_hourly` (an hour bucket is one of its rows,
 * a day bucket 24 of them), which the triggers keep equal to `jobs`: a few thousand rows for a
 * quarter instead of every job. A range that cuts an hour counts `jobs`. Both give the same points.
 */
export async function getJobTimeSeries(
  db: AuditDb,
  options: JobTimeSeriesOptions,
): Promise<JobTimeSeriesPoint[]> {
  const timeline = parseWith(timelineOptionsSchema, options);
  return withDatabaseErrors(() =>
    isOnWholeHours(timeline) ? sumHourlyRollup(db, timeline) : countJobs(db, timeline),
  );
}

function countJobs(
  db: AuditDb,
  { bucket, from, to, botId }: Timeline,
): Promise<JobTimeSeriesPoint[]> {
  const bucketStart = bucketOf(bucket, jobs.acceptedAt);
  return db
    .select({
      bucketStart: bucketStart.mapWith(jobs.acceptedAt),
      botId: jobs.botId,
      state: jobs.state,
      jobs: sql<number>`count(*)::integer`.mapWith(Number),
    })
    .from(jobs)
    .where(
      and(
        botId === undefined ? undefined : eq(jobs.botId, botId),
        ...rangeConditions(jobs.acceptedAt, { from, to }),
      ),
    )
    .groupBy(bucketStart, jobs.botId, jobs.state)
    .orderBy(bucketStart, byteOrder(jobs.botId), byteOrder(jobs.state));
}

/**
 * One row per bucket and bot with a sum per state, unpivoted here: up to five times fewer rows to
 * sort, send and decode than one per state. A state without jobs gives no point, as in
 * `countJobs` (updates and deletes leave hours at zero rather than removing their rows).
 */
async function sumHourlyRollup(
  db: AuditDb,
  { bucket, from, to, botId }: Timeline,
): Promise<JobTimeSeriesPoint[]> {
  const h = botJobHourly;
  const bucketStart = bucketOf(bucket, h.hour);
  const sumOf = (column: PgColumn) => sql<number>`sum(${column})::integer`.mapWith(Number);
  const rows = await db
    .select({
      bucketStart: bucketStart.mapWith(h.hour),
      botId: h.botId,
      queued: sumOf(h.queuedJobs),
      running: sumOf(h.runningJobs),
      succeeded: sumOf(h.succeededJobs),
      failed: sumOf(h.failedJobs),
      canceled: sumOf(h.canceledJobs),
    })
    .from(h)
    .where(
      and(
        botId === undefined ? undefined : eq(h.botId, botId),
        ...rangeConditions(h.hour, { from, to }),
      ),
    )
    .groupBy(bucketStart, h.botId)
    .orderBy(bucketStart, byteOrder(h.botId));
  return rows.flatMap((row) =>
    STATES_IN_BYTE_ORDER.filter((state) => row[state] > 0).map((state) => ({
      bucketStart: new Date(row.bucketStart),
      botId: row.botId,
      state,
      jobs: row[state],
    })),
  );
}
