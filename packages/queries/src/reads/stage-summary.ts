import type { AuditDb } from "@forusbots/db";
import { jobStages, jobs } from "@forusbots/db/schema";
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { withDatabaseErrors } from "../errors.ts";
import { stageNameSchema } from "../events/fields.ts";
import { parseWith } from "../events/parse.ts";
import {
  byteOrder,
  RANGE_ORDER_ISSUE,
  rangeConditions,
  rangeIsOrdered,
  rangeShape,
} from "./filters.ts";

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
  .refine(rangeIsOrdered, RANGE_ORDER_ISSUE);

export type StageSummaryFilter = z.input<typeof stageSummaryFilterSchema>;

const percentile = (fraction: number) =>
  sql<
    number | null
  >`(percentile_cont(${sql.raw(String(fraction))}) WITHIN GROUP (ORDER BY ${jobStages.durationMs}))::double precision`.mapWith(
    Number,
  );

/** Per stage name, ordered by name. Percentiles interpolate (percentile_cont) over duration_ms. */
export async function getStageSummary(
  db: AuditDb,
  filter: StageSummaryFilter = {},
): Promise<StageSummary[]> {
  const { botId, stageName, ...range } = parseWith(stageSummaryFilterSchema, filter);
  return withDatabaseErrors(() =>
    db
      .select({
        stageName: jobStages.stageName,
        totalRuns: sql<number>`count(*)::integer`.mapWith(Number),
        failedRuns:
          sql<number>`(count(*) FILTER (WHERE ${jobStages.status} = 'fail'))::integer`.mapWith(
            Number,
          ),
        avgDurationMs: sql<number | null>`(avg(${jobStages.durationMs}))::double precision`.mapWith(
          Number,
        ),
        p50DurationMs: percentile(0.5),
        p95DurationMs: percentile(0.95),
      })
      .from(jobStages)
      .where(
        and(
          stageName === undefined ? undefined : eq(jobStages.stageName, stageName),
          botId === undefined
            ? undefined
            : inArray(
                jobStages.jobId,
                db.select({ jobId: jobs.jobId }).from(jobs).where(eq(jobs.botId, botId)),
              ),
          ...rangeConditions(jobStages.startedAt, range),
        ),
      )
      .groupBy(jobStages.stageName)
      .orderBy(byteOrder(jobStages.stageName)),
  );
}
