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
import { bytewiseRanks, RANGE_ORDER_ISSUE, rangeConditions } from "./filters.ts";
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

/** The fixed SQL literal of a bucket's width, chosen from this map, never from the caller's text. */
const BUCKET_WIDTH: Record<TimelineBucket, ReturnType<typeof sql.raw>> = {
  hour: sql.raw("interval '1 hour'"),
  day: sql.raw("interval '1 day'"),
};

/**
 * A UTC midnight before every storable time (STORABLE_YEARS starts at year 1), from which the
 * buckets are counted. Its offset is written out, so the session's time zone does not move it.
 */
const BUCKETS_ORIGIN = sql.raw("timestamptz '0001-01-01 00:00:00+00'");

/**
 * The UTC bucket of a time: the start of its UTC hour or day, as date_trunc(…, 'UTC') gives it
 * (date_trunc without a zone would follow the session's, which differs between PGlite and a
 * PostgreSQL server). date_bin counts whole widths of microseconds from a UTC midnight, which
 * lands on the same instants, but without looking the zone up for every row: date_trunc with a
 * zone was half of a day-bucket series' statement (11 of 21 ms over 9,636 rollup rows, against
 * 2.4 ms with date_bin; BENCHMARKS.md). The buckets are checked against UTC hours and days worked
 * out by hand: under sessions in other zones (time-zones.test.ts) and from year 1 to 9999
 * (job-time-series.test.ts).
 */
const bucketOf = (bucket: TimelineBucket, time: PgColumn): SQL =>
  sql`date_bin(${BUCKET_WIDTH[bucket]}, ${time}, ${BUCKETS_ORIGIN})`;

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

/** Each state's place in byte order: the order of a bucket's points. */
const STATE_RANKS = Object.fromEntries(
  STATE_INDEXES_IN_BYTE_ORDER.map(([state], rank) => [state, rank]),
) as Record<JobState, number>;

/**
 * The buckets of a series as the rollup's statement hands them over, a column each: their starts
 * in epoch milliseconds, their bots, then a column of counts per state in JOB_STATES order. Null
 * for a series without a bucket (json_agg of no rows).
 */
type BucketColumns = [
  bucketStartsMs: number[] | null,
  botIds: string[] | null,
  ...counts: (number[] | null)[],
];

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
    return pointsOfBuckets(JSON.parse(row?.series ?? "[]") as BucketColumns);
  });
}

/**
 * The points of the buckets, in order of bucket, bot (bytewise) and state. The buckets are put in
 * order here, not by an ORDER BY in the aggregate: a sort inside json_agg cost more than the rest
 * of the statement (1.1 of 3.5 ms for the last 24 hours at 250,000 jobs); by the bots' ranks, not
 * their names (`bytewiseRanks`); and with plain loops, since this runs once per point.
 */
function pointsOfBuckets([starts, botIds, ...counts]: BucketColumns): JobTimeSeriesPoint[] {
  if (!starts || !botIds) return [];
  const botRanks = bytewiseRanks(botIds);
  const ranks = botIds.map((botId) => botRanks.get(botId) ?? 0);
  const order = starts.map((_, bucket) => bucket);
  order.sort(
    (a, b) =>
      (starts[a] as number) - (starts[b] as number) || (ranks[a] as number) - (ranks[b] as number),
  );
  const points: JobTimeSeriesPoint[] = [];
  for (const bucket of order) {
    const bucketStart = starts[bucket] as number;
    const botId = botIds[bucket] as string;
    for (const [state, index] of STATE_INDEXES_IN_BYTE_ORDER) {
      const jobs = counts[index]?.[bucket] ?? 0;
      if (jobs > 0) points.push({ bucketStart: new Date(bucketStart), botId, state, jobs });
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
  const botRanks = bytewiseRanks(rows.map((row) => row[1]));
  const points = rows.map(([bucketText, botId, state, count]) => {
    let startMs = bucketStarts.get(bucketText);
    if (startMs === undefined) {
      startMs = parseTimestampText(bucketText).epochMs;
      bucketStarts.set(bucketText, startMs);
    }
    return {
      startMs,
      botRank: botRanks.get(botId) ?? 0,
      stateRank: STATE_RANKS[state],
      point: { bucketStart: new Date(startMs), botId, state, jobs: count },
    };
  });
  return points
    .sort((a, b) => a.startMs - b.startMs || a.botRank - b.botRank || a.stateRank - b.stateRank)
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
  // numeric, which cost a numeric multiplication and cast per bucket. A JSON array per column,
  // not one per bucket: 4,000 buckets parsed as seven arrays rather than 4,000 cost 4 ms less
  // (BENCHMARKS.md). The aggregates of one query see its rows in one order, so the columns line
  // up. Unordered: see pointsOfBuckets.
  return sql`SELECT json_build_array(
      json_agg((date_part('epoch', bucket) * 1000)::bigint), json_agg(bot_id),
      ${sql.join(
        columns.map((column) => sql`json_agg(${column})`),
        sql`, `,
      )})::text AS series
    FROM ${merged}`;
}
