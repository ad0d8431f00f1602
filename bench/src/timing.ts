/** p50 and p95 of repeated runs, in milliseconds. */
export interface Timing {
  p50: number;
  p95: number;
  runs: number;
}

/**
 * The value below which `fraction` of the samples fall, interpolated between the two nearest
 * ranks: the definition of PostgreSQL's percentile_cont, so the bench's percentiles read like
 * the database's.
 */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) throw new RangeError("percentile of no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = fraction * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const low = sorted[lower] ?? 0;
  const high = sorted[upper] ?? low;
  return low + (high - low) * (rank - lower);
}

export function summarize(samples: readonly number[]): Timing {
  return { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95), runs: samples.length };
}

/**
 * Runs `work` twice unmeasured (plans cached, pages in memory, as in a running service), then
 * `runs` times measured. `work` gets the run number, to vary its argument.
 */
export async function timeRuns(
  runs: number,
  work: (run: number) => Promise<unknown>,
): Promise<Timing> {
  for (let warm = 0; warm < 2; warm++) await work(warm);
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await work(run);
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}
