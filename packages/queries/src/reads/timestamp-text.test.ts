import { describe, expect, it } from "vitest";
import { epochMicrosText, microsBetween, parseTimestampText } from "./timestamp-text.ts";

/** Milliseconds of a UTC wall time, years 0–99 included (Date.UTC would add 1900 to those). */
function utcMs(year: number, month: number, day: number, h = 0, m = 0, s = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(h, m, s, ms);
  return date.getTime();
}

describe("parseTimestampText", () => {
  it("reads PostgreSQL's text and JSON forms, fraction and offset as printed", () => {
    expect(parseTimestampText("2024-01-15 10:30:00+00")).toEqual({
      epochMs: utcMs(2024, 1, 15, 10, 30),
      microsOfMs: 0,
    });
    // 1 to 6 fraction digits: .5 s, 100 µs, 123.456 ms.
    expect(parseTimestampText("2024-01-15T10:30:00.5+00:00").epochMs).toBe(
      utcMs(2024, 1, 15, 10, 30, 0, 500),
    );
    expect(parseTimestampText("2024-01-15 10:30:00.0001+00")).toEqual({
      epochMs: utcMs(2024, 1, 15, 10, 30),
      microsOfMs: 100,
    });
    expect(parseTimestampText("2024-01-15 10:30:00.123456+00")).toEqual({
      epochMs: utcMs(2024, 1, 15, 10, 30, 0, 123),
      microsOfMs: 456,
    });
    // 16:00 at +05:30 is 10:30 UTC; 09:45:30 at -00:44:30 is 10:30 UTC.
    expect(parseTimestampText("2024-01-15 16:00:00+05:30").epochMs).toBe(
      utcMs(2024, 1, 15, 10, 30),
    );
    expect(parseTimestampText("1971-01-15T09:45:30-00:44:30").epochMs).toBe(
      utcMs(1971, 1, 15, 10, 30),
    );
    expect(parseTimestampText("2024-01-15 05:30:00-05").epochMs).toBe(utcMs(2024, 1, 15, 10, 30));
  });

  it("reads the years 1 to 9999, 1 BC included, before and after the epoch", () => {
    // 0001-01-01 00:00 UTC printed in New York's local mean time, a day and year earlier.
    expect(parseTimestampText("0001-12-31 19:03:58-04:56:02 BC").epochMs).toBe(utcMs(1, 1, 1));
    expect(parseTimestampText("9999-12-31 23:59:59.999999+00")).toEqual({
      epochMs: utcMs(9999, 12, 31, 23, 59, 59, 999),
      microsOfMs: 999,
    });
    expect(parseTimestampText("2000-02-29 00:00:00+00").epochMs).toBe(utcMs(2000, 2, 29));
    expect(epochMicrosText(parseTimestampText("1969-12-31 23:59:59.9995+00"))).toBe("-500");
    expect(epochMicrosText(parseTimestampText("1970-01-01 00:00:00.000001+00"))).toBe("1");
    // 9999-12-31T23:59:59.999999Z in µs: beyond 2^53, kept exact as text.
    expect(epochMicrosText(parseTimestampText("9999-12-31 23:59:59.999999+00"))).toBe(
      "253402300799999999",
    );
  });

  it("counts the microseconds between two instants", () => {
    const from = parseTimestampText("2024-01-15 10:30:00.999999+00");
    const to = parseTimestampText("2024-01-16 11:30:01.000001+00");
    expect(microsBetween(from, to)).toBe(90_000_000_002);
    expect(microsBetween(to, from)).toBe(-90_000_000_002);
  });

  it.each([
    "2024-01-15 10:30:00",
    "infinity",
    "-infinity",
    "2024-01-15 10:30:00.+00",
    "2024-01-15 10:30:00.1234567+00",
    "2024-13-15 10:30:00+00",
    "2024-1-15 10:30:00+00",
    "2024-01-15 10:30:00+00 AD",
    "10000-01-01 00:00:00+00",
    "Mon Jan 15 10:30:00 2024 UTC",
  ])("refuses %s, naming it", (text) => {
    expect(() => parseTimestampText(text)).toThrow(
      `not a timestamp with time zone as PostgreSQL prints it: ${text}`,
    );
  });
});
