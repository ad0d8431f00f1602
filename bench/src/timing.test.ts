import { describe, expect, it } from "vitest";
import { percentile, summarize } from "./timing.ts";

describe("percentile", () => {
  it("interpolates between the two nearest ranks, as percentile_cont does", () => {
    // Sorted 1, 2, 3, 4: the median sits half-way between ranks 1 and 2 (2 and 3).
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2.5);
    // 0.95 × 3 = 2.85: 85 % of the way from 3 to 4.
    expect(percentile([4, 1, 3, 2], 0.95)).toBeCloseTo(3.85, 10);
  });

  it("is the sample itself when there is one", () => {
    expect(percentile([7], 0.5)).toBe(7);
    expect(percentile([7], 0.95)).toBe(7);
  });

  it("refuses an empty list rather than inventing a figure", () => {
    expect(() => percentile([], 0.5)).toThrow(RangeError);
  });

  it("summarizes p50, p95 and the number of runs", () => {
    // 1..21: the median is the 11th value; p95 is rank 0.95 × 20 = 19, the value 20.
    const samples = Array.from({ length: 21 }, (_, index) => index + 1);
    expect(summarize(samples)).toEqual({ p50: 11, p95: 20, runs: 21 });
  });
});
