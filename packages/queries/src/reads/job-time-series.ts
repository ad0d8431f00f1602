import type { AuditDb } from "@forusbots/db";
import { type JobState, jobs } from "@forusbots/db/schema";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { withDatabaseErrors } from "../errors.ts";
import { botIdSchema, timestampSchema } from "../events/fields.ts";
import { parseWith } from "../events/parse.ts";
import { byteOrder, RANGE_ORDER_ISSUE, rangeConditions, rangeIsOrdered } from "./filters.ts";

export const TIMELINE_BUCKETS = ["hour", "day"] as const;
export type TimelineBucket = (typeof TIMELINE_BUCKETS)[number];

const BUCKET_MILLISECONDS: Record<TimelineBucket, number> = { hour: 3_600_000, day: 86_400_000 };

/** A chart of more buckets than this is a mistake (a year in hours is 8,760). */
export const MAX_TIMELINE_BUCKETS = 10_000;

const timelineOptionsSchema = z
  .strictObject({
    bucket: z.enum(TIMELINE_BUCKETS),
    from: timestampSchema,
    to: timestampSchema,
    botId: botIdSchema.optional(),
  })
  .refine(rangeIsOrdered, RANGE_ORDER_ISSUE)
  .refine(
    ({ bucket, from, to }) =>
      (to.getTime() - from.getTime()) / BUCKET_MILLISECONDS[bucket] <= MAX_TIMELINE_BUCKETS,
    { message: `spans more than ${MAX_TIMELINE_BUCKETS} buckets`, path: ["to"] },
  );

export type JobTimeSeriesOptions = z.input<typeof timelineOptionsSchema>;

/** Jobs of one bot in one state accepted within one bucket. */
export interface JobTimeSeriesPoint {
  bucketStart: Date;
  botId: string;
  state: JobState;
  jobs: number;
}

/**
 * Every bucket start of [from, to) in order, the first holding `from`: the series has points
 * only where there are jobs, and a chart shows the other buckets as zero.
 */
export function listBucketStarts(bucket: TimelineBucket, from: Date, to: Date): Date[] {
  const size = BUCKET_MILLISECONDS[bucket];
  const starts: Date[] = [];
  for (let time = Math.floor(from.getTime() / size) * size; time < to.getTime(); time += size) {
    starts.push(new Date(time));
  }
  return starts;
}

/** The fixed SQL literal of a bucket, chosen from this map, never from the caller's text. */
const BUCKET_FIELD: Record<TimelineBucket, ReturnType<typeof sql.raw>> = {
  hour: sql.raw("'hour'"),
  day: sql.raw("'day'"),
};

/**
 * Jobs per hour or day, per bot and state, for jobs accepted in [from, to), ordered by bucket,
 * bot and state; only combinations with at least one job appear. Buckets are UTC:
 * date_trunc would otherwise follow the session's time zone, which differs between PGlite and
 * a PostgreSQL server, and the same data would chart differently on each.
 */
export async function getJobTimeSeries(
  db: AuditDb,
  options: JobTimeSeriesOptions,
): Promise<JobTimeSeriesPoint[]> {
  const { bucket, from, to, botId } = parseWith(timelineOptionsSchema, options);
  const bucketStart = sql<Date>`date_trunc(${BUCKET_FIELD[bucket]}, ${jobs.acceptedAt}, 'UTC')`;
  return withDatabaseErrors(() =>
    db
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
      .orderBy(bucketStart, byteOrder(jobs.botId), jobs.state),
  );
}
