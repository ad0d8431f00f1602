import type { AuditDb } from "@forusbots/db";
import { percentileOf } from "@forusbots/db/metric-sql";
import { botJobTotals, jobStages, jobs, stageTotals } from "@forusbots/db/schema";
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
 * p50 and p95 of every key of a rollup (a bot of `bot_job_totals`, a stage of `stage_totals`),
 * over all time, read through the `(key, duration_ms)` index: `counts` gives each key and how many
 * of its rows have a duration, `valueColumn`/`keyColumn` the base table's columns.
 */
async function readIndexedPercentiles(
  db: AuditDb,
  counts: { table: SQL; key: SQL; count: SQL; where: SQL | undefined },
  base: { table: SQL; key: PgColumn; value: PgColumn },
): Promise<Map<string, DurationPercentiles>> {
  const walk = (direction: SQL, offset: SQL, limit: SQL) =>
    sql`ARRAY(SELECT ${base.value} FROM ${base.table}
      WHERE ${base.key} = ${counts.key} AND ${base.value} IS NOT NULL
      ORDER BY ${base.value} ${direction} OFFSET ${offset} LIMIT ${limit})`;
  const p50 = neighbourValues(FRACTIONS.p50, counts.count, walk);
  const p95 = neighbourValues(FRACTIONS.p95, counts.count, walk);
  const rows = await queryRows<NeighbourRow>(
    db,
    sql`
    SELECT ${counts.key} AS key, ${counts.count}::integer AS count,
           ${p50.upward} AS p50_up, ${p50.downward} AS p50_down,
           ${p95.upward} AS p95_up, ${p95.downward} AS p95_down
    FROM ${counts.table}
    WHERE ${counts.count} > 0 ${counts.where === undefined ? sql`` : sql`AND ${counts.where}`}`,
  );
  const result = new Map<string, DurationPercentiles>();
  for (const row of rows) {
    result.set(row.key, { p50: percentileFrom(row, "p50"), p95: percentileFrom(row, "p95") });
  }
  return result;
}

/** Each bot's (or one bot's) p50 and p95 of `jobs.duration_ms` over all time. */
export const readBotPercentilesAllTime = (db: AuditDb, botId: string | undefined) =>
  readIndexedPercentiles(
    db,
    {
      table: sql`${botJobTotals}`,
      key: sql`${botJobTotals}.${sql.identifier(botJobTotals.botId.name)}`,
      count: sql`${botJobTotals}.${sql.identifier(botJobTotals.timedJobs.name)}`,
      where: botId === undefined ? undefined : sql`${botJobTotals}.bot_id = ${botId}`,
    },
    { table: sql`${jobs}`, key: jobs.botId, value: jobs.durationMs },
  );

/** Each stage's (or one stage's) p50 and p95 of `job_stages.duration_ms` over all time. */
export const readStagePercentilesAllTime = (db: AuditDb, stageName: string | undefined) =>
  readIndexedPercentiles(
    db,
    {
      table: sql`${stageTotals}`,
      key: sql`${stageTotals}.${sql.identifier(stageTotals.stageName.name)}`,
      count: sql`${stageTotals}.${sql.identifier(stageTotals.timedRuns.name)}`,
      where: stageName === undefined ? undefined : sql`${stageTotals}.stage_name = ${stageName}`,
    },
    { table: sql`${jobStages}`, key: jobStages.stageName, value: jobStages.durationMs },
  );
