/** Options of the aggregate reads. */
export interface ReadOptions {
  /**
   * Compute p50/p95 (default true). They need every duration in range, sorted, while the other
   * figures come from the rollups: leave them out where they are not shown.
   */
  percentiles?: boolean;
}

export const HOUR_MS = 3_600_000;

const isWholeHour = (bound: Date | undefined): boolean =>
  bound === undefined || bound.getTime() % HOUR_MS === 0;

/** Each bound open or on a whole UTC hour: a range the hourly rollup answers exactly. */
export const isOnWholeHours = (range: { from?: Date; to?: Date }): boolean =>
  isWholeHour(range.from) && isWholeHour(range.to);

/** The whole UTC hours inside [from, to): the part of a range the hourly rollup answers. */
export function wholeHoursWithin(from: Date, to: Date): { from: Date; to: Date } | undefined {
  const first = Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS;
  const end = Math.floor(to.getTime() / HOUR_MS) * HOUR_MS;
  return first < end ? { from: new Date(first), to: new Date(end) } : undefined;
}
