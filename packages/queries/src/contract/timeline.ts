import { accepted, type Parsed, refused } from "./parsed.ts";

/** The bucket sizes of the jobs time series, UTC hours and UTC days. */
export const TIMELINE_BUCKETS = ["hour", "day"] as const;
export type TimelineBucket = (typeof TIMELINE_BUCKETS)[number];

/** The bucket of a series when none is asked for. */
export const DEFAULT_TIMELINE_BUCKET: TimelineBucket = "day";

const BUCKET_MILLISECONDS: Readonly<Record<TimelineBucket, number>> = {
  hour: 3_600_000,
  day: 86_400_000,
};

/**
 * Most buckets one series spans, whatever their size: a month in hours (744) and two years in
 * days (731) fit, while a series stays small enough to draw (a chart 1,000 pixels wide has one per
 * bucket) and cheap to answer — a day series of 1,000 days sums at most 24,000 hourly rollup rows
 * per bot. Longer spans are asked for in days, or as several series.
 */
export const MAX_TIMELINE_BUCKETS = 1000;

export function parseTimelineBucket(text: string): Parsed<TimelineBucket> {
  const bucket = TIMELINE_BUCKETS.find((candidate) => candidate === text.trim());
  return bucket === undefined
    ? refused(`expected ${TIMELINE_BUCKETS.join(" or ")}`)
    : accepted(bucket);
}

/** Start of the bucket that holds `instant`, in milliseconds since the epoch. */
const bucketStartOf = (bucket: TimelineBucket, instant: Date): number =>
  Math.floor(instant.getTime() / BUCKET_MILLISECONDS[bucket]) * BUCKET_MILLISECONDS[bucket];

/**
 * Every bucket start of [from, to) in order, the first holding `from`. A series has points only
 * where there are jobs; a chart draws the other buckets of this list as zero.
 */
export function listBucketStarts(bucket: TimelineBucket, from: Date, to: Date): Date[] {
  const starts: Date[] = [];
  const size = BUCKET_MILLISECONDS[bucket];
  for (let time = bucketStartOf(bucket, from); time < to.getTime(); time += size) {
    starts.push(new Date(time));
  }
  return starts;
}

/** How many buckets [from, to) touches: 10:30 to 12:00 touches two hours. */
export function countBuckets(bucket: TimelineBucket, from: Date, to: Date): number {
  const size = BUCKET_MILLISECONDS[bucket];
  return Math.max(0, Math.ceil((to.getTime() - bucketStartOf(bucket, from)) / size));
}

/** The problem with `to` when [from, to) spans more buckets than a series holds, if it does. */
export function timelineSpanProblem(
  bucket: TimelineBucket,
  from: Date,
  to: Date,
): string | undefined {
  const buckets = countBuckets(bucket, from, to);
  return buckets > MAX_TIMELINE_BUCKETS
    ? `spans ${buckets} ${bucket}s; a series holds at most ${MAX_TIMELINE_BUCKETS} (ask for days, or a shorter range)`
    : undefined;
}
