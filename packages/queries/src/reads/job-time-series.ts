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
import { parseOptions } from "../events/parse.ts";
import { queryRows } from "../query-rows.ts";
import { compareBytewise, RANGE_ORDER_ISSUE, rangeConditions } from "./filters.ts";
import { holdsFewJobs } from "./job-density.ts";
import { preparedRead } from "./prepared-read.ts";
import { wholeHoursWithin } from "./read-options.ts";
import { parseTimestampText } from "./timestamp-text.ts";

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
const bucketOf = (bucket: TimelineBucket, time: PgColumn): SQL =>
  sql`date_trunc(${BUCKET_FIELD[bucket]}, ${time}, 'UTC')`;

/** Each state's counter in a rollup row, in JOB_STATES order: the order of a point's counts. */
const h = botJobHourly;
const STATE_COUNTERS: Record<JobState, PgColumn> = {
  queued: h.queuedJobs,
  running: h.runningJobs,
  succeeded: h.succeededJobs,
  failed: h.failedJobs,
  canceled: h.canceledJobs,
};

/** The order `bot_id COLLATE "C"`, then the state names' bytes: ASCII, so JavaScript agrees. */
const STATE_INDEXES_IN_BYTE_ORDER = [...JOB_STATES]
  .sort()
  .map((state) => [state, JOB_STATES.indexOf(state)] as const);

/** One bucket of one bot: its start in epoch milliseconds, the bot, then a count per state. */
type CountedBucket = [bucketStartMs: number, botId: string, ...counts: number[]];
/** Where a bucket's counts start, in JOB_STATES order. */
const COUNTS_FROM = 2;

/**
 * Jobs per hour or day, per bot and state, for jobs accepted in [from, to), ordered by bucket,
 * bot and state; only combinations with at least one job appear. Buckets are UTC.
 *
 * Each part of the range is read where it costs least. The whole UTC hours inside it are summed
 * from `bot_job_hourly`, which the triggers keep equal to `jobs`: one row per bot and hour, never
 * more rows than the jobs they count (a quarter's day buckets at 1M jobs: 108,000 rows instead of
 * 1,000,000). What is left at either end, less than an hour each, and a range shorter than a whole
 * hour, is counted from `jobs` through its `accepted_at` index. Where the rollup is read, the
 * points come back as one JSON value rather than one row each: PGlite hands every row across its
 * WebAssembly boundary one value at a time, and at a few thousand points that, not the query, was
 * most of the read. A range without a whole hour, or one expected to hold few jobs (sparse data,
 * a short range: `holdsFewJobs`), is counted from `jobs` alone, as rows: there the rollup saves
 * nothing, and plain rows cost less than its statement and JSON (BENCHMARKS.md, "Full run of
 * 2026-12-02, morning" and "Sparse ranges read `jobs`").
 */
export function getJobTimeSeries(
  db: AuditDb,
  options: JobTimeSeriesOptions,
): Promise<JobTimeSeriesPoint[]> {
  return countJobTimeSeries(db, options, "cheaper");
}

/**
 * Where a series' whole hours are counted: the cheaper place by the statistics, or one of them
 * whatever they say (the tests, which must read each, and the benchmark).
 */
export type TimeSeriesSource = "cheaper" | "rollup" | "jobs";

/** `getJobTimeSeries`, its whole hours counted from `source`. */
export async function countJobTimeSeries(
  db: AuditDb,
  options: JobTimeSeriesOptions,
  source: TimeSeriesSource,
): Promise<JobTimeSeriesPoint[]> {
  const timeline = parseOptions(timelineOptionsSchema, options);
  return withDatabaseErrors(async () => {
    const hours = wholeHoursWithin(timeline.from, timeline.to);
    if (!hours || source === "jobs" || (source === "cheaper" && (await holdsFewJobs(db, timeline))))
      return countJobsInTable(db, timeline);
    const [row] = await queryRows<{ series: string }>(db, timeSeriesStatement(timeline, hours));
    return pointsOfBuckets(JSON.parse(row?.series ?? "[]") as CountedBucket[]);
  });
}

/**
 * The points of the buckets, in order of bucket, bot (bytewise) and state. The buckets are put in
 * order here, not by an ORDER BY in the aggregate: a sort inside json_agg cost more than the rest
 * of the statement (1.1 of 3.5 ms for the last 24 hours at 250,000 jobs), and plain loops, not
 * flatMap over destructured arrays, since this runs once per point (0.45 against 1.6 ms there).
 */
function pointsOfBuckets(buckets: CountedBucket[]): JobTimeSeriesPoint[] {
  buckets.sort((a, b) => a[0] - b[0] || compareBytewise(a[1], b[1]));
  const points: JobTimeSeriesPoint[] = [];
  for (const bucket of buckets) {
    const [bucketStartMs, botId] = bucket;
    for (const [state, index] of STATE_INDEXES_IN_BYTE_ORDER) {
      const jobs = bucket[COUNTS_FROM + index] as number;
      if (jobs > 0) points.push({ bucketStart: new Date(bucketStartMs), botId, state, jobs });
    }
  }
  return points;
}

/** Rows of one bot (or of every bot) whose time is in [from, to). */
const ofBotWithin = (
  botColumn: PgColumn,
  timeColumn: PgColumn,
  botId: string | undefined,
  range: { from: Date; to: Date },
): SQL | undefined =>
  and(
    botId === undefined ? undefined : eq(botColumn, botId),
    ...rangeConditions(timeColumn, range),
  );

/** A point counted from `jobs`, as the drivers hand it over. */
type CountedRow = [bucketStart: string, botId: string, state: JobState, jobs: number];

/**
 * The points of a range counted from `jobs`, as rows: a range without a whole hour inside, or one
 * with few jobs. The statement is prepared (`preparedRead`); a bucket comes back as text, as the
 * server prints a timestamptz, which `parseTimestampText` reads once per bucket (its epoch as a
 * number would be a numeric EXTRACT per point), and the points are put in order here: few of them,
 * where an ORDER BY was a sort node of its own. At 1M jobs, the last 20 minutes took 1.6 ms this
 * way where the same GROUP BY sent as text took 2.2 ms.
 */
async function countJobsInTable(
  db: AuditDb,
  { bucket, from, to, botId }: Timeline,
): Promise<JobTimeSeriesPoint[]> {
  const byBot = botId !== undefined;
  const read = preparedRead(
    db,
    `job_time_series_within_hours_${bucket}${byBot ? "_bot" : ""}`,
    () => sql`SELECT ${bucketOf(bucket, jobs.acceptedAt)}::text, ${jobs.botId}, ${jobs.state},
          count(*)::integer
        FROM ${jobs}
        WHERE ${and(
          byBot ? eq(jobs.botId, sql.placeholder("botId")) : undefined,
          sql`${jobs.acceptedAt} >= ${sql.placeholder("from")}`,
          sql`${jobs.acceptedAt} < ${sql.placeholder("to")}`,
        )}
        GROUP BY 1, 2, 3`,
    // The edge of the driver: the rows are what the statement selects, in its order.
    (rows) => rows as CountedRow[],
  );
  const rows = await read.execute({ botId, from: from.toISOString(), to: to.toISOString() });
  const bucketStarts = new Map<string, number>();
  const points = rows.map(([bucketText, botId, state, count]) => {
    let startMs = bucketStarts.get(bucketText);
    if (startMs === undefined) {
      startMs = parseTimestampText(bucketText).epochMs;
      bucketStarts.set(bucketText, startMs);
    }
    return { startMs, point: { bucketStart: new Date(startMs), botId, state, jobs: count } };
  });
  return points
    .sort(
      (a, b) =>
        a.startMs - b.startMs ||
        compareBytewise(a.point.botId, b.point.botId) ||
        compareBytewise(a.point.state, b.point.state),
    )
    .map(({ point }) => point);
}

/** The whole hours from the rollup, the edges from `jobs`, as one JSON array of buckets. */
function timeSeriesStatement(
  { bucket, from, to, botId }: Timeline,
  hours: { from: Date; to: Date },
): SQL {
  // Hour buckets: each row of the rollup is a bucket of a bot already, and the edges' hours lie
  // outside the rollup's, so every bucket comes from one part and nothing needs summing.
  const rowIsBucket = bucket === "hour";
  const parts: SQL[] = [];
  const counters = JOB_STATES.map((state) =>
    rowIsBucket ? STATE_COUNTERS[state] : sql`sum(${STATE_COUNTERS[state]})::integer`,
  );
  // An hour of the rollup is the start of its own hour bucket already: no date_trunc per row.
  const rollupBucket = rowIsBucket ? sql`${h.hour}` : bucketOf(bucket, h.hour);
  parts.push(sql`SELECT ${rollupBucket} AS bucket, ${h.botId} AS bot_id,
      ${sql.join(counters, sql`, `)}
    FROM ${h}
    WHERE ${ofBotWithin(h.botId, h.hour, botId, hours)}
    ${rowIsBucket ? sql.empty() : sql`GROUP BY 1, 2`}`);
  const edges = [
    { from, to: hours.from },
    { from: hours.to, to },
  ].filter((edge) => edge.from < edge.to);
  // Each edge its own part, a plain range of the accepted_at index: one OR of two ranges was read
  // by PostgreSQL with a scan of the whole table (24 ms against 7 ms at 1M jobs, measured).
  const counts = JOB_STATES.map(
    (state) => sql`(count(*) FILTER (WHERE ${jobs.state} = ${state}))::integer`,
  );
  for (const edge of edges) {
    parts.push(sql`SELECT ${bucketOf(bucket, jobs.acceptedAt)} AS bucket, ${jobs.botId} AS bot_id,
        ${sql.join(counts, sql`, `)}
      FROM ${jobs}
      WHERE ${ofBotWithin(jobs.botId, jobs.acceptedAt, botId, edge)}
      GROUP BY 1, 2`);
  }
  const columns = JOB_STATES.map((_, index) => sql.raw(`c${index}`));
  const named = sql`counted (bucket, bot_id, ${sql.join(columns, sql`, `)})`;
  // A day's bucket can hold rollup hours and an edge: then the parts are summed per bucket and
  // bot. An hour's gets its counts from one part only (at 250,000 jobs, the 24 hours from :30 took
  // 8.5 ms with the sum, against 7.1 ms for the plain GROUP BY).
  const merged =
    parts.length === 1 || rowIsBucket
      ? sql`(${sql.join(parts, sql` UNION ALL `)}) AS ${named}`
      : sql`(SELECT bucket, bot_id, ${sql.join(
          columns.map((column) => sql`sum(${column})::integer`),
          sql`, `,
        )}
          FROM (${sql.join(parts, sql` UNION ALL `)}) AS parts (bucket, bot_id, ${sql.join(columns, sql`, `)})
          GROUP BY 1, 2) AS ${named}`;
  // Epoch milliseconds, not timestamps: a bucket start is a whole hour, exact in a double, and
  // no time zone or date format of the session comes into it. date_part's float8, not extract's
  // numeric, which cost a numeric multiplication and cast per bucket. Unordered: see
  // pointsOfBuckets.
  return sql`SELECT coalesce(json_agg(json_build_array(
      (date_part('epoch', bucket) * 1000)::bigint, bot_id, ${sql.join(columns, sql`, `)})),
      '[]')::text AS series
    FROM ${merged}`;
}
