import { describe, expect, it } from "vitest";
import {
  countBuckets,
  listBucketStarts,
  MAX_TIMELINE_BUCKETS,
  parseTimelineBucket,
  timelineSpanProblem,
} from "./timeline.ts";

const utc = (text: string) => new Date(`${text}Z`);
const HOUR_MS = 3_600_000;

describe("the time series' buckets", () => {
  it("are hours and days", () => {
    expect(parseTimelineBucket("hour")).toEqual({ ok: true, value: "hour" });
    expect(parseTimelineBucket(" day ")).toEqual({ ok: true, value: "day" });
    expect(parseTimelineBucket("week")).toEqual({ ok: false, problem: "expected hour or day" });
    expect(parseTimelineBucket("Day")).toEqual({ ok: false, problem: "expected hour or day" });
  });

  it("lists every bucket of the range, the first holding from", () => {
    expect(
      listBucketStarts("hour", utc("2024-01-15T10:30:00"), utc("2024-01-15T12:00:00")),
    ).toEqual([utc("2024-01-15T10:00:00"), utc("2024-01-15T11:00:00")]);
    expect(listBucketStarts("day", utc("2024-01-15T00:00:00"), utc("2024-01-15T00:00:01"))).toEqual(
      [utc("2024-01-15T00:00:00")],
    );
    expect(listBucketStarts("day", utc("2024-02-28T00:00:00"), utc("2024-03-02T00:00:00"))).toEqual(
      [utc("2024-02-28T00:00:00"), utc("2024-02-29T00:00:00"), utc("2024-03-01T00:00:00")],
    );
  });

  it("counts the buckets a range touches, as many as it lists", () => {
    expect(countBuckets("hour", utc("2024-01-15T10:30:00"), utc("2024-01-15T12:00:00"))).toBe(2);
    expect(countBuckets("hour", utc("2024-01-15T10:30:00"), utc("2024-01-15T12:00:00.001"))).toBe(
      3,
    );
    expect(countBuckets("day", utc("2024-01-01T00:00:00"), utc("2025-01-01T00:00:00"))).toBe(366);
  });

  it(`holds at most ${MAX_TIMELINE_BUCKETS} buckets of either size`, () => {
    const from = utc("2026-01-01T00:00:00");
    const hours = (count: number) => new Date(from.getTime() + count * HOUR_MS);
    expect(timelineSpanProblem("hour", from, hours(1000))).toBeUndefined();
    expect(timelineSpanProblem("hour", from, new Date(hours(1000).getTime() + 1))).toBe(
      "spans 1001 hours; a series holds at most 1000 (ask for days, or a shorter range)",
    );
    // From 10:30, a thousand hours later is 10:30 again: 1,001 hours touched.
    const halfPast = new Date(from.getTime() + 30 * 60_000);
    expect(
      timelineSpanProblem("hour", halfPast, new Date(halfPast.getTime() + 1000 * HOUR_MS)),
    ).toMatch(/^spans 1001 hours/);
    // 1,000 days from 1 January 2026 end on 27 September 2028 (365 + 365 + 270 days).
    expect(timelineSpanProblem("day", from, utc("2028-09-27T00:00:00"))).toBeUndefined();
    expect(timelineSpanProblem("day", from, utc("2028-09-27T00:00:00.001"))).toMatch(
      /^spans 1001 days/,
    );
  });
});
