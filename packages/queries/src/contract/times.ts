import { accepted, type Parsed, refused } from "./parsed.ts";

/**
 * The ISO 8601 forms of a point in time, written once for everything that reads one: a date, or a
 * date and a time to the minute, second or fraction of a second, then `Z` or an offset (`+01:00`
 * or `+0100`); `T` and `Z` in either case. Events (the ingest contract) must carry the zone;
 * a person's filter may leave it out, and is then read as UTC.
 */
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$/;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

const isLeapYear = (year: number): boolean =>
  year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

interface IsoTime {
  instant: Date;
  hasTime: boolean;
  hasZone: boolean;
}

/**
 * The instant an ISO text names, a zone-less one taken as UTC; undefined when the text is not one
 * of the forms above or names a day or time that does not exist (30 February, 24:00, 10:60).
 * Built from its fields rather than by `Date`'s parser, which rolls 30 February over into March
 * and reads a zone-less time in the machine's zone. Fractions finer than a millisecond are cut,
 * as `Date` holds milliseconds.
 */
function parseIsoTime(text: string): IsoTime | undefined {
  const match = ISO_TIME.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, z, sign, oh, om] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  const offsetHours = Number(oh ?? 0);
  const offsetMinutes = Number(om ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) {
    return undefined;
  }
  const milliseconds = Number((fraction ?? "").slice(0, 3).padEnd(3, "0"));
  const instant = new Date(0);
  // setUTCFullYear rather than Date.UTC, which reads the years 0 to 99 as 1900 to 1999.
  instant.setUTCFullYear(year, month - 1, day);
  instant.setUTCHours(hour, minute, second, milliseconds);
  const offset = (sign === "-" ? -1 : 1) * (offsetHours * HOUR_MS + offsetMinutes * MINUTE_MS);
  return {
    instant: new Date(instant.getTime() - offset),
    hasTime: h !== undefined,
    hasZone: z !== undefined || sign !== undefined,
  };
}

/**
 * A timestamp that says which instant it is by itself: date, time and zone. What an audit event
 * must carry (a record that depended on the reader's zone would not be a record); undefined for
 * anything else.
 */
export function parseZonedTimestamp(text: string): Date | undefined {
  const parsed = parseIsoTime(text);
  return parsed?.hasTime && parsed.hasZone ? parsed.instant : undefined;
}

/** The years an ISO timestamp can spell, and the ones PostgreSQL can compare and store. */
export const STORABLE_YEARS = { first: 1, last: 9999 } as const;

export const isInStorableYears = (instant: Date): boolean => {
  const year = instant.getUTCFullYear();
  return year >= STORABLE_YEARS.first && year <= STORABLE_YEARS.last;
};

/** Midnight UTC starting the day that holds `instant`. */
export const startOfUtcDay = (instant: Date): Date =>
  new Date(Math.floor(instant.getTime() / DAY_MS) * DAY_MS);

/** Amounts of time ago, by unit: minutes, hours, days and weeks. */
const AGO = /^(\d{1,9})([mhdw])$/i;
const AGO_UNIT_MS: Record<string, number> = { m: MINUTE_MS, h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS };

const NAMED_TIMES: Record<string, (now: Date) => Date> = {
  now: (now) => now,
  today: (now) => startOfUtcDay(now),
  yesterday: (now) => new Date(startOfUtcDay(now).getTime() - DAY_MS),
};

function instantOf(input: string, now: Date): Date | undefined {
  const named = NAMED_TIMES[input.toLowerCase()];
  if (named) return named(now);
  const [, amount, unit] = AGO.exec(input) ?? [];
  const unitMs = AGO_UNIT_MS[unit?.toLowerCase() ?? ""];
  if (amount !== undefined && unitMs !== undefined) {
    return new Date(now.getTime() - Number(amount) * unitMs);
  }
  return parseIsoTime(input)?.instant;
}

/** What a time filter takes, for the messages of whoever reads one (CLI options, API parameters). */
export const TIME_INPUT_EXPECTED =
  "expected a date (2026-03-01), an ISO timestamp (2026-03-01T12:00:00Z, +01:00 or +0100; without a zone, UTC), a time ago (30m, 24h, 7d, 2w), now, today or yesterday";

/**
 * A point in time as a person gives one to a filter (`--from`, `?from=`): an ISO timestamp with
 * or without a zone (without, it is UTC, so a command means the same instant on every machine), a
 * date (midnight UTC), a time ago (`30m`, `24h`, `7d`, `2w`, counted back from `now`), or `now`,
 * `today` and `yesterday` (midnight UTC starting that day), in any case. `now` is the caller's, so
 * that one command or request reads all its relative times against the same instant, and tests
 * can fix it.
 */
export function parseTimeInput(text: string, now: Date): Parsed<Date> {
  const instant = instantOf(text.trim(), now);
  if (instant === undefined) return refused(TIME_INPUT_EXPECTED);
  if (Number.isNaN(instant.getTime()) || !isInStorableYears(instant)) {
    return refused(
      `expected a time between the years ${STORABLE_YEARS.first} and ${STORABLE_YEARS.last}`,
    );
  }
  return accepted(instant);
}
