import { describe, expect, it } from "vitest";
import {
  formatAxisMilliseconds,
  formatDay,
  formatMilliseconds,
  formatPercent,
  formatSeconds,
  formatTimestamp,
  plural,
} from "./display-format.ts";

describe("figures as the page shows them", () => {
  it("writes durations in the largest unit that reads well", () => {
    expect(formatMilliseconds(0)).toBe("0 ms");
    expect(formatMilliseconds(450)).toBe("450 ms");
    expect(formatMilliseconds(6_000)).toBe("6.0 s");
    expect(formatMilliseconds(59_940)).toBe("59.9 s");
    expect(formatMilliseconds(70_000)).toBe("1 min 10 s");
    expect(formatMilliseconds(3_599_000)).toBe("59 min 59 s");
    expect(formatMilliseconds(3_600_000 + 25 * 60_000)).toBe("1 h 25 min");
    expect(formatSeconds(114)).toBe("1 min 54 s");
  });

  it("shows a missing figure as a dash, not zero", () => {
    expect(formatMilliseconds(null)).toBe("—");
    expect(formatSeconds(null)).toBe("—");
    expect(formatPercent(null)).toBe("—");
    expect(formatTimestamp(null)).toBe("—");
  });

  it("writes rates with one decimal", () => {
    expect(formatPercent((100 * 2) / 3)).toBe("66.7%");
    expect(formatPercent(100)).toBe("100.0%");
    expect(formatPercent(0)).toBe("0.0%");
  });

  it("writes times in UTC whatever the machine's zone", () => {
    expect(formatTimestamp("2026-03-03T23:30:05.000Z")).toBe("3 Mar 2026, 23:30:05 UTC");
    expect(formatTimestamp("2026-03-04T01:00:00+02:00")).toBe("3 Mar 2026, 23:00:00 UTC");
    expect(formatDay("2026-03-01")).toBe("1 Mar");
  });

  it("keeps axis ticks short", () => {
    expect(formatAxisMilliseconds(0)).toBe("0");
    expect(formatAxisMilliseconds(250)).toBe("250 ms");
    expect(formatAxisMilliseconds(15_000)).toBe("15 s");
    expect(formatAxisMilliseconds(7_500)).toBe("7.5 s");
  });

  it("puts the noun in the number its count asks for", () => {
    expect(plural(1, "stage")).toBe("1 stage");
    expect(plural(0, "stage")).toBe("0 stages");
    expect(plural(2, "job")).toBe("2 jobs");
    expect(plural(1204, "job")).toBe("1,204 jobs");
    expect(plural(1, "match", "matches")).toBe("1 match");
    expect(plural(3, "match", "matches")).toBe("3 matches");
  });
});
