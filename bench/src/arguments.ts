import { parseArgs } from "node:util";
import { UsageError } from "@forusbots/db";
import { INGEST_BATCH_SIZE } from "@forusbots/queries";
import { MAX_TIMELINE_BUCKETS } from "@forusbots/queries/contract";

export const BENCH_USAGE = `Usage: pnpm bench [options]

Creates its own PostgreSQL databases (forusbots_bench_*) on the server of --database-url, or of
DATABASE_URL, or on postgres://postgres@127.0.0.1:5432/postgres; loads a generated data set;
measures ingest, reads, migrations, CLI start-up, live load and PGlite, each against a baseline;
drops the databases. Prints a table, then one JSON line.

Options:
  --jobs N            jobs in the data set (default 1000000)
  --bots N            bots the jobs are spread over (default 50)
  --days N            days the jobs are spread over (default 90, at most ${MAX_TIMELINE_BUCKETS}: one
                      day series of the reads spans them all)
  --runs N            measured runs of each read (default 50)
  --pglite-jobs N     jobs loaded into the in-memory PGlite for its reads (default 100000,
                      or --jobs when that is smaller)
  --sparse-jobs N     jobs of the sparse data set the time series are measured on again, on
                      PostgreSQL and PGlite: the same bots and days, about one job per hour of a
                      bot at the default 10000, or --jobs when that is smaller (the rollup then
                      saves no rows)
  --batch-size N      events per writeEventBatches batch (default ${INGEST_BATCH_SIZE}, as forus-audit ingest)
  --spawn-runs N      measured runs of each spawned command (default 5)
  --live-writers N    recorders writing at once in the live-load phase, each on its own
                      connection (default 16)
  --live-seconds N    how long each live-load run lasts (default 20; with and without the
                      rollups, in 4 rounds taken in turn)
  --seed N            seed of the data generator (default 20261125)
  --database-url URL  PostgreSQL server to create the bench databases on
  --help              show this text`;

export interface BenchOptions {
  jobs: number;
  bots: number;
  days: number;
  runs: number;
  pgliteJobs: number;
  sparseJobs: number;
  batchSize: number;
  spawnRuns: number;
  liveWriters: number;
  liveSeconds: number;
  seed: number;
  databaseUrl: string | undefined;
}

export type BenchCommand = { help: true } | { help: false; options: BenchOptions };

const COUNTS = {
  jobs: 1_000_000,
  bots: 50,
  days: 90,
  runs: 50,
  "pglite-jobs": 100_000,
  "sparse-jobs": 10_000,
  "batch-size": INGEST_BATCH_SIZE,
  "spawn-runs": 5,
  "live-writers": 16,
  "live-seconds": 20,
  seed: 20_261_125,
} as const;

type CountFlag = keyof typeof COUNTS;

/** Digits only, with `_` or `,` allowed as thousands separators (`--jobs 1_000_000`). */
function count(flag: CountFlag, value: string | undefined): number {
  if (value === undefined) return COUNTS[flag];
  const digits = value.replace(/[_,]/g, "");
  if (!/^\d+$/.test(digits) || Number(digits) < 1 || !Number.isSafeInteger(Number(digits))) {
    throw new UsageError(`--${flag} takes a whole number ≥ 1 (got "${value}")`);
  }
  return Number(digits);
}

export function parseBenchArguments(args: readonly string[]): BenchCommand {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(args).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (see --help)`);
  }
  if (values.help) return { help: true };
  const days = count("days", values.days);
  if (days > MAX_TIMELINE_BUCKETS) {
    throw new UsageError(
      `--days takes at most ${MAX_TIMELINE_BUCKETS}, the days one series spans (got "${values.days}")`,
    );
  }
  return {
    help: false,
    options: {
      jobs: count("jobs", values.jobs),
      bots: count("bots", values.bots),
      days,
      runs: count("runs", values.runs),
      // A small run stays small: PGlite never loads more jobs than the run asks for.
      pgliteJobs:
        values["pglite-jobs"] === undefined
          ? Math.min(COUNTS["pglite-jobs"], count("jobs", values.jobs))
          : count("pglite-jobs", values["pglite-jobs"]),
      sparseJobs:
        values["sparse-jobs"] === undefined
          ? Math.min(COUNTS["sparse-jobs"], count("jobs", values.jobs))
          : count("sparse-jobs", values["sparse-jobs"]),
      batchSize: count("batch-size", values["batch-size"]),
      spawnRuns: count("spawn-runs", values["spawn-runs"]),
      liveWriters: count("live-writers", values["live-writers"]),
      liveSeconds: count("live-seconds", values["live-seconds"]),
      seed: count("seed", values.seed),
      databaseUrl: values["database-url"],
    },
  };
}

const parse = (args: readonly string[]) =>
  parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      jobs: { type: "string" },
      bots: { type: "string" },
      days: { type: "string" },
      runs: { type: "string" },
      "pglite-jobs": { type: "string" },
      "sparse-jobs": { type: "string" },
      "batch-size": { type: "string" },
      "spawn-runs": { type: "string" },
      "live-writers": { type: "string" },
      "live-seconds": { type: "string" },
      seed: { type: "string" },
      "database-url": { type: "string" },
      help: { type: "boolean" },
    },
  });
