import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@forusbots/db";
import { jobStages, jobs } from "@forusbots/db/schema";
import { closedLoopbackPort, createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { openAuditRecorder } from "@forusbots/queries";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-process.ts";

/** Where nothing listens: the database a bot could not reach (set before the tests). */
let DOWN = "";
const at = (seconds: number) => new Date(Date.UTC(2026, 2, 1) + seconds * 1000);

describe("forus-audit spool", () => {
  let database: TestDatabase;
  let spoolDir: string;
  const jobId = crypto.randomUUID();

  beforeAll(async () => {
    DOWN = `postgres://nobody@127.0.0.1:${await closedLoopbackPort()}/audit`;
    database = await createTestDatabase();
    spoolDir = mkdtempSync(join(tmpdir(), "audit-spool-"));
    // A bot ran while its database was down and closed: its events wait on disk.
    const audit = await openAuditRecorder(
      loadConfig({
        AUDIT_DB: "1",
        DATABASE_URL: DOWN,
        AUDIT_SPOOL_DIR: spoolDir,
        AUDIT_CLOSE_TIMEOUT_MS: "0",
      }),
    );
    await audit.acceptJob({ jobId, botId: "bot-spool", at: at(0), meta: { secret: "s3cr3t" } });
    await audit.startJob({ jobId, at: at(1) });
    await audit.recordStage({
      jobId,
      stageName: "fetch",
      startedAt: at(2),
      endedAt: at(3),
      status: "succeed",
    });
    await audit.finishJob({ jobId, state: "succeeded", at: at(4) });
    await audit.close();
  });
  afterAll(async () => {
    await database.dispose();
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it("status says what waits, held by nobody, without a database", async () => {
    const run = await runCli(["spool", "status", "--json"], {
      env: { AUDIT_SPOOL_DIR: spoolDir, DATABASE_URL: DOWN },
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const status = JSON.parse(run.stdout);
    expect(status).toMatchObject({ dir: spoolDir, events: 4, rejected: { events: 0 } });
    expect(status.segments).toHaveLength(1);
    expect(status.segments[0].heldByPid).toBeNull();
    expect(status.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
    const text = await runCli(["spool", "status"], { env: { AUDIT_SPOOL_DIR: spoolDir } });
    expect(text.stdout).toContain("4 event(s)");
    expect(text.stdout).toContain("nobody: run spool flush");
  });

  it("flush exits 3 while the database is down, naming no secret, and keeps every event", async () => {
    const run = await runCli(["spool", "flush", "--timeout", "300"], {
      env: { AUDIT_SPOOL_DIR: spoolDir, DATABASE_URL: DOWN },
    });
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/4 event\(s\) are still in the spool/);
    expect(run.stderr + run.stdout).not.toContain("s3cr3t");
    const status = await runCli(["spool", "status", "--json"], {
      env: { AUDIT_SPOOL_DIR: spoolDir },
    });
    expect(JSON.parse(status.stdout).events).toBe(4);
  });

  it("two flushes at once: one claims the segment, the other finds nothing; all of it lands once", async () => {
    const flush = () =>
      runCli(["spool", "flush", "--json"], { env: { ...database.env, AUDIT_SPOOL_DIR: spoolDir } });
    const runs = await Promise.all([flush(), flush()]);
    const reports = runs.map((run) => {
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      return JSON.parse(run.stdout) as {
        claimed: number;
        flushed: number;
        rejected: number;
        left: number;
      };
    });
    expect(reports.map((report) => report.claimed).sort()).toEqual([0, 4]);
    expect(reports.map((report) => report.flushed).sort()).toEqual([0, 4]);
    expect(reports.every((report) => report.rejected === 0 && report.left === 0)).toBe(true);
    const handle = await database.open();
    try {
      const [job] = await handle.db.select().from(jobs).where(eq(jobs.jobId, jobId));
      expect(job).toMatchObject({ botId: "bot-spool", state: "succeeded", durationMs: 3_000 });
      const stages = await handle.db.select().from(jobStages).where(eq(jobStages.jobId, jobId));
      expect(stages.map((stage) => stage.stageName)).toEqual(["fetch"]);
    } finally {
      await handle.close();
    }
    const status = await runCli(["spool", "status", "--json"], {
      env: { AUDIT_SPOOL_DIR: spoolDir },
    });
    expect(JSON.parse(status.stdout)).toMatchObject({ events: 0, segments: [] });
  });
});
