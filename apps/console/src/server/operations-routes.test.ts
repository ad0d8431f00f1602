import { useTestDatabase } from "@forusbots/db/testing";
import type { Hono } from "hono";
import { beforeAll, describe, expect, it } from "vitest";
import { dataTestApp } from "../../test/api-access.ts";
import { BULK_JOBS, bulkJobId, insertKnownAuditData, JOB } from "../../test/known-audit-data.ts";

/** The routes behind live lists, search and failures, on test/known-audit-data.ts. */
describe("console API for operators", () => {
  const test = useTestDatabase();
  let app: Hono;

  beforeAll(async () => {
    await insertKnownAuditData(test.db);
    app = dataTestApp(test.handle);
  });

  const get = async (path: string) => {
    const response = await app.request(path);
    return { status: response.status, body: await response.json() };
  };

  it("lists jobs accepted in [from, to)", async () => {
    // 3 March: J3 at 11:00 and J4 at 12:00, newest first.
    const { status, body } = await get("/api/jobs?from=2026-03-03&to=2026-03-04");
    expect(status).toBe(200);
    expect(body.jobs.map((job: { jobId: string }) => job.jobId)).toEqual([JOB.J4, JOB.J3]);
    expect(body.nextCursor).toBeNull();
    const wrong = await get("/api/jobs?from=2026-03-04&to=2026-03-03");
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain("query parameter to");
  });

  it("counts jobs per state for a bot and a range", async () => {
    const all = await get("/api/jobs/state-counts");
    // 26 bulk + J5 queued; J1, J2, J4 succeeded; J3 failed; J6 canceled.
    expect(all.body.counts).toEqual({
      queued: BULK_JOBS + 1,
      running: 0,
      succeeded: 3,
      failed: 1,
      canceled: 1,
    });
    const report = await get("/api/jobs/state-counts?bot=report-bot&from=2026-03-04");
    expect(report.body.counts).toEqual({
      queued: 1,
      running: 0,
      succeeded: 0,
      failed: 0,
      canceled: 1,
    });
  });

  it("gives the span of the history, of one bot or all", async () => {
    expect((await get("/api/jobs/span")).body).toEqual({
      first: "2026-03-02T09:00:00.000Z",
      // The last bulk job: 5 March, 00:25.
      last: "2026-03-05T00:25:00.000Z",
    });
    expect((await get("/api/jobs/span?bot=nobody")).body).toEqual({ first: null, last: null });
  });

  it("groups the failures of a range by error", async () => {
    const { status, body } = await get("/api/failures?from=2026-03-01&to=2026-03-08");
    expect(status).toBe(200);
    expect(body).toEqual({
      groups: [
        {
          signature: "portal rejected the upload",
          latestMessage: "portal rejected the upload",
          latestJobId: JOB.J3,
          failures: 1,
          firstSeen: "2026-03-03T11:00:00.000Z",
          lastSeen: "2026-03-03T11:00:00.000Z",
          botIds: ["invoice-bot"],
        },
      ],
      totalFailures: 1,
      omittedGroups: 0,
    });
    expect((await get("/api/failures?bot=report-bot")).body.totalFailures).toBe(0);
  });

  it("searches job ids by prefix and bots by the start of their id", async () => {
    const one = await get("/api/search?q=3333");
    expect(one.body).toMatchObject({ jobs: [{ jobId: JOB.J3, botId: "invoice-bot" }], bots: [] });
    const many = await get("/api/search?q=bbbbbbbb");
    expect(many.body.jobs.map((job: { jobId: string }) => job.jobId)).toEqual(
      Array.from({ length: 10 }, (_, index) => bulkJobId(index)),
    );
    expect(many.body.moreJobs).toBe(true);
    const bot = await get("/api/search?q=Report");
    expect(bot.body).toMatchObject({ jobs: [], bots: ["report-bot"], moreBots: false });
    expect(bot.body.notAJobId).toContain("hex digits");
    const missing = await get("/api/search");
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe("query parameter q: is required");
  });
});
