import { randomUUID } from "node:crypto";
import type { AuditDb } from "@forusbots/db";
import { jobStages, jobs } from "@forusbots/db/schema";
import { asc, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import type { AuditEvent } from "../events/schemas.ts";
import { writeEvents } from "../ingest/write-events.ts";
import { at, useAuditDatabase } from "../testing/audit-database.ts";
import { exportEvents } from "./export-events.ts";

const source = useAuditDatabase();

/** More jobs than one export page (500), four accepted in each minute so pages split ties. */
const JOBS = 1100;

/**
 * Job i belongs to bot-(i % 3), is accepted at minute ⌊i / 4⌋, and lives one of five lives by
 * i % 5, with 1, 3, 5, 4 and 2 events: 15 events for every 5 jobs.
 */
function jobEvents(i: number): unknown[] {
  const jobId = randomUUID();
  const minute = Math.floor(i / 4);
  const accepted = {
    type: "job.accepted",
    jobId,
    botId: `bot-${i % 3}`,
    at: at(minute).toISOString(),
    meta: { i },
    ...(i % 2 === 0
      ? { createdBy: { name: "ana", role: "operator", at: "2024-01-01T00:00:00Z" } }
      : {}),
  };
  const started = { type: "job.started", jobId, at: at(minute, 1).toISOString() };
  const stage = (name: string, status: "succeed" | "fail", error?: object) => ({
    type: "stage",
    jobId,
    stageName: name,
    startedAt: at(minute, 2).toISOString(),
    endedAt: at(minute, 3).toISOString(),
    status,
    meta: { name },
    ...(error ? { error } : {}),
  });
  const finished = (state: string, extra: object = {}) => ({
    type: "job.finished",
    jobId,
    state,
    at: at(minute, 4).toISOString(),
    ...extra,
  });
  switch (i % 5) {
    case 0:
      return [accepted];
    case 1:
      return [accepted, started, stage("login", "succeed")];
    case 2:
      return [
        accepted,
        started,
        stage("login", "succeed"),
        stage("submit", "succeed"),
        finished("succeeded", { result: { rows: i } }),
      ];
    case 3:
      return [
        accepted,
        started,
        stage("login", "fail", { code: "E1" }),
        finished("failed", { errorMessage: `job ${i} failed` }),
      ];
    default:
      return [accepted, finished("canceled")];
  }
}

async function collect(events: AsyncIterable<AuditEvent>): Promise<AuditEvent[]> {
  const all: AuditEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/** Everything stored, in an order that does not depend on insertion (stage ids aside). */
async function snapshot(db: AuditDb) {
  const jobRows = await db.select().from(jobs).orderBy(asc(jobs.jobId));
  const stageRows = await db
    .select()
    .from(jobStages)
    .orderBy(asc(jobStages.jobId), asc(jobStages.startedAt), asc(jobStages.stageName));
  return { jobRows, stageRows: stageRows.map(({ id: _, ...stage }) => stage) };
}

beforeAll(async () => {
  const events = Array.from({ length: JOBS }, (_, i) => jobEvents(i)).flat();
  const report = await writeEvents(
    source.db,
    events.map((event, position) => ({ position, event })),
  );
  expect(report).toEqual({ stored: 3300, unchanged: 0, rejected: [] });
});

describe("exportEvents", () => {
  const target = useAuditDatabase();

  it("writes every job as its events, which rebuild the same rows in another database", async () => {
    const exported = await collect(exportEvents(source.db));
    expect(exported).toHaveLength(3300); // 1100 jobs × 15 events / 5 jobs
    // As a file would carry them: one JSON document per line.
    const lines = exported.map((event) => JSON.stringify(event));
    const items = lines.map((line, index) => ({ position: index + 1, event: JSON.parse(line) }));
    for (let start = 0; start < items.length; start += 1000) {
      const report = await writeEvents(target.db, items.slice(start, start + 1000));
      expect(report.rejected).toEqual([]);
    }
    expect(await snapshot(target.db)).toEqual(await snapshot(source.db));

    const again = await writeEvents(target.db, items);
    expect(again).toEqual({ stored: 0, unchanged: 3300, rejected: [] });
  });

  it("lists jobs oldest first, each job's events in lifecycle order", async () => {
    const exported = await collect(exportEvents(source.db));
    const accepted = exported.filter((event) => event.type === "job.accepted");
    const times = accepted.map((event) => event.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(accepted.map((event) => event.jobId)).size).toBe(JOBS);
    const order = ["job.accepted", "job.started", "stage", "job.finished"];
    const seenStep = new Map<string, number>();
    for (const event of exported) {
      const step = order.indexOf(event.type);
      expect(step).toBeGreaterThanOrEqual(seenStep.get(event.jobId) ?? 0);
      seenStep.set(event.jobId, step);
    }
  });

  it("keeps one bot's jobs", async () => {
    const exported = await collect(exportEvents(source.db, { botId: "bot-0" }));
    // i % 3 = 0 takes the lives i % 5 = 0, 3, 1, 4, 2 in each 15 jobs: 1 + 4 + 3 + 2 + 5 = 15
    // events; 1100 = 73 × 15 + 5, and of the last five jobs i = 1095 and 1098 (lives 0 and 3).
    expect(exported).toHaveLength(73 * 15 + 1 + 4);
    expect(new Set(exported.map((event) => event.type === "job.accepted" && event.botId))).toEqual(
      new Set([false, "bot-0"]),
    );
  });

  it("keeps the jobs accepted in [from, to)", async () => {
    // Minutes 10 to 19 hold jobs 40 to 79: eight rounds of the five lives, 15 events each.
    const exported = await collect(exportEvents(source.db, { from: at(10), to: at(20) }));
    expect(exported).toHaveLength(8 * 15);
  });

  it("refuses a bad filter at once, before any read", () => {
    expect(() => exportEvents(source.db, { from: "soon" })).toThrow(ValidationError);
  });
});

describe("exportEvents of a stage stored without an end time", () => {
  const legacy = useAuditDatabase();
  const restored = useAuditDatabase();

  it('writes "endedAt": null, which ingest restores as the same row', async () => {
    // As a database written before stages needed an end, or adopted from psql scripts, holds it.
    const jobId = randomUUID();
    await legacy.db.execute(sql`
      INSERT INTO jobs (job_id, bot_id, state, accepted_at, started_at)
      VALUES (${jobId}, 'bot-legacy', 'running', ${at(0).toISOString()}, ${at(1).toISOString()})`);
    await legacy.db.execute(sql`
      INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status)
      VALUES (${jobId}, 'login', ${at(2).toISOString()}, NULL, 'succeed')`);

    const lines = (await collect(exportEvents(legacy.db))).map((event) => JSON.stringify(event));
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[2] ?? "")).toMatchObject({ type: "stage", endedAt: null });

    const items = lines.map((line, index) => ({ position: index + 1, event: JSON.parse(line) }));
    expect(await writeEvents(restored.db, items)).toEqual({
      stored: 3,
      unchanged: 0,
      rejected: [],
    });
    expect(await snapshot(restored.db)).toEqual(await snapshot(legacy.db));
    const [stage] = (await snapshot(restored.db)).stageRows;
    expect(stage).toMatchObject({ stageName: "login", endedAt: null, durationMs: null });
    // A replay finds it there.
    expect(await writeEvents(restored.db, items)).toEqual({
      stored: 0,
      unchanged: 3,
      rejected: [],
    });
  });
});
