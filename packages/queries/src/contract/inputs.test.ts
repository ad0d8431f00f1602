import { JOB_STATES } from "@forusbots/db/states";
import { describe, expect, it } from "vitest";
import {
  isOrderedRange,
  MAX_RECENT_JOBS,
  parseJobState,
  parseWholeNumber,
  RANGE_ORDER_PROBLEM,
} from "./index.ts";

describe("whole numbers", () => {
  it("takes digits within the bounds", () => {
    expect(parseWholeNumber("1", { min: 1, max: 100 })).toEqual({ ok: true, value: 1 });
    expect(parseWholeNumber(" 100 ", { min: 1, max: 100 })).toEqual({ ok: true, value: 100 });
  });

  it("refuses anything else, naming the bounds", () => {
    const expected = { ok: false, problem: "expected a whole number from 1 to 100" };
    for (const text of ["0", "101", "-1", "1.5", "1e2", "0x10", "", "ten"]) {
      expect(parseWholeNumber(text, { min: 1, max: 100 }), text).toEqual(expected);
    }
    expect(parseWholeNumber("0", { min: 1, max: Number.MAX_SAFE_INTEGER })).toEqual({
      ok: false,
      problem: "expected a whole number of at least 1",
    });
    expect(parseWholeNumber("9007199254740993", { min: 1, max: Number.MAX_SAFE_INTEGER }).ok).toBe(
      false,
    );
  });
});

describe("the job-state filter", () => {
  it("takes each state a job can be in", () => {
    for (const state of JOB_STATES)
      expect(parseJobState(state)).toEqual({ ok: true, value: state });
  });

  it("refuses another word, listing the states", () => {
    expect(parseJobState("done")).toEqual({
      ok: false,
      problem: "expected one of queued, running, succeeded, failed, canceled",
    });
  });

  it("pages at most as many jobs as the recent_jobs view holds", () => {
    expect(MAX_RECENT_JOBS).toBe(100);
  });
});

describe("time ranges", () => {
  const at = (text: string) => new Date(text);

  it("are half-open, so to must be later than from", () => {
    expect(isOrderedRange({ from: at("2026-03-01"), to: at("2026-03-02") })).toBe(true);
    expect(isOrderedRange({ from: at("2026-03-01"), to: at("2026-03-01") })).toBe(false);
    expect(isOrderedRange({ from: at("2026-03-02"), to: at("2026-03-01") })).toBe(false);
    expect(RANGE_ORDER_PROBLEM).toBe("must be later than from");
  });

  it("may be open at either end", () => {
    expect(isOrderedRange({ from: at("2026-03-01") })).toBe(true);
    expect(isOrderedRange({ to: at("2026-03-01") })).toBe(true);
    expect(isOrderedRange({})).toBe(true);
  });
});
