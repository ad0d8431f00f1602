import { randomUUID } from "node:crypto";
import type { DatabaseHandle } from "@forusbots/db";
import { jobs } from "@forusbots/db/schema";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError } from "../errors.ts";
import { at, useAuditDatabase } from "../testing/audit-database.ts";
import { acceptJob, finishJob, startJob } from "./record-event.ts";

const context = useAuditDatabase();

const RACERS = 4;

/**
 * On PostgreSQL each racer has a handle (and so a connection) of its own, so the UPDATEs really
 * overlap: the losers wait on the winner's row lock, then re-check their WHERE against the
 * committed row. PGlite has one connection; the same test shows its queued writes agree.
 */
let handles: DatabaseHandle[] = [];
beforeAll(async () => {
  if (context.database.engine === "postgres") {
    handles = await Promise.all(
      Array.from({ length: RACERS }, () => context.database.open({ maxConnections: 1 })),
    );
  }
});
afterAll(async () => {
  await Promise.all(handles.map((handle) => handle.close()));
});

const racerDb = (racer: number) => handles[racer]?.db ?? context.db;

describe("concurrent finishJob on one running job", () => {
  it("exactly one of several final states is stored; the others conflict", async () => {
    for (let round = 0; round < 5; round++) {
      const jobId = randomUUID();
      await acceptJob(context.db, { jobId, botId: "bot-race", at: at(0) });
      await startJob(context.db, { jobId, at: at(1) });
      const states = ["succeeded", "failed", "canceled", "failed"] as const;
      const results = await Promise.allSettled(
        states.map((state, racer) => finishJob(racerDb(racer), { jobId, state, at: at(2, racer) })),
      );
      const winners = results.flatMap((result, racer) =>
        result.status === "fulfilled" && result.value === "stored" ? [racer] : [],
      );
      expect(winners).toHaveLength(1);
      const losers = results.filter((result) => result.status === "rejected");
      expect(losers).toHaveLength(RACERS - 1);
      for (const loser of losers) {
        if (loser.status === "rejected") expect(loser.reason).toBeInstanceOf(ConflictError);
      }
      const winner = winners[0] ?? -1;
      const [row] = await context.db.select().from(jobs).where(eq(jobs.jobId, jobId));
      expect(row).toMatchObject({ state: states[winner], finishedAt: at(2, winner) });
    }
  });

  it("racing replays of one finish store it once and find it unchanged otherwise", async () => {
    const jobId = randomUUID();
    await acceptJob(context.db, { jobId, botId: "bot-race", at: at(0) });
    await startJob(context.db, { jobId, at: at(1) });
    const outcomes = await Promise.all(
      Array.from({ length: RACERS }, (_, racer) =>
        finishJob(racerDb(racer), { jobId, state: "succeeded", at: at(3) }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome === "stored")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === "unchanged")).toHaveLength(RACERS - 1);
  });
});
