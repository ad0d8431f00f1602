/** How values look in the human tables; `--json` prints them unformatted. */

/** `2026-03-01 12:00:05Z`: sortable, unambiguous, one column wide. */
export function formatTimestamp(value: Date | null | undefined): string {
  if (!value) return "-";
  return value
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, "Z");
}

/** A count of seconds as `42.5s`, `3m 02s` or `2h 05m`. */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "-";
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)}s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, "0")}s`;
  const minutes = Math.floor(whole / 60);
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}

export function formatMilliseconds(milliseconds: number | null | undefined): string {
  if (milliseconds === null || milliseconds === undefined) return "-";
  if (milliseconds < 1000) return `${Math.round(milliseconds)}ms`;
  return formatSeconds(milliseconds / 1000);
}

/** A percentage (0–100, as the metrics view computes it) with one decimal. */
export function formatPercent(percent: number | null | undefined): string {
  if (percent === null || percent === undefined) return "-";
  return `${percent.toFixed(1)}%`;
}

export function formatCount(count: number): string {
  return count.toLocaleString("en-US");
}
