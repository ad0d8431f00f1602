import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabaseForTest } from "@forusbots/db/testing";
import { type SQL, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { type BatchReport, writeEvents } from "../ingest/write-events.ts";
import { exportEvents, exportLine } from "../reads/export-events.ts";
import { useAuditDatabase } from "../testing/audit-database.ts";
import { deadlocksOf } from "../testing/racing-connections.ts";
import { expectRollupsEqualPlainAggregates } from "../testing/rollup-consistency.ts";
import { checkpointPath, PruneArchive } from "./prune-archive.ts";
import { countPrunable, countStoredJobs, pruneJobs } from "./prune-jobs.ts";

const context = useAuditDatabase();
const folder = mkdtempSync(join(tmpdir(), "forusbots-prune-test-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 0, 1);
const BOTS = ["bot-a", "bot-b", "bot-c"];
const JOBS = 240;

/**
 * Job i: bot BOTS[i % 3], accepted on day ⌊i / 8⌋ (8 jobs a day for 30 days) at hour i % 24
 * plus i microseconds-worth of jitter, living by i % 4 one of four lives: queued (no stage),
 * running with 1 stage, succeeded with 2 stages, failed with 3 (the last one failed).
 */
function jobOf(i: number) {
  const jobId = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
  const accepted = START + Math.floor(i / 8) * DAY_MS + (i % 24) * 3_600_000 + i;
  const life = i % 4;
  return { jobId, botId: BOTS[i % 3] ?? "bot-a", accepted, life, stages: life };
}

function eventsOf(i: number): unknown[] {
  const job = jobOf(i);
  const iso = (offsetMs: number) => new Date(job.accepted + offsetMs).toISOString();
  const events: unknown[] = [
    { type: "job.accepted", jobId: job.jobId, botId: job.botId, at: iso(0), meta: { i } },
  ];
  if (job.life === 0) return events;
  events.push({ type: "job.started", jobId: job.jobId, at: iso(1000) });
  for (let s = 0; s < job.stages; s++) {
    const failed = job.life === 3 && s === job.stages - 1;
    events.push({
      type: "stage",
      jobId: job.jobId,
      stageName: `stage-${s}`,
      startedAt: iso(2000 + s * 1000),
      endedAt: iso(2500 + s * 1000 + (i % 7)),
      status: failed ? "fail" : "succeed",
      meta: {},
      ...(failed ? { error: { message: `job ${i} failed` } } : {}),
    });
  }
  if (job.life >= 2) {
    events.push({
      type: "job.finished",
      jobId: job.jobId,
      state: job.life === 2 ? "succeeded" : "failed",
      at: iso(9000 + i),
      ...(job.life === 3 ? { errorMessage: `job ${i} failed` } : {}),
    });
  }
  return events;
}

/** The jobs of the fixture that a prune with this filter removes, counted from the fixture. */
function expectedRemoval(before: number, botId?: string): { jobs: number; stages: number } {
  let jobs = 0;
  let stages = 0;
  for (let i = 0; i < JOBS; i++) {
    const job = jobOf(i);
    if (job.accepted < before && (botId === undefined || job.botId === botId)) {
      jobs += 1;
      stages += job.stages;
    }
  }
  return { jobs, stages };
}

async function storeFixture(): Promise<void> {
  await context.handle.query(sql`TRUNCATE jobs CASCADE`);
  const items = Array.from({ length: JOBS }, (_, i) => eventsOf(i))
    .flat()
    .map((event, position) => ({ position, event }));
  const report = await writeEvents(context.handle.db, items);
  expect(report.rejected).toEqual([]);
}

async function exportedLines(): Promise<string[]> {
  const lines: string[] = [];
  for await (const event of exportEvents(context.handle.db)) lines.push(exportLine(event));
  return lines;
}

const rows = (statement: SQL) => context.handle.query(statement);

async function storedCounts(): Promise<{ jobs: number; stages: number }> {
  const [row] = await rows(
    sql`SELECT (SELECT count(*) FROM jobs)::int AS jobs, (SELECT count(*) FROM job_stages)::int AS stages`,
  );
  return { jobs: Number(row?.jobs), stages: Number(row?.stages) };
}

describe("prune removes the jobs accepted before a time, and only those", () => {
  beforeAll(storeFixture);

  it("counts what it would remove, as the fixture says, and removes nothing for it", async () => {
    const before = new Date(START + 10 * DAY_MS);
    expect(await countPrunable(context.handle.db, { before })).toEqual(
      expectedRemoval(before.getTime()),
    );
    expect(await countPrunable(context.handle.db, { before, botId: "bot-b" })).toEqual(
      expectedRemoval(before.getTime(), "bot-b"),
    );
    // 8 jobs a day, 10 days: 80 jobs; lives cycle every 4, so 20 of each: 20·(0+1+2+3) stages.
    expect(expectedRemoval(before.getTime())).toEqual({ jobs: 80, stages: 120 });
    expect(await storedCounts()).toEqual({ jobs: JOBS, stages: 360 });
  });

  it("one bot's old jobs, in batches smaller than the removal, rollups exact after each run", async () => {
    const before = new Date(START + 12 * DAY_MS + 5 * 3_600_000);
    const expected = expectedRemoval(before.getTime(), "bot-c");
    const seen: number[] = [];
    const result = await pruneJobs(
      context.handle.db,
      { before, botId: "bot-c" },
      { batchSize: 7, onBatch: (removed) => seen.push(removed.jobs) },
    );
    expect({ jobs: result.jobs, stages: result.stages }).toEqual(expected);
    expect(result.batches).toBe(Math.ceil(expected.jobs / 7));
    expect(seen.at(-1)).toBe(expected.jobs);
    expect(await storedCounts()).toEqual({
      jobs: JOBS - expected.jobs,
      stages: 360 - expected.stages,
    });
    const [left] = await rows(
      sql`SELECT count(*)::int AS n FROM jobs WHERE bot_id = 'bot-c' AND accepted_at < ${before.toISOString()}::timestamptz`,
    );
    expect(left?.n).toBe(0);
    await expectRollupsEqualPlainAggregates(context.handle);
  });

  it("leaves no hourly rollup row at zero behind it, and a second run removes nothing", async () => {
    const before = new Date(START + 20 * DAY_MS);
    await pruneJobs(context.handle.db, { before });
    expect(
      await rows(sql`
        SELECT bot_id, hour FROM bot_job_hourly
        WHERE hour < ${before.toISOString()}::timestamptz
          AND queued_jobs + running_jobs + succeeded_jobs + failed_jobs + canceled_jobs = 0`),
    ).toEqual([]);
    await expectRollupsEqualPlainAggregates(context.handle);
    const again = await pruneJobs(context.handle.db, { before });
    expect(again).toEqual({ jobs: 0, stages: 0, batches: 0, emptyRollupRows: 0 });
    expect(await storedCounts()).toEqual({ jobs: 80, stages: 120 });
  });
});

describe("prune --archive: the removed jobs, in the export format, synced before the delete", () => {
  beforeEach(storeFixture);

  it("archive + what remains = the original export, line for line", async () => {
    const original = await exportedLines();
    const path = join(folder, "whole.jsonl");
    const { archive, resumed } = await PruneArchive.open(path, (ids) =>
      countStoredJobs(context.handle.db, ids),
    );
    expect(resumed).toBeNull();
    const before = new Date(START + 15 * DAY_MS);
    await pruneJobs(context.handle.db, { before }, { archive, batchSize: 25 });
    await archive.complete();
    expect(() => statSync(checkpointPath(path))).toThrow();
    const archived = readFileSync(path, "utf8").split(/(?<=\n)/);
    // Export is oldest first, so the archive is exactly the original's first 120 jobs' lines.
    expect([...archived, ...(await exportedLines())]).toEqual(original);
    await expectRollupsEqualPlainAggregates(context.handle);
  });

  it("restores exactly: ingesting the archive back gives the original export", async () => {
    const original = await exportedLines();
    const path = join(folder, "restore.jsonl");
    const { archive } = await PruneArchive.open(path, (ids) =>
      countStoredJobs(context.handle.db, ids),
    );
    await pruneJobs(context.handle.db, { before: new Date(START + 9 * DAY_MS) }, { archive });
    await archive.complete();
    const items = readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line, position) => ({ position, event: JSON.parse(line) }));
    const report = await writeEvents(context.handle.db, items);
    expect(report.rejected).toEqual([]);
    expect(report.stored).toBe(items.length);
    expect(await exportedLines()).toEqual(original);
    await expectRollupsEqualPlainAggregates(context.handle);
  });

  it("refuses a file that exists and is no interrupted prune's archive", async () => {
    const path = join(folder, "restore.jsonl");
    await expect(PruneArchive.open(path, async () => 0)).rejects.toThrow(
      /already exists and is not the archive of an interrupted prune/,
    );
  });

  it("interrupted after a batch was archived but before its delete committed: cut off and archived once", async () => {
    const original = await exportedLines();
    const path = join(folder, "uncommitted.jsonl");
    const countStored = (ids: readonly string[]) => countStoredJobs(context.handle.db, ids);
    const first = await PruneArchive.open(path, countStored);
    const before = new Date(START + 6 * DAY_MS);
    await pruneJobs(
      context.handle.db,
      { before: new Date(START + 3 * DAY_MS) },
      {
        archive: first.archive,
        batchSize: 10,
      },
    );
    // What a kill between the append and the COMMIT leaves: the next batch's lines on disk and
    // named in the checkpoint, its jobs still stored.
    const nextBatch = Array.from({ length: 10 }, (_, k) => jobOf(24 + k).jobId);
    await first.archive.append(nextBatch, "a batch whose delete never committed\n".repeat(10));
    await first.archive.abandon();

    const second = await PruneArchive.open(path, countStored);
    expect(second.resumed?.discardedBytes).toBe(
      Buffer.byteLength("a batch whose delete never committed\n") * 10,
    );
    await pruneJobs(context.handle.db, { before }, { archive: second.archive, batchSize: 10 });
    await second.archive.complete();
    const archived = readFileSync(path, "utf8").split(/(?<=\n)/);
    expect(expectedRemoval(before.getTime()).jobs).toBe(48);
    expect([...archived, ...(await exportedLines())]).toEqual(original);
  });

  it("interrupted after a delete committed but before the prune finished: its lines are kept", async () => {
    const original = await exportedLines();
    const path = join(folder, "committed.jsonl");
    const countStored = (ids: readonly string[]) => countStoredJobs(context.handle.db, ids);
    const first = await PruneArchive.open(path, countStored);
    await pruneJobs(
      context.handle.db,
      { before: new Date(START + 4 * DAY_MS) },
      {
        archive: first.archive,
        batchSize: 10,
      },
    );
    // The checkpoint still names the last batch as in flight (complete() never ran).
    await first.archive.abandon();
    const sizeBefore = statSync(path).size;
    const second = await PruneArchive.open(path, countStored);
    expect(second.resumed).toEqual({ keptBytes: sizeBefore, discardedBytes: 0 });
    await pruneJobs(
      context.handle.db,
      { before: new Date(START + 8 * DAY_MS) },
      {
        archive: second.archive,
      },
    );
    await second.archive.complete();
    const archived = readFileSync(path, "utf8").split(/(?<=\n)/);
    expect([...archived, ...(await exportedLines())]).toEqual(original);
  });
});

describe.skipIf(inject("auditTestDatabase").engine !== "postgres")(
  "prune beside batch writers that lock the same rollup rows the other way round",
  () => {
    it("neither deadlocks nor loses or doubles a job, and the rollups stay exact", async () => {
      const setup = await openDatabaseForTest();
      const OLD_JOBS = 24;
      const WRITERS = 4;
      const ROUNDS = 10;
      const minute = (base: number, minutes: number) =>
        new Date(base + minutes * 60_000).toISOString();
      // A whole job with one 60-second "fetch" stage: every stage of this test lands in the same
      // stage_totals bucket (same name, same duration), spread over its slots.
      const wholeJob = (jobId: string, botId: string, base: number, finished: boolean) => [
        { type: "job.accepted", jobId, botId, at: minute(base, 0) },
        { type: "job.started", jobId, at: minute(base, 1) },
        {
          type: "stage",
          jobId,
          stageName: "fetch",
          startedAt: minute(base, 2),
          endedAt: minute(base, 3),
          status: "succeed",
        },
        ...(finished
          ? [{ type: "job.finished", jobId, state: "succeeded", at: minute(base, 4) }]
          : []),
      ];
      const positioned = (events: unknown[]) =>
        events.map((event, position) => ({ position, event }));
      const OLD_BASE = Date.UTC(2020, 0, 1);
      const RECENT_BASE = Date.UTC(2024, 0, 1);
      const oldJobs = Array.from({ length: OLD_JOBS }, (_, i) =>
        wholeJob(randomUUID(), "bot-old", OLD_BASE + i * 3_600_000, true),
      );
      // Jobs of the pruned bot that stay (accepted after the cut), running: the writers finish them.
      const running = Array.from({ length: WRITERS * ROUNDS }, () => randomUUID());
      const setupReport = await writeEvents(
        setup.db,
        positioned([
          ...oldJobs.flat(),
          ...running.flatMap((jobId, i) =>
            wholeJob(jobId, "bot-old", RECENT_BASE + i * 60_000, false).slice(0, 2),
          ),
        ]),
      );
      expect(setupReport.rejected).toEqual([]);

      // Each batch writes a new job of its writer's bot with its stage (that bot's rollup rows,
      // then the "fetch" row), then finishes a running job of bot-old (bot-old's rows). A prune
      // batch of bot-old's old jobs locks bot-old's rows, then the "fetch" row as it deletes the
      // stage: without one lock for both, each can hold what the other waits for.
      const writers = await setup.database.open({ maxConnections: WRITERS });
      const pruner = await setup.database.open({ maxConnections: 1 });
      const before = await deadlocksOf(setup.handle);
      const reports: BatchReport[] = [];
      let pruned: Awaited<ReturnType<typeof pruneJobs>> | undefined;
      try {
        const writing = Array.from({ length: WRITERS }, async (_, writer) => {
          for (let round = 0; round < ROUNDS; round++) {
            const finishing = running[round * WRITERS + writer] ?? "";
            reports.push(
              await writeEvents(
                writers.db,
                positioned([
                  ...wholeJob(randomUUID(), `bot-new-${writer}`, RECENT_BASE, true),
                  {
                    type: "job.finished",
                    jobId: finishing,
                    state: "succeeded",
                    at: minute(RECENT_BASE, 2_000),
                  },
                ]),
              ),
            );
          }
        });
        const pruning = pruneJobs(
          pruner.db,
          { before: new Date(Date.UTC(2021, 0, 1)) },
          { batchSize: 1 },
        ).then((result) => {
          pruned = result;
        });
        await Promise.all([...writing, pruning]);
      } finally {
        await writers.close();
        await pruner.close();
      }

      expect(await deadlocksOf(setup.handle)).toBe(before);
      // Counted from the fixture: every old job (one stage each) removed, in batches of one.
      expect(pruned).toMatchObject({ jobs: OLD_JOBS, stages: OLD_JOBS, batches: OLD_JOBS });
      expect(reports).toHaveLength(WRITERS * ROUNDS);
      for (const report of reports)
        expect(report).toEqual({ stored: 5, unchanged: 0, rejected: [] });
      const [stored] = await setup.handle.query<Record<string, number>>(
        sql`SELECT count(*) FILTER (WHERE bot_id = 'bot-old')::int AS old_bot,
                   count(*) FILTER (WHERE bot_id <> 'bot-old')::int AS new_bots,
                   count(*) FILTER (WHERE state = 'succeeded')::int AS succeeded,
                   (SELECT count(*)::int FROM job_stages) AS stages
            FROM jobs`,
      );
      // bot-old keeps its recent jobs, all finished now; each batch added one job with a stage.
      expect(stored).toEqual({
        old_bot: WRITERS * ROUNDS,
        new_bots: WRITERS * ROUNDS,
        succeeded: 2 * WRITERS * ROUNDS,
        stages: WRITERS * ROUNDS,
      });
      await expectRollupsEqualPlainAggregates(setup.handle);
    }, 60_000);
  },
);
