import { fileURLToPath } from "node:url";
import {
  closedLoopbackPort,
  harnessServerUrl,
  type ProcessRun,
  RUN_TYPESCRIPT_FROM_SOURCE,
  runProcess,
  startProcess,
} from "@forusbots/db/testing";
import postgres from "postgres";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The small mode end to end, as CI runs it: a real process, real databases. The bench always
 * needs a PostgreSQL server (COPY, the spawned migrate commands) and always runs PGlite in
 * memory; it uses the harness's server, so the runs that need one are skipped when the harness
 * runs the suites on PGlite (CI's PostgreSQL run and its `pnpm bench` step cover them).
 */
const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const BENCH_DIR = fileURLToPath(new URL("..", import.meta.url));
const server = harnessServerUrl();
const serverUrl = server ?? "";
/** For the runs that need the server: skipped, by a name that says why, on PGlite. */
const describeWithServer = describe.skipIf(server === undefined);

const runBench = (args: string[]) =>
  runProcess(process.execPath, [...RUN_TYPESCRIPT_FROM_SOURCE, MAIN, ...args], {
    cwd: BENCH_DIR,
    timeoutMs: 600_000,
  });

/** The name prefix of one run's databases, from the line it prints first. */
function runPrefix(stderr: string): string {
  const prefix = /^bench: databases (forusbots_bench_[0-9a-f]{8}_)\* on /m.exec(stderr)?.[1];
  if (prefix === undefined) throw new Error(`no database prefix in: ${stderr}`);
  return prefix;
}

/** Databases of one run still on the server (other runs may be going on beside this one). */
async function databasesLeft(prefix: string): Promise<string[]> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ datname: string }[]>`
      SELECT datname FROM pg_database WHERE starts_with(datname, ${prefix})`;
    return rows.map((row) => row.datname);
  } finally {
    await sql.end();
  }
}

describeWithServer("pnpm bench, small mode (on the harness's PostgreSQL server)", () => {
  let result: ProcessRun;
  let summary: Record<string, unknown>;

  beforeAll(async () => {
    result = await runBench([
      "--jobs",
      "2000",
      "--runs",
      "5",
      "--pglite-jobs",
      "500",
      "--sparse-jobs",
      "500",
      "--spawn-runs",
      "1",
      "--live-writers",
      "4",
      "--live-seconds",
      "2",
      "--database-url",
      serverUrl,
    ]);
    const lastLine = result.stdout.trimEnd().split("\n").at(-1) ?? "";
    try {
      summary = JSON.parse(lastLine) as Record<string, unknown>;
    } catch {
      // Said here, or a failed run shows only "Unexpected end of JSON input".
      throw new Error(
        `the bench exited ${result.status} without a JSON line; its stderr ends:\n${result.stderr.slice(-3000)}`,
      );
    }
  }, 600_000);

  it("exits 0 and ends its output with one JSON object", () => {
    // The one "bench:" line of a good run names its databases; any other would be an error.
    expect(result.stderr).not.toMatch(/^bench: (?!databases )/m);
    expect(result.status).toBe(0);
    expect(typeof summary).toBe("object");
  });

  it("has every key the issue asks for, numbers where measured", () => {
    expect(summary.jobs).toBe(2000);
    for (const key of [
      "ingestRowsPerSec",
      "copyRowsPerSec",
      "metricsP50Ms",
      "metricsPlainP50Ms",
      "recentP50Ms",
      "stageSummaryP50Ms",
      "jobDetailP50Ms",
      "migrateNoopMs",
      "drizzleKitMigrateNoopMs",
    ]) {
      expect(typeof summary[key], key).toBe("number");
      expect(summary[key] as number, key).toBeGreaterThan(0);
    }
    // null only when the CLI cannot be spawned; present either way.
    expect(summary).toHaveProperty("cliStatusMs");
    expect(summary.cliStatusMs === null || typeof summary.cliStatusMs === "number").toBe(true);
    expect(summary).toHaveProperty("cliMigrateNoopMs");
  });

  it("records the machine's load as each phase began", () => {
    const phases = summary.phaseLoads as { phase: string; load1: number }[];
    expect(phases.map(({ phase }) => phase)).toEqual(
      expect.arrayContaining([
        "ingest through writeEventBatches",
        "ingest through COPY",
        "reads, 5 runs each",
      ]),
    );
    for (const { load1 } of phases) expect(load1).toBeGreaterThanOrEqual(0);
  });

  it("stored every event, the same rows both ways, and replays change nothing", () => {
    expect(summary.ingestRejected).toBe(0);
    expect(summary.sameRowsBothPaths).toBe(true);
    expect(summary.replayAllUnchanged).toBe(true);
  });

  it("finds getBotMetrics and the rollup view exactly equal to the plain aggregate, on both engines", () => {
    expect(summary.metricsExact).toBe(true);
    expect(summary.metricsViewExact).toBe(true);
    expect(summary.pgliteMetricsExact).toBe(true);
  });

  it("times the live load with and without the rollups and beside an ingest, every event stored", () => {
    for (const key of [
      "metricsPercentilesP50Ms",
      "stageSummaryPercentilesP50Ms",
      "liveEventsPerSec",
      "liveNoRollupsEventsPerSec",
      "liveP99Ms",
      "liveBesideIngestP99Ms",
      "liveControlEventsPerSec",
      "liveControlPercent",
    ]) {
      expect(typeof summary[key], key).toBe("number");
      expect(summary[key] as number, key).toBeGreaterThan(0);
    }
    expect(summary.liveWriters).toBe(4);
    expect(summary.liveBesideIngestIngestedEvents as number).toBeGreaterThan(0);
    expect(summary.liveNotStored).toBe(0);
  });

  it("times the time series again on sparse data, on both engines, each beside its plain query", () => {
    expect(summary.sparseJobs).toBe(500);
    for (const engine of ["sparse", "pgliteSparse"]) {
      for (const read of ["Day", "Hour", "HourCut", "Short"]) {
        for (const figure of ["P50Ms", "PlainP50Ms"]) {
          const key = `${engine}TimeSeries${read}${figure}`;
          expect(typeof summary[key], key).toBe("number");
          expect(summary[key] as number, key).toBeGreaterThan(0);
        }
      }
    }
    expect(result.stdout).toMatch(/Sparse data: 500 jobs over the same bots and days, PGlite/);
  });

  it("times the recorder's live path direct and durable, and the healthy database spools nothing", () => {
    for (const key of [
      "recorderDirectEventsPerSec",
      "recorderDurableEventsPerSec",
      "recorderDirectP99Ms",
      "recorderDurableP99Ms",
    ]) {
      expect(typeof summary[key], key).toBe("number");
      expect(summary[key] as number, key).toBeGreaterThan(0);
    }
    expect(typeof summary.recorderLossPercent).toBe("number");
    expect(summary.recorderSpooledHealthy).toBe(0);
  });

  it("prints the table before the JSON line", () => {
    expect(result.stdout).toMatch(/\| writeEventBatches, batches of 5000 +\|/);
    expect(result.stdout).toMatch(/\| getBotMetrics \(all bots, no percentiles\) +\|/);
  });

  it("drops the databases it created", async () => {
    expect(await databasesLeft(runPrefix(result.stderr))).toEqual([]);
  });
});

describeWithServer("pnpm bench, interrupted (on the harness's PostgreSQL server)", () => {
  it("drops its databases when stopped half-way with SIGTERM", async () => {
    const child = startProcess(
      process.execPath,
      [...RUN_TYPESCRIPT_FROM_SOURCE, MAIN, "--jobs", "200000", "--database-url", serverUrl],
      { cwd: BENCH_DIR, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    await new Promise<void>((resolve) => {
      child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
        // Past this line the first bench database exists and is being written.
        if (stderr.includes("ingest through writeEventBatches")) resolve();
      });
    });
    const prefix = runPrefix(stderr);
    expect(await databasesLeft(prefix)).toEqual([`${prefix}batch`]);
    child.kill("SIGTERM");
    expect(await exited).toBe(130);
    // One line says why it stopped; the connections it cut print nothing.
    expect(stderr.trim().split("\n").at(-1)).toBe("bench: SIGTERM, dropping the bench databases");
    expect(await databasesLeft(prefix)).toEqual([]);
  }, 120_000);
});

describe("pnpm bench, bad input", () => {
  it("names the flag in one line and exits with the usage status", async () => {
    const run = await runBench(["--jobs", "many"]);
    expect(run.stderr.trim()).toBe('bench: --jobs takes a whole number ≥ 1 (got "many")');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
  });

  it("says which server it cannot reach, without the password", async () => {
    const port = await closedLoopbackPort();
    const run = await runBench([
      "--database-url",
      `postgres://bench:s3cret@127.0.0.1:${port}/postgres`,
    ]);
    expect(run.stderr.trim().split("\n").at(-1)).toMatch(
      new RegExp(
        `^bench: cannot use PostgreSQL at postgres://bench:\\*\\*\\*@127\\.0\\.0\\.1:${port}/postgres for the bench databases: `,
      ),
    );
    expect(run.stderr).not.toContain("s3cret");
    expect(run.status).toBe(3);
  });
});
