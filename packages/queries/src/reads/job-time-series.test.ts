import { randomUUID } from "node:crypto";
import { botJobHourly, jobs, type NewJob } from "@forusbots/db/schema";
import { eq, type SQL, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { TimelineBucket } from "../contract/index.ts";
import { queryRows } from "../query-rows.ts";
import { statementLoggingDatabase, useAuditDatabase } from "../testing/audit-database.ts";
import { getJobTimeSeries } from "./job-time-series.ts";

const context = useAuditDatabase();

const utc = (text: string) => new Date(`${text}Z`);
const job = (botId: string, state: NewJob["state"], acceptedAt: string): NewJob => {
  const accepted = utc(acceptedAt);
  return {
    jobId: randomUUID(),
    botId,
    state,
    acceptedAt: accepted,
    startedAt: state === "queued" ? null : accepted,
    finishedAt: state === "queued" || state === "running" ? null : accepted,
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
      "to: must be later than from",
    );
    await expect(
      // @ts-expect-error: a bucket that does not exist, as a caller without types could pass
      getJobTimeSeries(context.db, { bucket: "week", from, to: utc("2024-02-15T00:00:00") }),
    ).rejects.toThrow("bucket: must be one of hour, day");
    await expect(
      // 15 January to 26 February 2024 is 42 days: 1,008 hours, over the 1,000 a series holds.
      getJobTimeSeries(context.db, { bucket: "hour", from, to: utc("2024-02-26T00:00:00") }),
    ).rejects.toThrow("to: spans 1008 hours; a series holds at most 1000");
  });
});

describe("getJobTimeSeries on whole hours, from the hourly rollup", () => {
  // One millisecond before a whole-hour `from`: the same jobs, but counted from `jobs`.
  const justBefore = (time: Date) => new Date(time.getTime() - 1);

  /** The series of a range on whole hours, and of the same range read from `jobs`. */
  const seriesBothWays = async (range: {
    bucket: TimelineBucket;
    from: Date;
    to: Date;
    botId?: string;
  }) => ({
    fromRollup: await getJobTimeSeries(context.db, range),
    fromJobs: await getJobTimeSeries(context.db, { ...range, from: justBefore(range.from) }),
  });

  it("gives the same points as counting jobs, per bucket and bot", async () => {
    const from = utc("2024-01-15T00:00:00");
    const to = utc("2024-01-17T00:00:00");
    for (const bucket of ["hour", "day"] as const) {
      for (const botId of [undefined, "alpha", "beta"]) {
        const { fromRollup, fromJobs } = await seriesBothWays({ bucket, from, to, botId });
        expect(fromRollup).toEqual(fromJobs);
        expect(fromRollup.length).toBeGreaterThan(0);
      }
    }
  });

  it("reads bot_job_hourly for a range on whole hours, and jobs for one that cuts an hour", async () => {
    // A rollup row with no job behind it shows which table answered.
    const marker = { botId: "rollup-only", hour: utc("2024-03-01T12:00:00"), queuedJobs: 3 };
    await context.db.insert(botJobHourly).values(marker);
    try {
      const { fromRollup, fromJobs } = await seriesBothWays({
        bucket: "hour",
        from: utc("2024-03-01T00:00:00"),
        to: utc("2024-03-02T00:00:00"),
        botId: "rollup-only",
      });
      expect(fromRollup).toEqual([
        { bucketStart: marker.hour, botId: "rollup-only", state: "queued", jobs: 3 },
      ]);
      expect(fromJobs).toEqual([]);
    } finally {
      await context.db.delete(botJobHourly).where(eq(botJobHourly.botId, "rollup-only"));
    }
  });

  it("follows updates and deletes of jobs, leaving out hours emptied to zero", async () => {
    const queuedEarly = job("gamma", "queued", "2024-02-01T09:15:00.000");
    const queuedLate = job("gamma", "queued", "2024-02-01T09:45:00.000");
    const running = job("gamma", "running", "2024-02-01T10:05:00.000");
    const succeeded = job("gamma", "succeeded", "2024-02-01T10:30:00.000");
    const failed = job("gamma", "failed", "2024-02-01T23:10:00.000");
    await context.db.insert(jobs).values([queuedEarly, queuedLate, running, succeeded, failed]);
    // 09:00 loses its queued jobs (one starts, one is deleted), 10:00's success becomes a
    // failure, and the 23:10 failure moves to the next day.
    await context.db
      .update(jobs)
      .set({ state: "running", startedAt: utc("2024-02-01T09:20:00") })
      .where(eq(jobs.jobId, queuedEarly.jobId));
    await context.db.delete(jobs).where(eq(jobs.jobId, queuedLate.jobId));
    await context.db.update(jobs).set({ state: "failed" }).where(eq(jobs.jobId, succeeded.jobId));
    const nextDay = utc("2024-02-02T00:10:00");
    await context.db
      .update(jobs)
      .set({ acceptedAt: nextDay, startedAt: nextDay, finishedAt: nextDay })
      .where(eq(jobs.jobId, failed.jobId));

    const hours = await seriesBothWays({
      bucket: "hour",
      from: utc("2024-02-01T09:00:00"),
      to: utc("2024-02-03T00:00:00"),
    });
    const hourPoints = [
      { bucketStart: utc("2024-02-01T09:00:00"), botId: "gamma", state: "running", jobs: 1 },
      { bucketStart: utc("2024-02-01T10:00:00"), botId: "gamma", state: "failed", jobs: 1 },
      { bucketStart: utc("2024-02-01T10:00:00"), botId: "gamma", state: "running", jobs: 1 },
      { bucketStart: utc("2024-02-02T00:00:00"), botId: "gamma", state: "failed", jobs: 1 },
    ];
    expect(hours.fromRollup).toEqual(hourPoints);
    expect(hours.fromJobs).toEqual(hourPoints);

    const days = await seriesBothWays({
      bucket: "day",
      from: utc("2024-02-01T00:00:00"),
      to: utc("2024-02-03T00:00:00"),
    });
    const dayPoints = [
      { bucketStart: utc("2024-02-01T00:00:00"), botId: "gamma", state: "failed", jobs: 1 },
      { bucketStart: utc("2024-02-01T00:00:00"), botId: "gamma", state: "running", jobs: 2 },
      { bucketStart: utc("2024-02-02T00:00:00"), botId: "gamma", state: "failed", jobs: 1 },
    ];
    expect(days.fromRollup).toEqual(dayPoints);
    expect(days.fromJobs).toEqual(dayPoints);
  });
});

describe("getJobTimeSeries on whole hours over every bot", () => {
  /**
   * A statement as drizzle sent it ($1, $2 … and their values) turned back into drizzle SQL, so
   * it can be EXPLAINed with the same parameters on either driver.
   */
  const withParams = (text: string, params: unknown[]): SQL =>
    sql.join(
      text
        .split(/\$(\d+)/)
        .map((part, index) => (index % 2 === 0 ? sql.raw(part) : sql`${params[Number(part) - 1]}`)),
    );

  it("can read only the hours asked for, through idx_bot_job_hourly_hour", async () => {
    const logging = await statementLoggingDatabase(context.handle);
    await getJobTimeSeries(logging.db, {
      bucket: "hour",
      from: utc("2024-01-15T00:00:00"),
      to: utc("2024-01-16T00:00:00"),
    });
    const [statement] = logging.sent;
    expect(statement).toContain('from "bot_job_hourly"');
    const plan = await context.db.transaction(async (tx) => {
      // These few rows fit in one page, which the planner rightly reads whole. With sequential
      // scans priced out (for this transaction only) it is left the indexes: the plan shows the
      // range of hours can be read from idx_bot_job_hourly_hour, as the planner chooses by itself
      // on a long history, rather than through the primary key, which leads with bot_id.
      await tx.execute(sql`SET LOCAL enable_seqscan = off`);
      return queryRows<{ "QUERY PLAN": string }>(
        tx,
        sql`EXPLAIN ${withParams(statement ?? "", logging.params[0] ?? [])}`,
      );
    });
    const text = plan.map((row) => row["QUERY PLAN"]).join("\n");
    // An index scan says "using", a bitmap index scan "on"; either reads only the hours asked for.
    expect(text).toMatch(/Index (Only )?Scan (using|on) idx_bot_job_hourly_hour /);
  });
});
