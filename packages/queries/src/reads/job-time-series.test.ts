import { randomUUID } from "node:crypto";
import { botJobHourly, jobs, type NewJob } from "@forusbots/db/schema";
import { openDatabaseForTest } from "@forusbots/db/testing";
import { eq, type SQL, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { TimelineBucket } from "../contract/index.ts";
import { queryRows } from "../query-rows.ts";
import { statementLoggingDatabase, useAuditDatabase } from "../testing/audit-database.ts";
import { countJobTimeSeries, getJobTimeSeries, type TimeSeriesSource } from "./job-time-series.ts";

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

/** Every place a series' whole hours can be counted from: each must give the same points. */
const SOURCES: TimeSeriesSource[] = ["cheaper", "rollup", "jobs"];

describe("getJobTimeSeries: whole hours from the hourly rollup, the rest from jobs", () => {
  /**
   * The points counted straight from `jobs` by a plain GROUP BY, written here apart from the
   * read: what every split of a range between the rollup and the table must give.
   */
  const countedFromJobs = async (range: {
    bucket: TimelineBucket;
    from: Date;
    to: Date;
    botId?: string;
  }) => {
    const rows = await queryRows<{
      bucket_ms: number;
      bot_id: string;
      state: string;
      jobs: number;
    }>(
      context.db,
      sql`SELECT (extract(epoch FROM date_trunc(${range.bucket}, accepted_at, 'UTC')) * 1000)::float8 AS bucket_ms,
                 bot_id, state::text AS state, count(*)::int AS jobs
          FROM jobs
          WHERE accepted_at >= ${range.from.toISOString()} AND accepted_at < ${range.to.toISOString()}
            AND (${range.botId ?? null}::text IS NULL OR bot_id = ${range.botId ?? null})
          GROUP BY 1, 2, 3`,
    );
    const byteWise = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return rows
      .map((row) => ({
        bucketStart: new Date(row.bucket_ms),
        botId: row.bot_id,
        state: row.state,
        jobs: row.jobs,
      }))
      .sort(
        (a, b) =>
          a.bucketStart.getTime() - b.bucketStart.getTime() ||
          byteWise(a.botId, b.botId) ||
          byteWise(a.state, b.state),
      );
  };

  it("gives the points of a plain count for ranges on whole hours, cut at one end or both, or inside one hour", async () => {
    const ranges: [string, string][] = [
      ["2024-01-15T00:00:00", "2024-01-17T00:00:00"], // whole hours: the rollup alone
      ["2024-01-15T10:59:59.999", "2024-01-17T00:00:00"], // cut at the start
      ["2024-01-15T00:00:00", "2024-01-16T00:30:00.001"], // cut at the end
      ["2024-01-15T10:30:00", "2024-01-16T00:30:00.001"], // cut at both ends
      ["2024-01-15T10:00:00.001", "2024-01-15T11:00:00.001"], // less than an hour, across one
      ["2024-01-15T10:15:00", "2024-01-15T10:59:59.9999"], // inside one hour
    ];
    for (const [from, to] of ranges) {
      for (const bucket of ["hour", "day"] as const) {
        for (const botId of [undefined, "alpha", "beta"]) {
          const range = { bucket, from: utc(from), to: utc(to), ...(botId ? { botId } : {}) };
          const expected = await countedFromJobs(range);
          for (const source of SOURCES) {
            expect(
              await countJobTimeSeries(context.db, range, source),
              `${source} ${JSON.stringify(range)}`,
            ).toEqual(expected);
          }
        }
      }
    }
    // The seeded jobs, by hand: beta's 23:59 job is in the first day only with the range cut
    // before midnight, and the 10:59:59.999 success only from that instant on.
    expect(
      await getJobTimeSeries(context.db, {
        bucket: "hour",
        from: utc("2024-01-15T10:30:00"),
        to: utc("2024-01-16T00:30:00.001"),
      }),
    ).toEqual([
      { bucketStart: utc("2024-01-15T10:00:00"), botId: "alpha", state: "succeeded", jobs: 1 },
      { bucketStart: utc("2024-01-15T11:00:00"), botId: "alpha", state: "failed", jobs: 1 },
      { bucketStart: utc("2024-01-15T23:00:00"), botId: "beta", state: "queued", jobs: 1 },
      { bucketStart: utc("2024-01-16T00:00:00"), botId: "beta", state: "queued", jobs: 1 },
    ]);
  });

  it("reads the whole hours from bot_job_hourly and the parts of an hour from jobs", async () => {
    // A rollup row with no job behind it shows that a whole hour was read from the rollup; a job
    // in an edge hour but before `from` shows that the edge was counted from jobs, not from
    // that hour's rollup row (which holds it).
    const marker = { botId: "split", hour: utc("2024-03-01T12:00:00"), queuedJobs: 3 };
    const inStartEdge = job("split", "succeeded", "2024-03-01T11:45:00.000");
    const beforeFrom = job("split", "succeeded", "2024-03-01T11:15:00.000");
    const inEndEdge = job("split", "succeeded", "2024-03-01T14:10:00.000");
    await context.db.insert(botJobHourly).values(marker);
    await context.db.insert(jobs).values([inStartEdge, beforeFrom, inEndEdge]);
    try {
      const range = { from: utc("2024-03-01T11:30:00"), to: utc("2024-03-01T14:15:00") };
      const fromRollup = (bucket: TimelineBucket) =>
        countJobTimeSeries(context.db, { ...range, bucket }, "rollup");
      expect(await fromRollup("hour")).toEqual([
        { bucketStart: utc("2024-03-01T11:00:00"), botId: "split", state: "succeeded", jobs: 1 },
        { bucketStart: marker.hour, botId: "split", state: "queued", jobs: 3 },
        { bucketStart: utc("2024-03-01T14:00:00"), botId: "split", state: "succeeded", jobs: 1 },
      ]);
      // A day bucket sums both parts: the marker's 3 from the rollup, the 2 edge jobs from jobs.
      expect(await fromRollup("day")).toEqual([
        { bucketStart: utc("2024-03-01T00:00:00"), botId: "split", state: "queued", jobs: 3 },
        { bucketStart: utc("2024-03-01T00:00:00"), botId: "split", state: "succeeded", jobs: 2 },
      ]);
      // Counted from jobs alone, the whole hours hold no marker: the two jobs in range only.
      expect(await countJobTimeSeries(context.db, { ...range, bucket: "hour" }, "jobs")).toEqual([
        { bucketStart: utc("2024-03-01T11:00:00"), botId: "split", state: "succeeded", jobs: 1 },
        { bucketStart: utc("2024-03-01T14:00:00"), botId: "split", state: "succeeded", jobs: 1 },
      ]);
      // Under an hour: jobs alone, so the marker is not there.
      expect(
        await getJobTimeSeries(context.db, {
          bucket: "hour",
          from: utc("2024-03-01T11:40:00"),
          to: utc("2024-03-01T12:40:00"),
        }),
      ).toEqual([
        { bucketStart: utc("2024-03-01T11:00:00"), botId: "split", state: "succeeded", jobs: 1 },
      ]);
    } finally {
      await context.db.delete(jobs).where(eq(jobs.botId, "split"));
      await context.db.delete(botJobHourly).where(eq(botJobHourly.botId, "split"));
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

    const hourRange = {
      bucket: "hour" as const,
      from: utc("2024-02-01T09:00:00"),
      to: utc("2024-02-03T00:00:00"),
    };
    const hourPoints = [
      { bucketStart: utc("2024-02-01T09:00:00"), botId: "gamma", state: "running", jobs: 1 },
      { bucketStart: utc("2024-02-01T10:00:00"), botId: "gamma", state: "failed", jobs: 1 },
      { bucketStart: utc("2024-02-01T10:00:00"), botId: "gamma", state: "running", jobs: 1 },
      { bucketStart: utc("2024-02-02T00:00:00"), botId: "gamma", state: "failed", jobs: 1 },
    ];
    for (const source of SOURCES) {
      expect(await countJobTimeSeries(context.db, hourRange, source), source).toEqual(hourPoints);
    }
    expect(await countedFromJobs(hourRange)).toEqual(hourPoints);

    const dayRange = {
      bucket: "day" as const,
      from: utc("2024-02-01T00:00:00"),
      to: utc("2024-02-03T00:00:00"),
    };
    const dayPoints = [
      { bucketStart: utc("2024-02-01T00:00:00"), botId: "gamma", state: "failed", jobs: 1 },
      { bucketStart: utc("2024-02-01T00:00:00"), botId: "gamma", state: "running", jobs: 2 },
      { bucketStart: utc("2024-02-02T00:00:00"), botId: "gamma", state: "failed", jobs: 1 },
    ];
    for (const source of SOURCES) {
      expect(await countJobTimeSeries(context.db, dayRange, source), source).toEqual(dayPoints);
    }
    expect(await countedFromJobs(dayRange)).toEqual(dayPoints);
  });
});

describe("getJobTimeSeries: the order of the points", () => {
  it("puts bots in byte order within a bucket, whichever part of the range they come from, whatever the source", async () => {
    // Names whose byte order (UTF-8, as COLLATE "C") differs from alphabetical order and from
    // JavaScript's UTF-16 order: capitals before small letters, "bot-10" before "bot-9", "z"
    // (7A) before "é" (C3 A9), and "ﬀ" (EF AC 80) before "😀" (F0 9F 98 80), where UTF-16 puts
    // "😀" (D83D …) before "ﬀ" (FB00).
    const bots = ["😀-bot", "bot-9", "ﬀ-bot", "Zeta", "bot-10", "alpha-é", "alpha-z"];
    await context.db
      .insert(jobs)
      .values([
        ...bots.map((botId) => job(botId, "succeeded", "2024-03-01T10:10:00.000")),
        ...bots.map((botId) => job(botId, "failed", "2024-03-01T11:40:00.000")),
        job("bot-9", "canceled", "2024-03-01T11:45:00.000"),
      ]);
    const inByteOrder = ["Zeta", "alpha-z", "alpha-é", "bot-10", "bot-9", "ﬀ-bot", "😀-bot"];
    const pointsOf = (bucket: string, state: string) =>
      inByteOrder.flatMap((botId) => [
        ...(botId === "bot-9" && state === "failed"
          ? [{ bucketStart: utc(bucket), botId, state: "canceled", jobs: 1 }]
          : []),
        { bucketStart: utc(bucket), botId, state, jobs: 1 },
      ]);
    // 10:00 from the rollup, 11:00–11:50 from jobs; then both hours from the rollup.
    for (const source of SOURCES) {
      for (const to of ["2024-03-01T11:50:00", "2024-03-01T12:00:00"]) {
        const range = { bucket: "hour" as const, from: utc("2024-03-01T10:00:00"), to: utc(to) };
        expect(await countJobTimeSeries(context.db, range, source), source).toEqual([
          ...pointsOf("2024-03-01T10:00:00", "succeeded"),
          ...pointsOf("2024-03-01T11:00:00", "failed"),
        ]);
      }
      const day = await countJobTimeSeries(
        context.db,
        { bucket: "day", from: utc("2024-03-01T00:00:00"), to: utc("2024-03-02T00:00:00") },
        source,
      );
      expect(
        day.map((point) => [point.botId, point.state, point.jobs]),
        source,
      ).toEqual(
        inByteOrder.flatMap((botId) => [
          ...(botId === "bot-9" ? [[botId, "canceled", 1]] : []),
          [botId, "failed", 1],
          [botId, "succeeded", 1],
        ]),
      );
    }
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
    const range = {
      bucket: "hour" as const,
      from: utc("2024-01-15T00:00:00"),
      to: utc("2024-01-16T00:00:00"),
    };
    await countJobTimeSeries(logging.db, range, "rollup");
    const [statement] = logging.sent;
    expect(statement).toContain('FROM "bot_job_hourly"');
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

describe("getJobTimeSeries at the ends of the storable years and around the epochs", () => {
  it("files each job under its UTC hour and day, from the rollup and from jobs (hand-computed)", async () => {
    const setup = await openDatabaseForTest();
    await setup.db
      .insert(jobs)
      .values([
        job("alpha", "succeeded", "0001-01-01T00:00:00.000"),
        job("alpha", "succeeded", "0001-01-01T23:59:59.999"),
        job("alpha", "failed", "1969-12-31T23:59:59.999"),
        job("alpha", "failed", "1970-01-01T00:00:00.000"),
        job("beta", "queued", "1999-12-31T23:30:00.000"),
        job("beta", "queued", "2000-01-01T00:00:00.000"),
        job("beta", "running", "9999-12-31T22:59:59.999"),
        job("beta", "running", "9999-12-31T23:00:00.000"),
      ]);
    const point = (bucketStart: string, botId: string, state: string, jobs: number) => ({
      bucketStart: utc(bucketStart),
      botId,
      state,
      jobs,
    });
    const cases = [
      {
        from: "0001-01-01T00:00:00",
        to: "0001-01-03T00:00:00",
        day: [point("0001-01-01T00:00:00", "alpha", "succeeded", 2)],
        hour: [
          point("0001-01-01T00:00:00", "alpha", "succeeded", 1),
          point("0001-01-01T23:00:00", "alpha", "succeeded", 1),
        ],
      },
      {
        from: "1969-12-31T00:00:00",
        to: "1970-01-02T00:00:00",
        day: [
          point("1969-12-31T00:00:00", "alpha", "failed", 1),
          point("1970-01-01T00:00:00", "alpha", "failed", 1),
        ],
        hour: [
          point("1969-12-31T23:00:00", "alpha", "failed", 1),
          point("1970-01-01T00:00:00", "alpha", "failed", 1),
        ],
      },
      {
        // Cut at both ends: the half hours come from jobs, the whole hours from the rollup.
        from: "1999-12-31T00:30:00",
        to: "2000-01-01T00:30:00",
        day: [
          point("1999-12-31T00:00:00", "beta", "queued", 1),
          point("2000-01-01T00:00:00", "beta", "queued", 1),
        ],
        hour: [
          point("1999-12-31T23:00:00", "beta", "queued", 1),
          point("2000-01-01T00:00:00", "beta", "queued", 1),
        ],
      },
      {
        from: "9999-12-31T00:00:00",
        to: "9999-12-31T23:59:59.999",
        day: [point("9999-12-31T00:00:00", "beta", "running", 2)],
        hour: [
          point("9999-12-31T22:00:00", "beta", "running", 1),
          point("9999-12-31T23:00:00", "beta", "running", 1),
        ],
      },
    ];
    for (const { from, to, ...expected } of cases) {
      for (const bucket of ["day", "hour"] as const) {
        for (const source of SOURCES) {
          expect(
            await countJobTimeSeries(setup.db, { bucket, from: utc(from), to: utc(to) }, source),
            `${source} ${bucket} ${from}`,
          ).toEqual(expected[bucket]);
        }
      }
    }
  });
});
