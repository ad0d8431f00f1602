import type { DatabaseHandle } from "@forusbots/db";
import { sql } from "drizzle-orm";
import { percentileReadCases } from "./percentile-read-cases.ts";
import { type ReadCase, readCases } from "./read-cases.ts";
import { type Timing, timeRuns } from "./timing.ts";

export interface ReadFigures {
  key: string;
  label: string;
  timing: Timing;
  baselineLabel: string;
  baseline: Timing;
  view: { label: string; timing: Timing } | null;
}

/** Jobs the one-job read cycles through: 64 ids spread over the table. */
const SAMPLE_JOBS = 64;

export async function measureReads(
  handle: DatabaseHandle,
  days: number,
  runs: number,
): Promise<ReadFigures[]> {
  // Random UUIDs: the first ids in key order are jobs from all over the data set.
  const ids = await handle.query<{ job_id: string }>(
    sql`SELECT job_id FROM jobs ORDER BY job_id LIMIT ${SAMPLE_JOBS}`,
  );
  return measureReadCases(
    [
      ...readCases(
        handle,
        days,
        ids.map((row) => row.job_id),
      ),
      ...percentileReadCases(handle),
    ],
    runs,
  );
}

/** Each read `runs` times, then its baseline and its view as many times. */
export async function measureReadCases(reads: ReadCase[], runs: number): Promise<ReadFigures[]> {
  const figures: ReadFigures[] = [];
  for (const read of reads) {
    figures.push({
      key: read.key,
      label: read.label,
      timing: await timeRuns(runs, read.read),
      baselineLabel: read.baselineLabel,
      baseline: await timeRuns(runs, read.baseline),
      view: read.view
        ? { label: read.view.label, timing: await timeRuns(runs, read.view.read) }
        : null,
    });
  }
  return figures;
}
