import type { AuditDb } from "@forusbots/db";
import { plainStageSummaryColumns } from "@forusbots/db/metric-sql";
import { jobStageSummary, jobStages, jobs } from "@forusbots/db/schema";
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { isOrderedRange } from "../contract/index.ts";
import { withDatabaseErrors } from "../errors.ts";
import { stageNameSchema } from "../events/fields.ts";
import { parseOptions } from "../events/parse.ts";
import {
  type DurationPercentiles,
  readStagePercentilesAllTime,
  sortedPercentileColumns,
} from "./duration-percentiles.ts";
import { byteOrder, RANGE_ORDER_ISSUE, rangeConditions, rangeShape } from "./filters.ts";
import type { ReadOptions } from "./read-options.ts";
import { nullableNumber } from "./sql-numbers.ts";

/** One stage name's figures: the `job_stage_summary` view's columns, plus p50 and p95. */
export interface StageSummary {
  stageName: string;
  totalRuns: number;
  failedRuns: number;
  /** Over stages that ended (duration_ms is NULL until then); null when none has. */
  avgDurationMs: number | null;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
}

/**
 * `stageName` keeps one stage; `botId` the stages of that bot's jobs; the range [from, to)
 * applies to the stage's `started_at`.
 */
const stageSummaryFilterSchema = z
  .strictObject({ ...rangeShape, stageName: stageNameSchema.optional() })
  .refine(isOrderedRange, RANGE_ORDER_ISSUE);

export type StageSummaryFilter = z.input<typeof stageSummaryFilterSchema>;

/**
 * Per stage name, ordered by name. Runs, failures and the average come from the
 * `job_stage_summary` view (the `stage_totals` rollup) when no bot or range narrows them, and from
 * `job_stages` otherwise, with the same arithmetic. Percentiles interpolate (percentile_cont) over
 * duration_ms: over all stages' whole history they walk the `(stage_name, duration_ms)` index to
 * the rows they need, counted by `stage_totals` (duration-percentiles.ts); narrowed, they sort the
 * matching durations. Pass `{ percentiles: false }` when they are not shown.
 */
export async function getStageSummary(
  db: AuditDb,
  filter: StageSummaryFilter = {},
  options: ReadOptions = {},
): Promise<StageSummary[]> {
  const parsed = parseOptions(stageSummaryFilterSchema, filter);
  return withDatabaseErrors(async () => {
    const counts = await readCounts(db, parsed);
    if (options.percentiles === false || counts.length === 0) {
      return counts.map((row) => ({ ...row, p50DurationMs: null, p95DurationMs: null }));
    }
    const percentiles =
      parsed.botId === undefined && parsed.from === undefined && parsed.to === undefined
        ? await readStagePercentilesAllTime(db, parsed.stageName)
        : await readPercentiles(db, parsed);
    return counts.map((row) => ({
      ...row,
      p50DurationMs: percentiles.get(row.stageName)?.p50 ?? null,
      p95DurationMs: percentiles.get(row.stageName)?.p95 ?? null,
    }));
  });
}

type ParsedFilter = z.output<typeof stageSummaryFilterSchema>;

/** Narrowed by bot or range: the matching durations, sorted (the index walk cannot skip the rest). */
async function readPercentiles(
  db: AuditDb,
  filter: ParsedFilter,
): Promise<Map<string, DurationPercentiles>> {
  const rows = await db
    .select({
      stageName: jobStages.stageName,
      ...sortedPercentileColumns(jobStages.durationMs),
    })
    .from(jobStages)
    .where(and(stageConditions(db, filter), sql`${jobStages.durationMs} IS NOT NULL`))
    .groupBy(jobStages.stageName);
  return new Map(rows.map((row) => [row.stageName, row]));
}
type StageCounts = Omit<StageSummary, "p50DurationMs" | "p95DurationMs">;

function readCounts(db: AuditDb, filter: ParsedFilter): Promise<StageCounts[]> {
  if (filter.botId === undefined && filter.from === undefined && filter.to === undefined) {
    return db
      .select({
        stageName: jobStageSummary.stageName,
        totalRuns: jobStageSummary.totalRuns,
        failedRuns: jobStageSummary.failedRuns,
        avgDurationMs: nullableNumber(sql`${jobStageSummary.avgDurationMs}`),
      })
      .from(jobStageSummary)
      .where(
        filter.stageName === undefined
          ? undefined
          : eq(jobStageSummary.stageName, filter.stageName),
      )
      .orderBy(byteOrder(jobStageSummary.stageName));
  }
  const figures = plainStageSummaryColumns();
  return db
    .select({
      stageName: jobStages.stageName,
      totalRuns: figures.totalRuns.mapWith(Number),
      failedRuns: figures.failedRuns.mapWith(Number),
      avgDurationMs: nullableNumber(figures.avgDurationMs),
    })
    .from(jobStages)
    .where(stageConditions(db, filter))
    .groupBy(jobStages.stageName)
    .orderBy(byteOrder(jobStages.stageName));
}

const stageConditions = (db: AuditDb, { botId, stageName, ...range }: ParsedFilter) =>
  and(
    stageName === undefined ? undefined : eq(jobStages.stageName, stageName),
    botId === undefined
      ? undefined
      : inArray(
          jobStages.jobId,
          db.select({ jobId: jobs.jobId }).from(jobs).where(eq(jobs.botId, botId)),
        ),
    ...rangeConditions(jobStages.startedAt, range),
  );
