import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { jobStages, jobs } from "@forusbots/db/schema";
import { createTestDatabase, runProcess, type TestDatabase } from "@forusbots/db/testing";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, TSC_TIMEOUT_MS } from "./build-app.ts";

const APP = fileURLToPath(new URL("..", import.meta.url));
const MAIN = join(APP, "dist", "main.js");

let database: TestDatabase;
let spoolDir: string;

// Bounded by the compiler's own limit, not the 60 s hook default: the build is a tsc run.
beforeAll(async () => {
  await buildApp();
  database = await createTestDatabase();
  spoolDir = mkdtempSync(join(tmpdir(), "example-bot-spool-"));
}, TSC_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await database?.dispose();
  if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
});

/** Runs the bot as `pnpm start` does (plain node on its build) against the test's database. */
async function runBot(args: string[], audit: "on" | "off" = "on") {
  const run = await runProcess(process.execPath, [MAIN, ...args], {
    cwd: APP,
    env: {
      ...database.env,
      AUDIT_SPOOL_DIR: spoolDir,
      ...(audit === "on" ? { AUDIT_DB: "1" } : {}),
    },
  });
  const lines = run.stdout.trim().split("\n");
  expect(lines, run.stderr).toHaveLength(1);
  return { ...run, report: JSON.parse(lines[0] ?? "") as Record<string, unknown> };
}

/** What the database holds of one job; the handle is closed before the next bot opens it. */
async function recorded(jobId: string) {
  const handle = await database.open();
  try {
    const jobRows = await handle.db.select().from(jobs).where(eq(jobs.jobId, jobId));
    const stages = await handle.db
      .select()
      .from(jobStages)
      .where(eq(jobStages.jobId, jobId))
      .orderBy(asc(jobStages.startedAt));
    return { job: jobRows[0], stages };
  } finally {
    await handle.close();
  }
}

const outline = (stages: Awaited<ReturnType<typeof recorded>>["stages"]) =>
  stages.map(({ stageName, status, meta, error }) => ({ stageName, status, meta, error }));

describe("the example bot", () => {
  it("records a succeeded job with its three stages and its result", async () => {
    const run = await runBot(["--invoices", "2"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.report).toMatchObject({
      state: "succeeded",
      result: { submitted: 2, invoices: ["INV-1", "INV-2"] },
    });
    const { job, stages } = await recorded(String(run.report.jobId));
    expect(job).toMatchObject({
      botId: "example-invoice-bot",
      state: "succeeded",
      meta: { invoices: 2 },
      result: { submitted: 2, invoices: ["INV-1", "INV-2"] },
      errorMessage: null,
    });
    expect(outline(stages)).toEqual([
      { stageName: "login", status: "succeed", meta: {}, error: null },
      { stageName: "fetch-invoices", status: "succeed", meta: { expected: 2 }, error: null },
      { stageName: "submit", status: "succeed", meta: {}, error: null },
    ]);
    // Each stage waited on the simulated portal (5 ms) and ended before the job did.
    for (const stage of stages) {
      expect(stage.durationMs).toBeGreaterThanOrEqual(4);
      expect(stage.endedAt?.getTime()).toBeLessThanOrEqual(job?.finishedAt?.getTime() ?? 0);
    }
    // close() drained everything into the database: no segment waits in the spool.
    expect(readdirSync(spoolDir).filter((file) => file.startsWith("events-"))).toEqual([]);
  });

  it("records the failed stage's error as the failed job's, and exits 1", async () => {
    const run = await runBot(["--invoices", "2", "--fail-at", "submit"]);
    expect(run.status, run.stderr).toBe(1);
    expect(run.report).toMatchObject({ state: "failed", error: "portal rejected INV-2" });
    const { job, stages } = await recorded(String(run.report.jobId));
    expect(job).toMatchObject({
      state: "failed",
      errorMessage: "portal rejected INV-2",
      result: null,
    });
    expect(outline(stages)).toEqual([
      { stageName: "login", status: "succeed", meta: {}, error: null },
      { stageName: "fetch-invoices", status: "succeed", meta: { expected: 2 }, error: null },
      {
        stageName: "submit",
        status: "fail",
        meta: {},
        error: { name: "Error", message: "portal rejected INV-2" },
      },
    ]);
  });

  it("stops at a failed login: no later stage is recorded", async () => {
    const run = await runBot(["--fail-at", "login"]);
    expect(run.status, run.stderr).toBe(1);
    const { job, stages } = await recorded(String(run.report.jobId));
    expect(job).toMatchObject({ state: "failed", errorMessage: "portal refused the login" });
    expect(outline(stages)).toEqual([
      {
        stageName: "login",
        status: "fail",
        meta: {},
        error: { name: "Error", message: "portal refused the login" },
      },
    ]);
  });

  it("with AUDIT_DB unset still does its work and records nothing", async () => {
    const run = await runBot(["--invoices", "1"], "off");
    expect(run.status, run.stderr).toBe(0);
    expect(run.report).toMatchObject({ state: "succeeded", result: { submitted: 1 } });
    const { job, stages } = await recorded(String(run.report.jobId));
    expect(job).toBeUndefined();
    expect(stages).toEqual([]);
  });

  it("refuses a bad option with the usage status 2, before opening any database", async () => {
    const run = await runProcess(process.execPath, [MAIN, "--invoices", "x"], {
      cwd: APP,
      env: { ...database.env, AUDIT_SPOOL_DIR: spoolDir, AUDIT_DB: "1" },
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe('example-bot: --invoices: a whole number from 0 to 1000, got "x"\n');
  });
});
