/** Options of the aggregate reads. */
export interface ReadOptions {
  /**
   * Compute p50/p95 (default true). They need every duration in range, sorted, while the other
   * figures come from the rollups: leave them out where they are not shown.
   */
  percentiles?: boolean;
}

const HOUR_MS = 3_600_000;

/** Open, or on a whole UTC hour: a bound the hourly rollup can answer exactly. */
export const isWholeHour = (bound: Date | undefined): boolean =>
  bound === undefined || bound.getTime() % HOUR_MS === 0;
