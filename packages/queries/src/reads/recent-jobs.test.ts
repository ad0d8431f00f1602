import type { DatabaseHandle } from "@forusbots/db";
import { jobStages, jobs } from "@forusbots/db/schema";
import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { at, useAuditDatabase } from "../testing/audit-database.ts";
import { openInZone } from "../testing/open-in-zone.ts";
import { getRecentJobs } from "./recent-jobs.ts";

const context = useAuditDatabase();

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const R1 = id(1);
const R2 = id(2);
const R3 = id(3);
const R4 = id(4);
const R5 = id(5);
const M1 = id(101);
const M2 = id(102);

beforeAll(async () => {
  await context.db.insert(jobs).values([
    {
      jobId: R1,
      botId: "alpha",
      state: "succeeded",
      acceptedAt: at(0),
      startedAt: at(0),
      finishedAt: at(0, 30),
      meta: { n: 1 },
      result: { ok: true },
    },
    {
      jobId: R2,
      botId: "alpha",
      state: "failed",
      acceptedAt: at(1),
      startedAt: at(2),
      finishedAt: at(4),
      errorMessage: "boom",
    },
    { jobId: R3, botId: "beta", state: "queued", acceptedAt: at(2) },
    // Accepted at the same instant: job_id decides, descending.
    { jobId: R4, botId: "beta", state: "running", acceptedAt: at(3), startedAt: at(3) },
    { jobId: R5, botId: "beta", state: "running", acceptedAt: at(3), startedAt: at(3) },
  ]);
  await context.db.insert(jobStages).values([
    { jobId: R1, stageName: "login", startedAt: at(0), endedAt: at(0, 10), status: "succeed" },
    { jobId: R1, stageName: "submit", startedAt: at(0, 10), endedAt: at(0, 30), status: "succeed" },
  ]);
  // Two jobs 100 µs apart, within one millisecond: a Date cannot tell them apart.
  await context.db.execute(sql`
    INSERT INTO jobs (job_id, bot_id, accepted_at) VALUES
      (${M1}, 'micro', '2024-01-15T10:30:00.000100Z'),
      (${M2}, 'micro', '2024-01-15T10:30:00.000200Z')`);
});

const ids = (page: { jobs: { jobId: string }[] }) => page.jobs.map((job) => job.jobId);

describe("getRecentJobs", () => {
  it("lists jobs newest first with every column, the duration and the stage count", async () => {
    const page = await getRecentJobs(context.db);
    expect(ids(page)).toEqual([M2, M1, R5, R4, R3, R2, R1]);
    expect(page.nextCursor).toBeNull();
    expect(page.jobs.at(-1)).toEqual({
      jobId: R1,
      botId: "alpha",
      state: "succeeded",
      acceptedAt: at(0),
      startedAt: at(0),
      finishedAt: at(0, 30),
      meta: { n: 1 },
      result: { ok: true },
      createdBy: null,
      errorMessage: null,
      durationMs: 30_000,
      durationSeconds: 30,
      stageCount: 2,
    });
    expect(page.jobs.at(-2)).toMatchObject({ durationSeconds: 120, stageCount: 0 });
    expect(page.jobs[0]).toMatchObject({ durationSeconds: null, durationMs: null, stageCount: 0 });
  });

  it("filters by bot, by state, and by both", async () => {
    expect(ids(await getRecentJobs(context.db, { botId: "alpha" }))).toEqual([R2, R1]);
    expect(ids(await getRecentJobs(context.db, { state: "running" }))).toEqual([R5, R4]);
    expect(ids(await getRecentJobs(context.db, { botId: "beta", state: "queued" }))).toEqual([R3]);
    expect(ids(await getRecentJobs(context.db, { state: "canceled" }))).toEqual([]);
  });

  it("keeps to a range of acceptance, [from, to), across pages", async () => {
    // at(1) is R2's acceptance, at(3) R4's and R5's: from is kept, to is not.
    const range = { from: at(1), to: at(3) };
    expect(ids(await getRecentJobs(context.db, range))).toEqual([R3, R2]);
    expect(ids(await getRecentJobs(context.db, { from: at(3) }))).toEqual([M2, M1, R5, R4]);
    const first = await getRecentJobs(context.db, { ...range, limit: 1 });
    expect(ids(first)).toEqual([R3]);
    const second = await getRecentJobs(context.db, {
      ...range,
      limit: 1,
      before: first.nextCursor ?? "",
    });
    expect(ids(second)).toEqual([R2]);
    expect(second.nextCursor).toBeNull();
    await expect(getRecentJobs(context.db, { from: at(3), to: at(1) })).rejects.toThrow("to:");
  });

  it("pages further back with the cursor, each job exactly once", async () => {
    const first = await getRecentJobs(context.db, { limit: 2 });
    expect(ids(first)).toEqual([M2, M1]);
    const second = await getRecentJobs(context.db, { limit: 2, before: first.nextCursor ?? "" });
    expect(ids(second)).toEqual([R5, R4]);
    const third = await getRecentJobs(context.db, { limit: 2, before: second.nextCursor ?? "" });
    expect(ids(third)).toEqual([R3, R2]);
    const last = await getRecentJobs(context.db, { limit: 2, before: third.nextCursor ?? "" });
    expect(ids(last)).toEqual([R1]);
    expect(last.nextCursor).toBeNull();
  });

  it("keeps filters across pages and tells apart jobs a microsecond apart", async () => {
    const first = await getRecentJobs(context.db, { botId: "micro", limit: 1 });
    expect(ids(first)).toEqual([M2]);
    const second = await getRecentJobs(context.db, {
      botId: "micro",
      limit: 1,
      before: first.nextCursor ?? "",
    });
    expect(ids(second)).toEqual([M1]);
    expect(second.nextCursor).toBeNull();
  });

  it("has no next page when the last page is exactly full", async () => {
    const page = await getRecentJobs(context.db, { botId: "alpha", limit: 2 });
    expect(ids(page)).toEqual([R2, R1]);
    expect(page.nextCursor).toBeNull();
  });

  it("refuses a limit outside 1..100, an unknown state and a forged cursor", async () => {
    await expect(getRecentJobs(context.db, { limit: 0 })).rejects.toThrow(
      "limit: must be at least 1",
    );
    await expect(getRecentJobs(context.db, { limit: 101 })).rejects.toThrow(
      "limit: must be at most 100",
    );
    await expect(getRecentJobs(context.db, { limit: 2.5 })).rejects.toThrow(
      "limit: must be a whole number",
    );
    await expect(
      // @ts-expect-error: a state that does not exist, as a caller without types could pass
      getRecentJobs(context.db, { state: "done" }),
    ).rejects.toThrow("state: must be one of queued, running, succeeded, failed, canceled");
    await expect(getRecentJobs(context.db, { before: "not-a-cursor" })).rejects.toThrow(
      "before: not a cursor returned by getRecentJobs",
    );
  });
});

// The page decodes timestamps from the text the server sends, which carries the session's
// offset: the same jobs read in zones whose offsets have minutes, seconds (Monrovia's
// -00:44:30 until 1972) or turn year 1 UTC into 1 BC (New York), and across a DST change.
const Z1 = id(201);
const Z2 = id(202);
const Z3 = id(203);

describe.each(["UTC", "Africa/Monrovia", "America/New_York", "Asia/Kolkata"])(
  "getRecentJobs in a session in %s",
  (zone) => {
    let database: TestDatabase;
    let handle: DatabaseHandle;
    beforeAll(async () => {
      database = await createTestDatabase();
      handle = await openInZone(database, zone);
      await handle.query(sql`
      INSERT INTO jobs (job_id, bot_id, state, accepted_at, started_at, finished_at) VALUES
        (${Z1}, 'zones', 'succeeded', '1971-06-01T12:00:00.000001Z', '1971-06-01T12:00:00.000001Z',
          '1971-06-02T13:00:00.999999Z'),
        (${Z2}, 'zones', 'queued', '0001-01-01T00:00:00.000005Z', NULL, NULL),
        (${Z3}, 'zones', 'failed', '2024-03-10T06:30:00Z', '2024-03-10T06:30:00Z',
          '2024-03-10T07:30:00.000123Z')`);
    });
    afterAll(async () => {
      await handle?.close();
      await database?.dispose();
    });

    it("reads every instant and duration as written, to the microsecond across pages", async () => {
      const pages = [];
      let before: string | undefined;
      do {
        const page = await getRecentJobs(handle.db, { botId: "zones", limit: 1, before });
        pages.push(...page.jobs);
        before = page.nextCursor ?? undefined;
      } while (before !== undefined);
      // Worked out by hand: 1 day, 1 hour and 0.999998 s; 01:30 EST to 03:30 EDT is one hour.
      expect(
        pages.map((job) => [job.jobId, job.acceptedAt.toISOString(), job.durationSeconds]),
      ).toEqual([
        [Z3, "2024-03-10T06:30:00.000Z", 3600.000123],
        [Z1, "1971-06-01T12:00:00.000Z", 90_000.999998],
        [Z2, "0001-01-01T00:00:00.000Z", null],
      ]);
      expect(pages[0]?.finishedAt?.toISOString()).toBe("2024-03-10T07:30:00.000Z");
      expect(pages[1]?.finishedAt?.toISOString()).toBe("1971-06-02T13:00:00.999Z");
      // The same doubles as the view's duration_seconds, computed by the server.
      const view = await handle.query<{ job_id: string; duration_seconds: number | null }>(
        sql`SELECT job_id, duration_seconds FROM recent_jobs WHERE bot_id = 'zones' ORDER BY accepted_at DESC`,
      );
      expect(view.map((row) => row.duration_seconds)).toEqual(
        pages.map((job) => job.durationSeconds),
      );
    });
  },
);
