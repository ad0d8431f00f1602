/**
 * Percentiles (p50, p95) sort every duration of their range: unlike the counts, which the rollups
 * answer in a few rows whatever the range, their cost grows with the jobs in it. A service that
 * answers requests (the console) computes them over a closed range of at most this many days —
 * a year, leap day included, the longest range the console's page offers — and leaves them out
 * otherwise, saying why. At the benchmark's rate (11,000 jobs a day) a year is four million
 * durations; the statement timeout stops anything heavier.
 */
export const MAX_PERCENTILE_RANGE_DAYS = 366;

const DAY_MS = 86_400_000;

/** Why percentiles are not computed over [from, to), or undefined when they may be. */
export function percentileRangeProblem(range: { from?: Date; to?: Date }): string | undefined {
  const { from, to } = range;
  if (from === undefined || to === undefined) {
    return `p50 and p95 need a range (from and to) of at most ${MAX_PERCENTILE_RANGE_DAYS} days`;
  }
  const days = (to.getTime() - from.getTime()) / DAY_MS;
  return days > MAX_PERCENTILE_RANGE_DAYS
    ? `p50 and p95 are computed over at most ${MAX_PERCENTILE_RANGE_DAYS} days (this range spans ${Math.ceil(days)})`
    : undefined;
}
