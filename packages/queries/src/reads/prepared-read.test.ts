import { jobStages, jobs } from "@forusbots/db/schema";
import { describe, expect, it } from "vitest";
import { at, useAuditDatabase } from "../testing/audit-database.ts";
import { getJobTimeSeries } from "./job-time-series.ts";
import { getRecentJobs } from "./recent-jobs.ts";

const context = useAuditDatabase();

const JOB = "00000000-0000-4000-8000-000000000777";

/** Thrown to roll a transaction back once the reads inside it were checked. */
class RollBack extends Error {}

// The prepared reads send their statement themselves on PGlite (preparedRead): to the
// transaction's own client, or the read would queue behind the transaction it is part of.
describe("prepared reads inside a transaction", () => {
  it("see the transaction's own uncommitted rows, and nothing of them once it rolls back", async () => {
    const transaction = context.db.transaction(async (tx) => {
      await tx.insert(jobs).values({
        jobId: JOB,
        botId: "in-transaction",
        state: "running",
        acceptedAt: at(5),
        startedAt: at(6),
      });
      await tx.insert(jobStages).values({
        jobId: JOB,
        stageName: "login",
        startedAt: at(6),
        endedAt: at(7),
        status: "succeed",
      });
      const page = await getRecentJobs(tx, { botId: "in-transaction" });
      expect(page.jobs).toMatchObject([{ jobId: JOB, state: "running", stageCount: 1 }]);
      // 20 minutes, inside one hour: the series' prepared read.
      const series = await getJobTimeSeries(tx, {
        bucket: "hour",
        from: at(0),
        to: at(20),
        botId: "in-transaction",
      });
      expect(series).toEqual([
        { bucketStart: at(0), botId: "in-transaction", state: "running", jobs: 1 },
      ]);
      throw new RollBack();
    });
    await expect(transaction).rejects.toBeInstanceOf(RollBack);
    expect((await getRecentJobs(context.db, { botId: "in-transaction" })).jobs).toEqual([]);
    expect(
      await getJobTimeSeries(context.db, {
        bucket: "hour",
        from: at(0),
        to: at(20),
        botId: "in-transaction",
      }),
    ).toEqual([]);
  });
});
