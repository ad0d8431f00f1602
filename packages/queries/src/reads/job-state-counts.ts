import type { AuditDb } from "@forusbots/db";
import { JOB_STATES, type JobState, jobs } from "@forusbots/db/schema";
import { and, count, eq } from "drizzle-orm";
import { withDatabaseErrors } from "../errors.ts";
import { parseOptions } from "../events/parse.ts";
import { type RangeFilter, rangeConditions, rangeFilterSchema } from "./filters.ts";

/** How many jobs are in each state, every state present (0 when none). */
export type JobStateCounts = Record<JobState, number>;

/**
 * Jobs accepted in [from, to) per state, for one bot or all: the counts above a list of jobs.
 * Read from `jobs`, not the hourly rollup, because the range may cut an hour and a job's state
 * changes under the rollup's hour as it runs; the (bot_id, state, accepted_at) index answers it.
 */
export async function countJobsByState(
  db: AuditDb,
  filter: RangeFilter = {},
): Promise<JobStateCounts> {
  const { botId, ...range } = parseOptions(rangeFilterSchema, filter);
  const rows = await withDatabaseErrors(() =>
    db
      .select({ state: jobs.state, jobs: count() })
      .from(jobs)
      .where(
        and(
          botId === undefined ? undefined : eq(jobs.botId, botId),
          ...rangeConditions(jobs.acceptedAt, range),
        ),
      )
      .groupBy(jobs.state),
  );
  const counts = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as JobStateCounts;
  for (const row of rows) counts[row.state] = row.jobs;
  return counts;
}
