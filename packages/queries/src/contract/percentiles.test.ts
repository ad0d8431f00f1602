import { describe, expect, it } from "vitest";
import { MAX_PERCENTILE_RANGE_DAYS, percentileRangeProblem } from "./percentiles.ts";

describe("the percentile range cap", () => {
  const day = (text: string) => new Date(`${text}T00:00:00Z`);

  it("takes a closed range of up to a year, leap day included", () => {
    expect(MAX_PERCENTILE_RANGE_DAYS).toBe(366);
    expect(percentileRangeProblem({ from: day("2024-01-01"), to: day("2025-01-01") })).toBe(
      undefined,
    );
    expect(percentileRangeProblem({ from: day("2026-03-01"), to: day("2026-03-08") })).toBe(
      undefined,
    );
  });

  it("refuses a longer range, saying how long it is", () => {
    // 2024-01-01 to 2025-01-02: 367 days.
    expect(percentileRangeProblem({ from: day("2024-01-01"), to: day("2025-01-02") })).toBe(
      "p50 and p95 are computed over at most 366 days (this range spans 367)",
    );
  });

  it("refuses an open range", () => {
    const problem = "p50 and p95 need a range (from and to) of at most 366 days";
    expect(percentileRangeProblem({})).toBe(problem);
    expect(percentileRangeProblem({ from: day("2026-03-01") })).toBe(problem);
    expect(percentileRangeProblem({ to: day("2026-03-01") })).toBe(problem);
  });
});
