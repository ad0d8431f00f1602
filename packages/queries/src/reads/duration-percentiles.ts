import type { AuditDb } from "@forusbots/db";
import { percentileOf } from "@forusbots/db/metric-sql";
import {
  botJobTotals,
  jobStages,
  jobs,
  MAX_DURATION_MS,
  stageTotals,
  UNTIMED_STAGE_BUCKET,
} from "@forusbots/db/schema";
import { type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { queryRows } from "../query-rows.ts";
import { nullableNumber } from "./sql-numbers.ts";

/** p50 and p95 of one group's durations, in milliseconds; null when the group has none. */
export interface DurationPercentiles {
  p50: number | null;
  p95: number | null;
}

const FRACTIONS = { p50: 0.5, p95: 0.95 } as const;

/**
 * p50 and p95 of `value` over a group, sorting the group's values (percentile_cont): for reads
 * narrowed by a range or a bot, whose rows the index walk below cannot pick out.
 */
export const sortedPercentileColumns = (value: PgColumn) => ({
  p50: nullableNumber(percentileOf(FRACTIONS.p50, value)),
  p95: nullableNumber(percentileOf(FRACTIONS.p95, value)),
});
type Fraction = keyof typeof FRACTIONS;

/**
 * What percentile_cont(f) over n sorted values interpolates between, computed as PostgreSQL
 * computes it (float8 position f × (n − 1), its floor and ceiling, the lerp of the two values), so
 * that the result is equal to percentile_cont's to the last bit, not approximately.
 */
function interpolate(fraction: number, count: number, low: number, high: number): number {
  const position = fraction * (count - 1);
  return low + (high - low) * (position - Math.floor(position));
}

/**
 * For one fraction, the two neighbouring values (positions floor and ceil of f × (n − 1)) read
 * in order through a `(key, duration_ms)` index, from whichever end of the group is nearer: the
 * index walk stops after the position instead of sorting every duration. The two subqueries are
 * the two directions; the one not taken has LIMIT 0 and reads nothing.
 */
function neighbourValues(
  fraction: number,
  count: SQL,
  walk: (direction: SQL, offset: SQL, limit: SQL) => SQL,
): { upward: SQL; downward: SQL } {
  const f = sql.raw(`${fraction}::float8`);
  const low = sql`floor(${f} * (${count} - 1))::bigint`;
  const high = sql`ceil(${f} * (${count} - 1))::bigint`;
  const fromBottom = sql`${low} <= ${count} - 1 - ${high}`;
  return {
    upward: walk(sql`ASC`, low, sql`CASE WHEN ${fromBottom} THEN 2 ELSE 0 END`),
    downward: walk(
      sql`DESC`,
      sql`${count} - 1 - ${high}`,
      sql`CASE WHEN ${fromBottom} THEN 0 ELSE 2 END`,
    ),
  };
}

interface NeighbourRow extends Record<string, unknown> {
  key: string;
  count: number;
  p50_up: number[];
  p50_down: number[];
  p95_up: number[];
  p95_down: number[];
}

/** The percentile from the values the walk read: ascending [v(low), v(low + 1)] or descending [v(high), v(high − 1)]. */
function percentileFrom(row: NeighbourRow, fraction: Fraction): number {
  const f = FRACTIONS[fraction];
  const position = f * (row.count - 1);
  const sameRow = Math.floor(position) === Math.ceil(position);
  const up = row[`${fraction}_up`];
  const down = row[`${fraction}_down`];
  const [low, high] =
    up.length > 0 ? [up[0], sameRow ? up[0] : up[1]] : [sameRow ? down[0] : down[1], down[0]];
  if (low === undefined || high === undefined) {
    // The count came from the rollup in the same snapshot as the index walk, so the values exist.
    throw new Error(
      `percentile ${fraction} of "${row.key}": the rollup's count and the rows disagree`,
    );
  }
  return interpolate(f, row.count, Number(low), Number(high));
}

/**
 * How the walks are shared among statements sent at once. Each walk is one index scan on one
 * core, and the longest (the median of the busiest bot) is most of the read; on a
 * pool the statements run on as many connections, side by side on the server's cores. PGlite, or
 * a transaction, runs them one after the other, as it would one statement.
 */
export interface WalkSharing {
  /** At most this many statements. */
  statements: number;
  /** Below this many durations in all, one statement: a second round trip would cost more. */
  fromDurations: number;
}

const WALK_SHARING: WalkSharing = { statements: 4, fromDurations: 100_000 };

interface KeyCount extends Record<string, unknown> {
  key: string;
  count: number;
}

/**
 * The keys shared among at most `groups` statements so that each walks about as far: a key's walk
 * is about 0.55 × its count (to its median from the nearer end, and to its 95th percentile from
 * the top), so the largest counts go first, each to the least loaded group.
 */
export function shareWalks(keys: readonly KeyCount[], groups: number): string[][] {
  const shares = Array.from({ length: Math.min(groups, keys.length) }, () => ({
    keys: [] as string[],
    walked: 0,
  }));
  for (const { key, count } of [...keys].sort((a, b) => b.count - a.count)) {
    const lightest = shares.reduce((least, share) => (share.walked < least.walked ? share : least));
    lightest.keys.push(key);
    lightest.walked += count;
  }
  return shares.map((share) => share.keys);
}

/**
 * p50 and p95 of every key of a rollup (a bot of `bot_job_totals`), over all time, read through
 * the `(key, duration_ms)` index: `counts` gives each key and how many of its rows have a
 * duration, `base` the base table and its columns.
 */
async function readIndexedPercentiles(
  db: AuditDb,
  counts: { table: SQL; key: SQL; count: SQL; where: SQL | undefined },
  base: { table: SQL; key: PgColumn; value: PgColumn },
  sharing: WalkSharing,
): Promise<Map<string, DurationPercentiles>> {
  const walk = (direction: SQL, offset: SQL, limit: SQL) =>
    sql`ARRAY(SELECT ${base.value} FROM ${base.table}
      WHERE ${base.key} = ${counts.key} AND ${base.value} IS NOT NULL
      ORDER BY ${base.value} ${direction} OFFSET ${offset} LIMIT ${limit})`;
  const p50 = neighbourValues(FRACTIONS.p50, counts.count, walk);
  const p95 = neighbourValues(FRACTIONS.p95, counts.count, walk);
  const conditions = [sql`${counts.count} > 0`, ...(counts.where ? [counts.where] : [])];
  // Each statement reads its keys' counts again, in the snapshot its walks read: a key's count
  // and its durations always agree, whatever was written between the statements.
  const statement = (only: SQL | undefined) => sql`
    SELECT ${counts.key} AS key, ${counts.count}::integer AS count,
           ${p50.upward} AS p50_up, ${p50.downward} AS p50_down,
           ${p95.upward} AS p95_up, ${p95.downward} AS p95_down
    FROM ${counts.table}
    WHERE ${sql.join(only ? [...conditions, only] : conditions, sql` AND `)}`;
  const keyCounts = await queryRows<KeyCount>(
    db,
    sql`SELECT ${counts.key} AS key, ${counts.count}::integer AS count FROM ${counts.table}
        WHERE ${sql.join(conditions, sql` AND `)}`,
  );
  const durations = keyCounts.reduce((sum, { count }) => sum + count, 0);
  const groups = durations < sharing.fromDurations ? [] : shareWalks(keyCounts, sharing.statements);
  const inGroup = (keys: string[]) =>
    sql`${counts.key} IN (${sql.join(
      keys.map((key) => sql`${key}`),
      sql`, `,
    )})`;
  // The last statement takes every key not given to the others, so a key first written between
  // the count above and the walks is not left out.
  const given = groups.slice(0, -1);
  const filters: (SQL | undefined)[] =
    groups.length <= 1 ? [undefined] : [...given.map(inGroup), sql`NOT (${inGroup(given.flat())})`];
  const rows = (
    await Promise.all(filters.map((only) => queryRows<NeighbourRow>(db, statement(only))))
  ).flat();
  const result = new Map<string, DurationPercentiles>();
  for (const row of rows) {
    result.set(row.key, { p50: percentileFrom(row, "p50"), p95: percentileFrom(row, "p95") });
  }
  return result;
}

/** Each bot's (or one bot's) p50 and p95 of `jobs.duration_ms` over all time. */
export const readBotPercentilesAllTime = (
  db: AuditDb,
  botId: string | undefined,
  sharing: WalkSharing = WALK_SHARING,
) =>
  readIndexedPercentiles(
    db,
    {
      table: sql`${botJobTotals}`,
      key: sql`${botJobTotals}.${sql.identifier(botJobTotals.botId.name)}`,
      count: sql`${botJobTotals}.${sql.identifier(botJobTotals.timedJobs.name)}`,
      where: botId === undefined ? undefined : sql`${botJobTotals}.bot_id = ${botId}`,
    },
    { table: sql`${jobs}`, key: jobs.botId, value: jobs.durationMs },
    sharing,
  );

/**
 * For one fraction of each stage `s` of `bucketed`: the bucket holding position floor(f × (n − 1))
 * (its floor, and how far that position is above it) and the bucket holding ceil(f × (n − 1))
 * (its last possible duration, and how far that position is below it). The runs of the buckets
 * below a floor are exactly the runs shorter than it (rollups.ts), so those distances are
 * positions among the durations at or above the floor, or at or below the top.
 */
const bucketPositions = (fraction: number) => {
  const f = sql.raw(`${fraction}::float8`);
  return sql`(
    SELECT low_bucket.floor_ms AS low_floor, position.low - low_bucket.below AS up_offset,
           high_bucket.top_ms AS high_top,
           high_bucket.below + high_bucket.runs - 1 - position.high AS down_offset
    FROM (SELECT floor(${f} * (s.count - 1))::bigint AS low,
                 ceil(${f} * (s.count - 1))::bigint AS high) AS position
    JOIN bucketed AS low_bucket ON low_bucket.key = s.key
      AND low_bucket.below <= position.low AND position.low < low_bucket.below + low_bucket.runs
    JOIN bucketed AS high_bucket ON high_bucket.key = s.key
      AND high_bucket.below <= position.high AND position.high < high_bucket.below + high_bucket.runs)`;
};

/**
 * Each stage's (or one stage's) p50 and p95 of `job_stages.duration_ms` over all time, from the
 * duration buckets of `stage_totals` (each summed over its slots, rollups.ts): a position is found
 * among the stage's buckets, and the two neighbouring values read through the
 * `(stage_name, duration_ms)` index from the nearer edge of its bucket, ascending from the floor
 * ([v(low), v(low + 1)]) or descending from the top ([v(high), v(high − 1)]). A walk is at most a
 * bucket's runs (under 12.5 % of the durations' range), not half the stage's. One statement: the
 * counts and the walks read the same snapshot.
 */
export async function readStagePercentilesAllTime(
  db: AuditDb,
  stageName: string | undefined,
): Promise<Map<string, DurationPercentiles>> {
  const name = sql.identifier(stageTotals.stageName.name);
  const floor = sql.identifier(stageTotals.durationFloorMs.name);
  const runs = sql.identifier(stageTotals.timedRuns.name);
  const duration = sql.identifier(jobStages.durationMs.name);
  const walks = (fraction: Fraction) => {
    const at = sql.identifier(fraction);
    return sql`
      CASE WHEN ${at}.up_offset <= ${at}.down_offset THEN ARRAY(
        SELECT ${duration} FROM ${jobStages}
        WHERE ${jobStages.stageName} = s.key AND ${duration} >= ${at}.low_floor
        ORDER BY ${duration} ASC OFFSET ${at}.up_offset LIMIT 2) ELSE '{}' END
        AS ${sql.identifier(`${fraction}_up`)},
      CASE WHEN ${at}.up_offset > ${at}.down_offset THEN ARRAY(
        SELECT ${duration} FROM ${jobStages}
        WHERE ${jobStages.stageName} = s.key AND ${duration} <= ${at}.high_top
        ORDER BY ${duration} DESC OFFSET ${at}.down_offset LIMIT 2) ELSE '{}' END
        AS ${sql.identifier(`${fraction}_down`)}`;
  };
  const rows = await queryRows<NeighbourRow>(
    db,
    sql`
      WITH buckets AS (
        SELECT ${name} AS key, ${floor} AS floor_ms, sum(${runs})::bigint AS runs
        FROM ${stageTotals}
        WHERE ${floor} <> ${UNTIMED_STAGE_BUCKET}
          ${stageName === undefined ? sql`` : sql`AND ${name} = ${stageName}`}
        GROUP BY ${name}, ${floor}
        HAVING sum(${runs}) > 0
      ), bucketed AS MATERIALIZED (
        SELECT key, floor_ms, runs, (sum(runs) OVER by_floor - runs)::bigint AS below,
               (sum(runs) OVER (PARTITION BY key))::bigint AS count,
               coalesce(lead(floor_ms) OVER by_floor - 1, ${MAX_DURATION_MS}) AS top_ms
        FROM buckets
        WINDOW by_floor AS (PARTITION BY key ORDER BY floor_ms)
      ), s AS (SELECT DISTINCT key, count FROM bucketed)
      SELECT s.key, s.count::integer AS count, ${walks("p50")}, ${walks("p95")}
      FROM s
      CROSS JOIN LATERAL ${bucketPositions(FRACTIONS.p50)} AS p50
      CROSS JOIN LATERAL ${bucketPositions(FRACTIONS.p95)} AS p95`,
  );
  const result = new Map<string, DurationPercentiles>();
  for (const row of rows) {
    result.set(row.key, { p50: percentileFrom(row, "p50"), p95: percentileFrom(row, "p95") });
  }
  return result;
}
