import { listBucketStarts, MAX_PERCENTILE_RANGE_DAYS } from "@forusbots/queries/contract";

/**
 * The range the bots page shows, as whole UTC days with both ends included, as a person picks
 * them. The API takes a half-open range, so `to` goes over as the day after.
 */
export interface DayRange {
  from: string;
  to: string;
}

export const RANGE_PRESETS = [7, 30, 90] as const;
export const DEFAULT_PRESET = 30;
/**
 * A year, leap day included: as far as a chart of days stays readable, and as far as the API
 * computes p50/p95 (its cap, MAX_PERCENTILE_RANGE_DAYS); within what the API's series takes
 * (MAX_TIMELINE_BUCKETS days), which date-range.test.ts checks.
 */
export const MAX_RANGE_DAYS = MAX_PERCENTILE_RANGE_DAYS;

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const dayOf = (instant: Date): string => instant.toISOString().slice(0, 10);
const instantOf = (day: string): Date => new Date(`${day}T00:00:00Z`);

export function addDays(day: string, days: number): string {
  return dayOf(new Date(instantOf(day).getTime() + days * DAY_MS));
}

export function presetRange(days: number, today: Date): DayRange {
  const to = dayOf(today);
  return { from: addDays(to, 1 - days), to };
}

export function dayCount(range: DayRange): number {
  return Math.round((instantOf(range.to).getTime() - instantOf(range.from).getTime()) / DAY_MS) + 1;
}

const isDay = (text: string | null): text is string =>
  text !== null && DAY.test(text) && !Number.isNaN(instantOf(text).getTime());

/** The range in the URL; undefined when it is missing, malformed or too long (the default's). */
export function rangeInSearch(search: URLSearchParams): DayRange | undefined {
  const from = search.get("from");
  const to = search.get("to");
  if (isDay(from) && isDay(to) && from <= to) {
    const range = { from, to };
    if (dayCount(range) <= MAX_RANGE_DAYS) return range;
  }
  return undefined;
}

/** A page's range when the URL names none, and, when it is not the usual one, why. */
export interface DefaultRange {
  range: DayRange;
  /** Set when the last 30 days hold no job and the range is the span of the data instead. */
  spanOfData: boolean;
}

/**
 * The last 30 days; but when the newest job is older than that, the days from the first job to
 * the last (at most MAX_RANGE_DAYS, ending on the last), so that a database of old jobs opens on
 * its jobs rather than on "nothing in this range". `span` is the first and last acceptance.
 */
export function defaultRange(
  span: { first: string | null; last: string | null },
  today: Date,
): DefaultRange {
  const usual = presetRange(DEFAULT_PRESET, today);
  if (span.first === null || span.last === null) return { range: usual, spanOfData: false };
  const last = dayOf(new Date(span.last));
  if (last >= usual.from) return { range: usual, spanOfData: false };
  const first = dayOf(new Date(span.first));
  const earliest = addDays(last, 1 - MAX_RANGE_DAYS);
  const from = [first, earliest].sort().at(-1) ?? first;
  return { range: { from, to: last }, spanOfData: true };
}

/** Which preset a range is, if it is one ending today. */
export function presetOf(range: DayRange, today: Date): number | undefined {
  return RANGE_PRESETS.find((days) => {
    const preset = presetRange(days, today);
    return preset.from === range.from && preset.to === range.to;
  });
}

/** The 30 days (the default preset) ending on the day of `instant`. */
export const rangeEndingOn = (instant: Date): DayRange => presetRange(DEFAULT_PRESET, instant);

export function apiRange(range: DayRange): { from: string; to: string } {
  return { from: range.from, to: addDays(range.to, 1) };
}

/** Every day of the range, as the buckets of the API's day series. */
export function daysOf(range: DayRange): string[] {
  return listBucketStarts("day", instantOf(range.from), instantOf(addDays(range.to, 1))).map(dayOf);
}
