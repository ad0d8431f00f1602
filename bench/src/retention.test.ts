import { fileURLToPath } from "node:url";
import { harnessServerUrl, RUN_TYPESCRIPT_FROM_SOURCE, runProcess } from "@forusbots/db/testing";
import { describe, expect, it } from "vitest";
import { DATASET_END, generateJobs } from "./generate-jobs.ts";

/**
 * The retention phases end to end in small mode, on the harness's PostgreSQL server (COPY and
 * the partitioned prototype need one; skipped on PGlite, as bench.test.ts is).
 */
const RETENTION_MAIN = fileURLToPath(new URL("./retention-main.ts", import.meta.url));
const BENCH_DIR = fileURLToPath(new URL("..", import.meta.url));
const server = harnessServerUrl();
const SHAPE = { jobs: 3000, bots: 8, days: 90, seed: 7 };

describe.skipIf(server === undefined)("retention bench, small mode", () => {
  it("prunes exactly the oldest month, keeps the metrics exact both ways, and reports the issue's keys", async () => {
    const run = await runProcess(
      process.execPath,
      [
        ...RUN_TYPESCRIPT_FROM_SOURCE,
        RETENTION_MAIN,
        ...["--jobs", String(SHAPE.jobs), "--bots", String(SHAPE.bots)],
        ...["--seed", String(SHAPE.seed), "--runs", "3", "--database-url", server ?? ""],
      ],
      { cwd: BENCH_DIR, timeoutMs: 600_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout.trimEnd().split("\n").at(-1) ?? "") as Record<
      string,
      unknown
    >;
    // The oldest 30 of the 90 days, counted from the generator itself.
    const cut = DATASET_END.getTime() - 60 * 86_400_000;
    const older = [...generateJobs(SHAPE)].filter((job) => job.acceptedAt.getTime() < cut);
    expect(older.length).toBeGreaterThan(0);
    expect(summary.pruneJobs).toBe(older.length);
    for (const key of ["pruneMonthMs", "pruneLiveP99Ms", "partitionDropMonthMs"]) {
      expect(typeof summary[key], key).toBe("number");
      expect(summary[key] as number, key).toBeGreaterThan(0);
    }
    expect(summary.pruneMetricsExact).toBe(true);
    expect(summary.partitionDropMetricsExact).toBe(true);
    // The prototype's first partition is the calendar month the data set starts in.
    const firstMonth = new Date(DATASET_END.getTime() - 90 * 86_400_000);
    const monthEnd = Date.UTC(firstMonth.getUTCFullYear(), firstMonth.getUTCMonth() + 1, 1);
    expect(summary.partitionDropJobs).toBe(
      [...generateJobs(SHAPE)].filter((job) => job.acceptedAt.getTime() < monthEnd).length,
    );
    expect(run.stdout).toMatch(/\| pruneJobs before \d{4}-\d{2}-\d{2}, batches of 500/);
  }, 600_000);
});
