/**
 * How figures read on the page. Times are shown in UTC, the zone the series are bucketed in, so a
 * bar labelled 2 Mar counts exactly the jobs whose time reads 2 Mar.
 */

const NO_VALUE = "—";

export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

/** `rate` is a percentage (0–100), as the metrics view computes it. */
export function formatPercent(rate: number | null): string {
  return rate === null ? NO_VALUE : `${rate.toFixed(1)}%`;
}

export function formatMilliseconds(ms: number | null): string {
  if (ms === null) return NO_VALUE;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1_000);
  if (totalSeconds < 3_600) {
    return `${Math.floor(totalSeconds / 60)} min ${totalSeconds % 60} s`;
  }
  const totalMinutes = Math.round(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)} h ${totalMinutes % 60} min`;
}

/** Axis ticks: short and round ("0", "500 ms", "15 s", "90 s"), one unit per axis reads best. */
export function formatAxisMilliseconds(ms: number): string {
  if (ms === 0) return "0";
  if (Math.abs(ms) < 1_000) return `${Math.round(ms)} ms`;
  return `${Number((ms / 1_000).toFixed(1))} s`;
}

export function formatSeconds(seconds: number | null): string {
  return seconds === null ? NO_VALUE : formatMilliseconds(seconds * 1_000);
}

const timestampFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

const dayFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  day: "numeric",
  month: "short",
});

/** "2 Mar 2026, 10:15:00 UTC" */
export function formatTimestamp(iso: string | null): string {
  return iso === null ? NO_VALUE : `${timestampFormat.format(new Date(iso))} UTC`;
}

/** "2 Mar", for chart axes; `day` is YYYY-MM-DD. */
export function formatDay(day: string): string {
  return dayFormat.format(new Date(`${day}T00:00:00Z`));
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** "1 stage", "2 stages", "1,204 jobs": the count with its noun in the right number. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${formatCount(count)} ${count === 1 ? noun : nouns}`;
}
