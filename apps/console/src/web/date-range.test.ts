import { MAX_TIMELINE_BUCKETS } from "@forusbots/queries/contract";
import { describe, expect, it } from "vitest";
import {
  addDays,
  apiRange,
  dayCount,
  daysOf,
  defaultRange,
  MAX_RANGE_DAYS,
  presetOf,
  presetRange,
  rangeInSearch,
} from "./date-range.ts";

const today = new Date("2026-03-07T15:00:00Z");

describe("the bots page's range", () => {
  it("counts both ends as days shown", () => {
    expect(presetRange(7, today)).toEqual({ from: "2026-03-01", to: "2026-03-07" });
    expect(dayCount({ from: "2026-03-01", to: "2026-03-07" })).toBe(7);
    expect(daysOf({ from: "2026-02-27", to: "2026-03-02" })).toEqual([
      "2026-02-27",
      "2026-02-28",
      "2026-03-01",
      "2026-03-02",
    ]);
  });

  it("asks the API for the half-open range up to the next midnight", () => {
    expect(apiRange({ from: "2026-03-01", to: "2026-03-07" })).toEqual({
      from: "2026-03-01",
      to: "2026-03-08",
    });
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });

  it("takes the range from the URL, and none when it is missing or wrong", () => {
    expect(rangeInSearch(new URLSearchParams("from=2026-03-01&to=2026-03-03"))).toEqual({
      from: "2026-03-01",
      to: "2026-03-03",
    });
    for (const wrong of [
      "",
      "from=2026-03-05&to=2026-03-01",
      "from=March&to=2026-03-01",
      "from=2020-01-01&to=2026-03-01",
    ]) {
      expect(rangeInSearch(new URLSearchParams(wrong)), wrong).toBeUndefined();
    }
  });

  it("opens on the last 30 days when they hold a job, else on the span of the data", () => {
    const last30 = { from: "2026-02-06", to: "2026-03-07" };
    expect(defaultRange({ first: null, last: null }, today)).toEqual({
      range: last30,
      spanOfData: false,
    });
    // The newest job on 6 February, the first day of the 30: the usual range shows it.
    const recent = { first: "2025-01-01T00:00:00Z", last: "2026-02-06T00:00:00Z" };
    expect(defaultRange(recent, today)).toEqual({ range: last30, spanOfData: false });
    // The newest on 5 February, a day before: the span, 3 to 5 February.
    const old = { first: "2026-02-03T12:00:00Z", last: "2026-02-05T23:59:59Z" };
    expect(defaultRange(old, today)).toEqual({
      range: { from: "2026-02-03", to: "2026-02-05" },
      spanOfData: true,
    });
    // A history longer than a year: its last 366 days, 2024-02-06 to 2025-02-05 (2024 is leap).
    const long = { first: "2020-01-01T00:00:00Z", last: "2025-02-05T08:00:00Z" };
    expect(defaultRange(long, today)).toEqual({
      range: { from: "2024-02-06", to: "2025-02-05" },
      spanOfData: true,
    });
  });

  it("never asks for a longer day series than the API takes", () => {
    expect(MAX_RANGE_DAYS).toBeLessThanOrEqual(MAX_TIMELINE_BUCKETS);
    const longest = { from: "2024-01-01", to: addDays("2024-01-01", MAX_RANGE_DAYS - 1) };
    expect(rangeInSearch(new URLSearchParams(longest))).toEqual(longest);
    expect(daysOf(longest)).toHaveLength(MAX_RANGE_DAYS);
    expect(daysOf(longest).at(-1)).toBe("2024-12-31");
  });

  it("recognises a preset that ends today", () => {
    expect(presetOf({ from: "2026-03-01", to: "2026-03-07" }, today)).toBe(7);
    expect(presetOf({ from: "2026-03-01", to: "2026-03-06" }, today)).toBeUndefined();
  });
});
