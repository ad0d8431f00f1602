import { UsageError } from "@forusbots/db";
import { describe, expect, it } from "vitest";
import { parseBenchArguments } from "./arguments.ts";

describe("bench arguments", () => {
  it("defaults to the issue's data set: 1,000,000 jobs, 50 bots, 90 days, 50 runs", () => {
    expect(parseBenchArguments([])).toEqual({
      help: false,
      options: {
        jobs: 1_000_000,
        bots: 50,
        days: 90,
        runs: 50,
        pgliteJobs: 100_000,
        sparseJobs: 10_000,
        batchSize: 5_000,
        spawnRuns: 5,
        liveWriters: 16,
        liveSeconds: 20,
        seed: 20_261_125,
        databaseUrl: undefined,
      },
    });
  });

  it("reads counts written with thousands separators", () => {
    const command = parseBenchArguments(["--jobs", "10_000", "--pglite-jobs", "2,000"]);
    expect(command.help === false && [command.options.jobs, command.options.pgliteJobs]).toEqual([
      10_000, 2_000,
    ]);
  });

  it("loads PGlite with no more jobs than the run asks for, unless told", () => {
    const small = parseBenchArguments(["--jobs", "10000"]);
    expect(small.help === false && small.options.pgliteJobs).toBe(10_000);
    const told = parseBenchArguments(["--jobs", "10000", "--pglite-jobs", "500"]);
    expect(told.help === false && told.options.pgliteJobs).toBe(500);
  });

  it("makes the sparse data set no larger than the run's, unless told", () => {
    const small = parseBenchArguments(["--jobs", "2000"]);
    expect(small.help === false && small.options.sparseJobs).toBe(2_000);
    const told = parseBenchArguments(["--jobs", "2000", "--sparse-jobs", "5,000"]);
    expect(told.help === false && told.options.sparseJobs).toBe(5_000);
  });

  it("refuses a count that is not a whole number ≥ 1, naming the flag", () => {
    expect(() => parseBenchArguments(["--runs", "0"])).toThrow(
      new UsageError('--runs takes a whole number ≥ 1 (got "0")'),
    );
    expect(() => parseBenchArguments(["--jobs", "1e6"])).toThrow(/^--jobs takes a whole number/);
  });

  it("refuses more days than one day series spans, as the read of it would", () => {
    const longest = parseBenchArguments(["--days", "1000"]);
    expect(longest.help === false && longest.options.days).toBe(1000);
    expect(() => parseBenchArguments(["--days", "1001"])).toThrow(
      new UsageError('--days takes at most 1000, the days one series spans (got "1001")'),
    );
  });

  it("refuses an unknown flag as a usage error", () => {
    expect(() => parseBenchArguments(["--job", "5"])).toThrow(UsageError);
  });

  it("asks for help with --help", () => {
    expect(parseBenchArguments(["--help"])).toEqual({ help: true });
  });
});
