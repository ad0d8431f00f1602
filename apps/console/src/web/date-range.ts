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

/** The range in the URL, or the default one when it is missing, malformed or too long. */
export function rangeFromSearch(search: URLSearchParams, today: Date): DayRange {
  const from = search.get("from");
  const to = search.get("to");
  if (isDay(from) && isDay(to) && from <= to) {
    const range = { from, to };
    if (dayCount(range) <= MAX_RANGE_DAYS) return range;
  }
  return presetRange(DEFAULT_PRESET, today);
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
