import { MAX_TIMELINE_BUCKETS } from "@forusbots/queries/contract";
import { describe, expect, it } from "vitest";
import {
  addDays,
  apiRange,
  dayCount,
  daysOf,
  MAX_RANGE_DAYS,
  presetOf,
  presetRange,
  rangeFromSearch,
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

  it("takes the range from the URL, and the last 30 days when it is missing or wrong", () => {
    const last30 = { from: "2026-02-06", to: "2026-03-07" };
    expect(rangeFromSearch(new URLSearchParams("from=2026-03-01&to=2026-03-03"), today)).toEqual({
      from: "2026-03-01",
      to: "2026-03-03",
    });
    expect(rangeFromSearch(new URLSearchParams(""), today)).toEqual(last30);
    expect(rangeFromSearch(new URLSearchParams("from=2026-03-05&to=2026-03-01"), today)).toEqual(
      last30,
    );
    expect(rangeFromSearch(new URLSearchParams("from=March&to=2026-03-01"), today)).toEqual(last30);
    expect(rangeFromSearch(new URLSearchParams("from=2020-01-01&to=2026-03-01"), today)).toEqual(
      last30,
    );
  });

  it("never asks for a longer day series than the API takes", () => {
    expect(MAX_RANGE_DAYS).toBeLessThanOrEqual(MAX_TIMELINE_BUCKETS);
    const longest = { from: "2024-01-01", to: addDays("2024-01-01", MAX_RANGE_DAYS - 1) };
    expect(rangeFromSearch(new URLSearchParams(longest), today)).toEqual(longest);
    expect(daysOf(longest)).toHaveLength(MAX_RANGE_DAYS);
    expect(daysOf(longest).at(-1)).toBe("2024-12-31");
  });

  it("recognises a preset that ends today", () => {
    expect(presetOf({ from: "2026-03-01", to: "2026-03-07" }, today)).toBe(7);
    expect(presetOf({ from: "2026-03-01", to: "2026-03-06" }, today)).toBeUndefined();
  });
});
