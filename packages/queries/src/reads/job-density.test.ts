import { randomUUID } from "node:crypto";
import type { AuditDb } from "@forusbots/db";
import { jobs, type NewJob } from "@forusbots/db/schema";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useAuditDatabase } from "../testing/audit-database.ts";
import { holdsFewJobs, jobDensity } from "./job-density.ts";

const context = useAuditDatabase();

const HOUR_MS = 3_600_000;
const FIRST_HOUR = Date.UTC(2024, 4, 1, 8);

/** Each statistics read in a transaction of its own: a new handle, so none is cached yet. */
const withFreshHandle = <T>(read: (db: AuditDb) => Promise<T>): Promise<T> =>
  context.db.transaction((tx) => read(tx));

describe("jobDensity and holdsFewJobs", () => {
  it("know nothing before the tables are analyzed, and then leave the range to the rollup", async () => {
    expect(await withFreshHandle(jobDensity)).toBeUndefined();
    const week = { from: new Date(FIRST_HOUR), to: new Date(FIRST_HOUR + 168 * HOUR_MS) };
    expect(await withFreshHandle((db) => holdsFewJobs(db, week))).toBe(false);
  });

  it("read jobs per busy hour and bots from the statistics ANALYZE keeps", async () => {
    // 3 bots, 4 hours, 2 jobs each per hour: 24 jobs in 12 rollup rows over 4 distinct hours,
    // so 6 jobs per hour that has any.
    const rows: NewJob[] = [];
    for (const botId of ["bot-a", "bot-b", "bot-c"]) {
      for (let hour = 0; hour < 4; hour++) {
        for (const minute of [5, 40]) {
          const acceptedAt = new Date(FIRST_HOUR + hour * HOUR_MS + minute * 60_000);
          rows.push({ jobId: randomUUID(), botId, state: "queued", acceptedAt });
        }
      }
    }
    await context.db.insert(jobs).values(rows);
    await context.db.execute(sql`ANALYZE jobs, bot_job_hourly`);

    const density = await withFreshHandle(jobDensity);
    expect(density?.jobsPerHour).toBeCloseTo(6, 5);
    expect(density?.bots).toBeCloseTo(3, 5);

    // The expected jobs of a range: 6 per hour, a third of that for one bot. The limit is 1,000
    // jobs on PostgreSQL, 250 on PGlite (its plain rows cost more).
    const limit = context.handle.driver.engine === "pglite" ? 250 : 1_000;
    const hoursHolding = (expectedJobs: number, perHour: number) => expectedJobs / perHour;
    const range = (hours: number) => ({
      from: new Date(FIRST_HOUR),
      to: new Date(FIRST_HOUR + hours * HOUR_MS),
    });
    const atLimit = hoursHolding(limit, 6);
    expect(await withFreshHandle((db) => holdsFewJobs(db, range(atLimit)))).toBe(true);
    expect(await withFreshHandle((db) => holdsFewJobs(db, range(atLimit + 1)))).toBe(false);
    const oneBotAtLimit = hoursHolding(limit, 2);
    const ofBot = (hours: number) => ({ ...range(hours), botId: "bot-a" });
    expect(await withFreshHandle((db) => holdsFewJobs(db, ofBot(oneBotAtLimit)))).toBe(true);
    expect(await withFreshHandle((db) => holdsFewJobs(db, ofBot(oneBotAtLimit + 1)))).toBe(false);
  });

  it("reads the statistics once a minute per handle, not once per read", async () => {
    const first = await context.db.transaction(async (tx) => {
      const before = await jobDensity(tx);
      await tx.insert(jobs).values(
        Array.from({ length: 30 }, (_, index) => ({
          jobId: randomUUID(),
          botId: "bot-d",
          state: "queued" as const,
          acceptedAt: new Date(FIRST_HOUR + (10 + index) * HOUR_MS),
        })),
      );
      await tx.execute(sql`ANALYZE jobs, bot_job_hourly`);
      // The same handle: the figures read before the ANALYZE still.
      expect(await jobDensity(tx)).toEqual(before);
      return before;
    });
    // A new handle reads the new figures: 54 jobs over 34 busy hours, 4 bots.
    const after = await withFreshHandle(jobDensity);
    expect(after).not.toEqual(first);
    expect(after?.jobsPerHour).toBeCloseTo(54 / 34, 5);
    expect(after?.bots).toBeCloseTo(4, 5);
  });
});
