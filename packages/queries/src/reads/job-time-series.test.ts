import { randomUUID } from "node:crypto";
import { jobs, type NewJob } from "@forusbots/db/schema";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { useAuditDatabase } from "../testing/audit-database.ts";
import { getJobTimeSeries, listBucketStarts } from "./job-time-series.ts";

const context = useAuditDatabase();

const utc = (text: string) => new Date(`${text}Z`);
const job = (botId: string, state: NewJob["state"], acceptedAt: string): NewJob => {
  const accepted = utc(acceptedAt);
  const finished = state === "succeeded" || state === "failed";
  return {
    jobId: randomUUID(),
    botId,
    state,
    acceptedAt: accepted,
    startedAt: finished ? accepted : null,
    finishedAt: finished ? accepted : null,
  };
};

beforeAll(async () => {
  await context.db
    .insert(jobs)
    .values([
      job("alpha", "succeeded", "2024-01-15T10:00:00.000"),
      job("alpha", "succeeded", "2024-01-15T10:59:59.999"),
      job("alpha", "failed", "2024-01-15T11:00:00.000"),
      job("beta", "queued", "2024-01-15T23:59:00.000"),
      job("beta", "queued", "2024-01-16T00:30:00.000"),
    ]);
});

describe("getJobTimeSeries", () => {
  it("counts jobs per UTC hour, bot and state", async () => {
    const series = await getJobTimeSeries(context.db, {
      bucket: "hour",
      from: utc("2024-01-15T10:00:00"),
      to: utc("2024-01-16T01:00:00"),
    });
    expect(series).toEqual([
      { bucketStart: utc("2024-01-15T10:00:00"), botId: "alpha", state: "succeeded", jobs: 2 },
      { bucketStart: utc("2024-01-15T11:00:00"), botId: "alpha", state: "failed", jobs: 1 },
      { bucketStart: utc("2024-01-15T23:00:00"), botId: "beta", state: "queued", jobs: 1 },
      { bucketStart: utc("2024-01-16T00:00:00"), botId: "beta", state: "queued", jobs: 1 },
    ]);
  });

  it("counts jobs per UTC day, ordered by day, bot and state", async () => {
    const series = await getJobTimeSeries(context.db, {
      bucket: "day",
      from: "2024-01-15T00:00:00Z",
      to: "2024-01-17T00:00:00Z",
    });
    expect(series).toEqual([
      { bucketStart: utc("2024-01-15T00:00:00"), botId: "alpha", state: "failed", jobs: 1 },
      { bucketStart: utc("2024-01-15T00:00:00"), botId: "alpha", state: "succeeded", jobs: 2 },
      { bucketStart: utc("2024-01-15T00:00:00"), botId: "beta", state: "queued", jobs: 1 },
      { bucketStart: utc("2024-01-16T00:00:00"), botId: "beta", state: "queued", jobs: 1 },
    ]);
  });

  it("keeps [from, to) and one bot", async () => {
    const series = await getJobTimeSeries(context.db, {
      bucket: "day",
      from: utc("2024-01-15T10:59:59.999"),
      to: utc("2024-01-16T00:30:00"),
      botId: "beta",
    });
    // The 00:30 job is at `to`, which is excluded.
    expect(series).toEqual([
      { bucketStart: utc("2024-01-15T00:00:00"), botId: "beta", state: "queued", jobs: 1 },
    ]);
  });

  it("buckets in UTC whatever the session's time zone", async () => {
    // One connection, so the SET applies to the query that follows it.
    const handle =
      context.database.engine === "postgres"
        ? await context.database.open({ maxConnections: 1 })
        : context.handle;
    try {
      await handle.db.execute(sql`SET TIME ZONE 'Asia/Kolkata'`);
      const series = await getJobTimeSeries(handle.db, {
        bucket: "day",
        from: utc("2024-01-15T00:00:00"),
        to: utc("2024-01-17T00:00:00"),
        botId: "beta",
      });
      expect(series.map((point) => point.bucketStart)).toEqual([
        utc("2024-01-15T00:00:00"),
        utc("2024-01-16T00:00:00"),
      ]);
    } finally {
      await handle.db.execute(sql`RESET TIME ZONE`);
      if (handle !== context.handle) await handle.close();
    }
  });

  it("refuses an empty or reversed range, an unknown bucket and too many buckets", async () => {
    const from = utc("2024-01-15T00:00:00");
    await expect(getJobTimeSeries(context.db, { bucket: "day", from, to: from })).rejects.toThrow(
      "to: must be after from",
    );
    await expect(
      // @ts-expect-error: a bucket that does not exist, as a caller without types could pass
      getJobTimeSeries(context.db, { bucket: "week", from, to: utc("2024-02-15T00:00:00") }),
    ).rejects.toThrow("bucket: must be one of hour, day");
    await expect(
      getJobTimeSeries(context.db, { bucket: "hour", from, to: utc("2026-01-15T00:00:00") }),
    ).rejects.toThrow("to: spans more than 10000 buckets");
  });
});

describe("listBucketStarts", () => {
  it("lists every bucket of the range, the first holding from", () => {
    expect(
      listBucketStarts("hour", utc("2024-01-15T10:30:00"), utc("2024-01-15T12:00:00")),
    ).toEqual([utc("2024-01-15T10:00:00"), utc("2024-01-15T11:00:00")]);
    expect(listBucketStarts("day", utc("2024-01-15T00:00:00"), utc("2024-01-15T00:00:01"))).toEqual(
      [utc("2024-01-15T00:00:00")],
    );
  });
});
