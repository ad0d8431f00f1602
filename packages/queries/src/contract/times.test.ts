import { describe, expect, it } from "vitest";
import { parseTimeInput, parseZonedTimestamp, TIME_INPUT_EXPECTED } from "./times.ts";

/** The instant each text names, worked out by hand; `now` is fixed so relative times are too. */
const NOW = new Date("2026-11-29T10:20:30.000Z");

const instant = (text: string, now = NOW): string => {
  const parsed = parseTimeInput(text, now);
  if (!parsed.ok) throw new Error(`"${text}" was refused: ${parsed.problem}`);
  return parsed.value.toISOString();
};
const problem = (text: string): string | undefined => {
  const parsed = parseTimeInput(text, NOW);
  return parsed.ok ? undefined : parsed.problem;
};
const OUT_OF_RANGE = "expected a time between the years 1 and 9999";

describe("the time parser of the CLI and the console", () => {
  it("reads a bare date as midnight UTC", () => {
    expect(instant("2026-03-01")).toBe("2026-03-01T00:00:00.000Z");
    expect(instant("2024-02-29")).toBe("2024-02-29T00:00:00.000Z");
    expect(instant("2000-02-29")).toBe("2000-02-29T00:00:00.000Z");
  });

  it("reads a timestamp with Z to the minute, second or fraction, in either case", () => {
    expect(instant("2026-11-29T10:00Z")).toBe("2026-11-29T10:00:00.000Z");
    expect(instant("2026-11-29T10:00:30Z")).toBe("2026-11-29T10:00:30.000Z");
    expect(instant("2026-11-29T10:00:30.5Z")).toBe("2026-11-29T10:00:30.500Z");
    expect(instant("2026-11-29T10:00:30.25Z")).toBe("2026-11-29T10:00:30.250Z");
    expect(instant("2026-11-29t10:00:30.123z")).toBe("2026-11-29T10:00:30.123Z");
  });

  it("cuts fractions finer than a millisecond, as Date does", () => {
    expect(instant("2026-11-29T10:00:30.123456Z")).toBe("2026-11-29T10:00:30.123Z");
    expect(instant("2026-11-29T10:00:30.9999999Z")).toBe("2026-11-29T10:00:30.999Z");
  });

  it("applies offsets written with or without a colon", () => {
    // 12:00 at +01:00 is 11:00 UTC; 00:30 at −02:30 is 03:00 UTC the same day.
    expect(instant("2026-03-01T12:00:00+01:00")).toBe("2026-03-01T11:00:00.000Z");
    expect(instant("2026-03-01T12:00:00+0100")).toBe("2026-03-01T11:00:00.000Z");
    expect(instant("2026-03-01T00:30-02:30")).toBe("2026-03-01T03:00:00.000Z");
    expect(instant("2026-03-01T00:30-0230")).toBe("2026-03-01T03:00:00.000Z");
    // Crossing a year: midnight on New Year's Day at +14:00 is 10:00 UTC on 31 December.
    expect(instant("2026-01-01T00:00:00+14:00")).toBe("2025-12-31T10:00:00.000Z");
    expect(instant("2026-03-01T12:00:00-00:00")).toBe("2026-03-01T12:00:00.000Z");
  });

  it("reads a timestamp without a zone as UTC", () => {
    expect(instant("2026-11-29T10:00")).toBe("2026-11-29T10:00:00.000Z");
    expect(instant("2026-11-29T10:00:59")).toBe("2026-11-29T10:00:59.000Z");
    expect(instant("2026-11-29T10:00:59.001")).toBe("2026-11-29T10:00:59.001Z");
  });

  it("counts minutes, hours, days and weeks back from now", () => {
    expect(instant("30m")).toBe("2026-11-29T09:50:30.000Z");
    expect(instant("24h")).toBe("2026-11-28T10:20:30.000Z");
    expect(instant("7d")).toBe("2026-11-22T10:20:30.000Z");
    expect(instant("2w")).toBe("2026-11-15T10:20:30.000Z");
    expect(instant("90D")).toBe("2026-08-31T10:20:30.000Z");
    expect(instant("0m")).toBe("2026-11-29T10:20:30.000Z");
  });

  it("reads now, today and yesterday, the days as midnight UTC", () => {
    expect(instant("now")).toBe("2026-11-29T10:20:30.000Z");
    expect(instant("today")).toBe("2026-11-29T00:00:00.000Z");
    expect(instant("yesterday")).toBe("2026-11-28T00:00:00.000Z");
    expect(instant(" Yesterday ")).toBe("2026-11-28T00:00:00.000Z");
    expect(instant("TODAY")).toBe("2026-11-29T00:00:00.000Z");
  });

  it("finds yesterday across a month, a leap day and a year", () => {
    expect(instant("yesterday", new Date("2026-03-01T00:00:00.000Z"))).toBe(
      "2026-02-28T00:00:00.000Z",
    );
    expect(instant("yesterday", new Date("2024-03-01T23:59:59.999Z"))).toBe(
      "2024-02-29T00:00:00.000Z",
    );
    expect(instant("yesterday", new Date("2027-01-01T05:00:00.000Z"))).toBe(
      "2026-12-31T00:00:00.000Z",
    );
    expect(instant("today", new Date("2027-01-01T00:00:00.000Z"))).toBe("2027-01-01T00:00:00.000Z");
  });

  it("reads the years 1 to 99 as written, not as 1901 to 1999", () => {
    expect(instant("0050-06-15")).toBe("0050-06-15T00:00:00.000Z");
    expect(instant("0001-01-01T00:00:00Z")).toBe("0001-01-01T00:00:00.000Z");
    // In year 0 by its own clock, but already 4 a.m. on 1 January of year 1 in UTC.
    expect(instant("0000-12-31T23:00-05:00")).toBe("0001-01-01T04:00:00.000Z");
    expect(instant("9999-12-31T23:59:59.999Z")).toBe("9999-12-31T23:59:59.999Z");
  });

  it("refuses days and times that do not exist", () => {
    for (const text of [
      "2023-02-29",
      "2100-02-29",
      "2026-04-31",
      "2026-13-01",
      "2026-00-10",
      "2026-03-00",
      "2026-03-01T24:00",
      "2026-03-01T10:60",
      "2026-03-01T10:00:60Z",
      "2026-03-01T10:00+24:00",
      "2026-03-01T10:00+01:60",
    ]) {
      expect(problem(text), text).toBe(TIME_INPUT_EXPECTED);
    }
  });

  it("refuses other spellings, saying what it takes", () => {
    for (const text of [
      "",
      "   ",
      "24",
      "h",
      "-24h",
      "1.5h",
      "24 h",
      "24hours",
      "3mo",
      "tomorrow",
      "2026-3-1",
      "20260301",
      "2026-03-01 10:00",
      "2026-03-01T10",
      "2026-03-01T10:00:00+01",
      "2026-03-01T10:00.5",
      "2026-03-01T10:00:00.Z",
      "1705312800000",
      "March 1, 2026",
    ]) {
      expect(problem(text), text).toBe(TIME_INPUT_EXPECTED);
    }
    expect(TIME_INPUT_EXPECTED).toMatch(/^expected a date .*\+0100.*UTC.*24h.*yesterday$/);
  });

  it("refuses times before year 1 or after 9999", () => {
    expect(problem("0000-01-01")).toBe(OUT_OF_RANGE);
    expect(problem("9999-12-31T23:00-02:00")).toBe(OUT_OF_RANGE);
    // 800,000 days is about 2,190 years before 2026; 999,999,999 weeks is beyond what Date holds.
    expect(problem("800000d")).toBe(OUT_OF_RANGE);
    expect(problem("999999999w")).toBe(OUT_OF_RANGE);
  });
});

describe("the zoned timestamps events carry", () => {
  const zoned = (text: string) => parseZonedTimestamp(text)?.toISOString();

  it("takes the same ISO forms with a zone", () => {
    expect(zoned("2024-01-15T11:00:00+01:00")).toBe("2024-01-15T10:00:00.000Z");
    expect(zoned("2024-01-15T11:00:00+0100")).toBe("2024-01-15T10:00:00.000Z");
    expect(zoned("2024-01-15t10:00:00.250z")).toBe("2024-01-15T10:00:00.250Z");
    expect(zoned("2024-01-15T10:00Z")).toBe("2024-01-15T10:00:00.000Z");
  });

  it("refuses a time without a zone, a bare date and relative times", () => {
    for (const text of ["2024-01-15T10:00:00", "2024-01-15", "24h", "now", "yesterday"]) {
      expect(zoned(text), text).toBeUndefined();
    }
    expect(zoned("2024-02-30T10:00:00Z")).toBeUndefined();
  });
});
