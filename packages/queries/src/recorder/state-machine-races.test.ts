import { randomUUID } from "node:crypto";
import type { AuditDb } from "@forusbots/db";
import { jobStages, jobs } from "@forusbots/db/schema";
import { harnessServerUrl, openDatabaseForTest } from "@forusbots/db/testing";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ConflictError } from "../errors.ts";
import { at } from "../testing/audit-database.ts";
import { raceWrites } from "../testing/racing-connections.ts";
import { expectRollupsEqualPlainAggregates } from "../testing/rollup-consistency.ts";
import { acceptJob, finishJob, recordStage, startJob, type WriteOutcome } from "./record-event.ts";

/**
 * Every state-machine write raced against itself. On PostgreSQL the racers are separate
 * connections held at a gate until each is waiting on the contested row, then released together:
 * each took its snapshot before any of them wrote, so a guard that trusted that snapshot instead
 * of re-checking the row it locks lets two of them win. On PGlite there is one connection and the
 * "race" is the same calls queued one after another, which the names say.
 */
const how =
  harnessServerUrl() === undefined
    ? "sequential on PGlite (one connection, the calls queue)"
    : "on separate PostgreSQL connections released together";

const iso = (date: Date) => date.toISOString();
const lockJob = (jobId: string) => sql`SELECT 1 FROM jobs WHERE job_id = ${jobId} FOR UPDATE`;

/** Who won (the call that stored), who found its event already there, who was refused. */
function tally(results: readonly PromiseSettledResult<WriteOutcome>[]) {
  const byOutcome = { stored: [] as number[], unchanged: [] as number[], conflict: [] as number[] };
  const unexpected: unknown[] = [];
  results.forEach((result, racer) => {
    if (result.status === "rejected") {
      if (result.reason instanceof ConflictError) byOutcome.conflict.push(racer);
      else unexpected.push(result.reason);
    } else if (result.value === "stored" || result.value === "unchanged") {
      byOutcome[result.value].push(racer);
    } else unexpected.push(result.value);
  });
  expect(unexpected).toEqual([]);
  return byOutcome;
}

/** The one winner: exactly one racer stored, the rest as `losers` says. */
function onlyWinner(
  results: readonly PromiseSettledResult<WriteOutcome>[],
  losers: "conflict" | "unchanged",
): number {
  const outcome = tally(results);
  expect(outcome.stored).toHaveLength(1);
  expect(outcome[losers]).toHaveLength(results.length - 1);
  return outcome.stored[0] ?? -1;
}

async function jobRow(db: AuditDb, jobId: string) {
  const rows = await db.select().from(jobs).where(eq(jobs.jobId, jobId));
  expect(rows).toHaveLength(1);
  return rows[0];
}

async function acceptedAndStarted(db: AuditDb, jobId: string): Promise<void> {
  await acceptJob(db, { jobId, botId: "bot-race", at: at(0) });
  await startJob(db, { jobId, at: at(1) });
}

describe(`acceptJob racing, ${how}`, () => {
  it("three bots accept one new job: one stores it, the others conflict, one row", async () => {
    const setup = await openDatabaseForTest();
    const jobId = randomUUID();
    const bots = ["bot-a", "bot-b", "bot-c"];
    const results = await raceWrites({
      setup,
      count: bots.length,
      // An uncommitted row with the same key holds each racer's INSERT until it is rolled back.
      hold: sql`INSERT INTO jobs (job_id, bot_id, state, accepted_at)
                VALUES (${jobId}, 'gate', 'queued', ${iso(at(0))}::timestamptz)`,
      release: "rollback",
      write: (db, racer) => acceptJob(db, { jobId, botId: bots[racer] ?? "", at: at(0, racer) }),
    });
    const winner = onlyWinner(results, "conflict");
    expect(await jobRow(setup.db, jobId)).toMatchObject({
      botId: bots[winner],
      state: "queued",
      acceptedAt: at(0, winner),
      startedAt: null,
      finishedAt: null,
    });
    expect(
      await setup.handle.query(sql`SELECT bot_id, total_jobs FROM job_metrics_by_bot`),
    ).toEqual([{ bot_id: bots[winner], total_jobs: 1 }]);
    await expectRollupsEqualPlainAggregates(setup.handle);
  });
});

describe(`startJob racing, ${how}`, () => {
  it("three start times for one queued job: one stores, the others conflict", async () => {
    const setup = await openDatabaseForTest();
    const jobId = randomUUID();
    await acceptJob(setup.db, { jobId, botId: "bot-race", at: at(0) });
    const results = await raceWrites({
      setup,
      count: 3,
      hold: lockJob(jobId),
      release: "commit",
      write: (db, racer) => startJob(db, { jobId, at: at(1, racer) }),
    });
    const winner = onlyWinner(results, "conflict");
    expect(await jobRow(setup.db, jobId)).toMatchObject({
      state: "running",
      acceptedAt: at(0),
      startedAt: at(1, winner),
      finishedAt: null,
    });
    await expectRollupsEqualPlainAggregates(setup.handle);
  });
});

describe(`recordStage racing, ${how}`, () => {
  it("one stage reported three ways: one row, the other two conflict", async () => {
    const setup = await openDatabaseForTest();
    const jobId = randomUUID();
    await acceptedAndStarted(setup.db, jobId);
    // Each differs from both others in status or end, so whichever wins, the rest conflict.
    const reports = [
      { status: "succeed", endedAt: at(2, 30) },
      { status: "fail", endedAt: at(2, 30) },
      { status: "succeed", endedAt: at(2, 45) },
    ] as const;
    const results = await raceWrites({
      setup,
      count: reports.length,
      // The stage's foreign key check takes a share lock on the job, which this holds off.
      hold: lockJob(jobId),
      release: "commit",
      write: (db, racer) => {
        const report = reports[racer];
        if (report === undefined) throw new Error(`no report for racer ${racer}`);
        return recordStage(db, { jobId, stageName: "login", startedAt: at(2), ...report });
      },
    });
    const winner = onlyWinner(results, "conflict");
    const stages = await setup.db.select().from(jobStages).where(eq(jobStages.jobId, jobId));
    expect(stages).toHaveLength(1);
    expect(stages[0]).toMatchObject({
      stageName: "login",
      startedAt: at(2),
      ...reports[winner],
      durationMs: winner === 2 ? 45_000 : 30_000,
    });
    await expectRollupsEqualPlainAggregates(setup.handle);
  });
});

describe(`finishJob racing, ${how}`, () => {
  it("four final states for one running job: exactly one stored, three conflict", async () => {
    const setup = await openDatabaseForTest();
    const jobId = randomUUID();
    await acceptedAndStarted(setup.db, jobId);
    const states = ["succeeded", "failed", "canceled", "failed"] as const;
    const results = await raceWrites({
      setup,
      count: states.length,
      hold: lockJob(jobId),
      release: "commit",
      write: (db, racer) =>
        finishJob(db, { jobId, state: states[racer] ?? "failed", at: at(2, racer) }),
    });
    const winner = onlyWinner(results, "conflict");
    expect(await jobRow(setup.db, jobId)).toMatchObject({
      state: states[winner],
      acceptedAt: at(0),
      startedAt: at(1),
      finishedAt: at(2, winner),
      // From at(1) to at(2, winner): one minute and `winner` seconds.
      durationMs: 60_000 + winner * 1000,
    });
    await expectRollupsEqualPlainAggregates(setup.handle);
  });
});

describe(`replays racing, ${how}`, () => {
  const RACERS = 3;

  it("one acceptance sent three times: stored once, unchanged twice", async () => {
    const setup = await openDatabaseForTest();
    const jobId = randomUUID();
    const results = await raceWrites({
      setup,
      count: RACERS,
      hold: sql`INSERT INTO jobs (job_id, bot_id, state, accepted_at)
                VALUES (${jobId}, 'gate', 'queued', ${iso(at(0))}::timestamptz)`,
      release: "rollback",
      write: (db) => acceptJob(db, { jobId, botId: "bot-race", at: at(0) }),
    });
    onlyWinner(results, "unchanged");
    expect(await jobRow(setup.db, jobId)).toMatchObject({ botId: "bot-race", state: "queued" });
    await expectRollupsEqualPlainAggregates(setup.handle);
  });

  it("one start sent three times: stored once, unchanged twice", async () => {
    const setup = await openDatabaseForTest();
    const jobId = randomUUID();
    await acceptJob(setup.db, { jobId, botId: "bot-race", at: at(0) });
    const results = await raceWrites({
      setup,
      count: RACERS,
      hold: lockJob(jobId),
      release: "commit",
      write: (db) => startJob(db, { jobId, at: at(1) }),
    });
    onlyWinner(results, "unchanged");
    expect(await jobRow(setup.db, jobId)).toMatchObject({ state: "running", startedAt: at(1) });
  });

  it("one stage sent three times: one row, unchanged twice", async () => {
    const setup = await openDatabaseForTest();
    const jobId = randomUUID();
    await acceptedAndStarted(setup.db, jobId);
    const stage = { jobId, stageName: "login", startedAt: at(2), endedAt: at(3) };
    const results = await raceWrites({
      setup,
      count: RACERS,
      hold: lockJob(jobId),
      release: "commit",
      write: (db) => recordStage(db, { ...stage, status: "succeed" }),
    });
    onlyWinner(results, "unchanged");
    const [row] = await setup.handle.query<{ copies: number }>(
      sql`SELECT count(*)::int AS copies FROM job_stages WHERE job_id = ${jobId}`,
    );
    expect(row).toEqual({ copies: 1 });
    await expectRollupsEqualPlainAggregates(setup.handle);
  });

  it("one finish sent three times: stored once, unchanged twice", async () => {
    const setup = await openDatabaseForTest();
    const jobId = randomUUID();
    await acceptedAndStarted(setup.db, jobId);
    const results = await raceWrites({
      setup,
      count: RACERS,
      hold: lockJob(jobId),
      release: "commit",
      write: (db) => finishJob(db, { jobId, state: "succeeded", at: at(3) }),
    });
    onlyWinner(results, "unchanged");
    expect(await jobRow(setup.db, jobId)).toMatchObject({
      state: "succeeded",
      finishedAt: at(3),
      durationMs: 120_000,
    });
    await expectRollupsEqualPlainAggregates(setup.handle);
  });
});
