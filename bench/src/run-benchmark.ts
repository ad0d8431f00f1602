import { DATABASE_CHOICE_VARIABLES, type DatabaseHandle, loadConfig } from "@forusbots/db";
import { openDatabase } from "@forusbots/db/client";
import { runMigrations } from "@forusbots/db/migrator";
import { sql } from "drizzle-orm";
import type { BenchOptions } from "./arguments.ts";
import { type BatchIngestResult, ingestThroughBatches } from "./batch-ingest.ts";
import { type CopyResult, copyDataset } from "./copy-dataset.ts";
import { fingerprint } from "./dataset-fingerprint.ts";
import { type DatasetShape, generateJobs } from "./generate-jobs.ts";
import { generatedJobEvents } from "./generated-job-events.ts";
import { currentLoad, describeMachine, type MachineFigures } from "./machine.ts";
import { type CliFigures, measureCli } from "./measure-cli.ts";
import { type LiveLoadFigures, measureLiveLoad } from "./measure-live-load.ts";
import { type MigrationFigures, measureMigrations } from "./measure-migrations.ts";
import { timeDrizzleKitMigrateNoop, timeOurMigrateNoop } from "./measure-noop-migrate.ts";
import { measurePglite, type PgliteFigures } from "./measure-pglite.ts";
import { measureReads, type ReadFigures } from "./measure-reads.ts";
import { measureRecorder, type RecorderFigures } from "./measure-recorder.ts";
import { measureRetention, type RetentionFigures } from "./measure-retention.ts";
import { measureSparseTimeSeries, type SparseFigures } from "./measure-sparse.ts";
import { checkMetricsExactness, type ExactnessResult } from "./metrics-exactness.ts";
import type { ScratchDatabases } from "./scratch-databases.ts";
import type { ChildEnv } from "./spawn-timing.ts";
import type { Timing } from "./timing.ts";

/** Where the bench databases go when neither --database-url nor DATABASE_URL names a server. */
export const DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/** The first batches are sent again: every event must come back "unchanged". */
const REPLAY_BATCHES = 10;

export interface PhaseLoad {
  phase: string;
  load1: number;
}

export interface BenchResult {
  options: Omit<BenchOptions, "databaseUrl">;
  machine: MachineFigures;
  loadAtEnd: number;
  /** 1-minute load average as each phase began. */
  phaseLoads: PhaseLoad[];
  /** Generating the data set and its events in Node alone, inside both ingest timings. */
  generationMs: number;
  batch: BatchIngestResult;
  replay: BatchIngestResult;
  copy: CopyResult;
  /** Both ingest paths stored the same rows (counts and row hashes). */
  sameRows: boolean;
  reads: ReadFigures[];
  exactness: ExactnessResult;
  migrations: MigrationFigures;
  migrateNoop: Timing;
  drizzleKitMigrateNoop: Timing;
  cli: CliFigures;
  /** A bot's recorder on a healthy database, with and without the spool. */
  recorder: RecorderFigures;
  /** W recorders at once, with and without the rollup triggers, and beside an ingest. */
  liveLoad: LiveLoadFigures;
  /** Pruning the oldest month, and the partitioned prototype beside it. */
  retention: RetentionFigures;
  pglite: PgliteFigures;
  /** The time series on data with about one job per hour of a bot, on both engines. */
  sparse: SparseFigures;
}

/** The environment of a spawned command: the bench database and nothing the caller chose. */
function childEnv(parent: ChildEnv, url?: string): ChildEnv {
  const env: ChildEnv = { ...parent, NO_COLOR: "1" };
  for (const name of DATABASE_CHOICE_VARIABLES) delete env[name];
  return url === undefined ? env : { ...env, DATABASE_URL: url };
}

function measureGeneration(shape: DatasetShape): number {
  const started = performance.now();
  for (const job of generateJobs(shape)) generatedJobEvents(job);
  return performance.now() - started;
}

async function withHandle<T>(
  url: string,
  work: (handle: DatabaseHandle) => Promise<T>,
): Promise<T> {
  const handle = await openDatabase({ engine: "postgres", url });
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}

/** The server the bench databases go on: --database-url, else DATABASE_URL, else the local one. */
export function resolveServerUrl(env: ChildEnv, explicitUrl: string | undefined): string {
  const target = loadConfig(env, explicitUrl).database;
  return target.engine === "postgres" ? target.url : DEFAULT_SERVER_URL;
}

/**
 * The whole benchmark, on databases made by `databases` (dropped at the end, whatever happens).
 * `env` is the caller's environment, which spawned commands inherit.
 */
export async function runBenchmark(
  options: BenchOptions,
  env: ChildEnv,
  databases: ScratchDatabases,
  report: (message: string) => void,
): Promise<BenchResult> {
  // On a shared machine other work skews every figure: the load as each phase starts goes with them.
  const phaseLoads: PhaseLoad[] = [];
  const progress = (message: string) => {
    if (!message.startsWith(" ")) phaseLoads.push({ phase: message, load1: currentLoad() });
    report(message);
  };
  const shape: DatasetShape = {
    jobs: options.jobs,
    bots: options.bots,
    days: options.days,
    seed: options.seed,
  };
  try {
    const batchDb = await databases.create("batch");
    progress(`generating ${options.jobs} jobs once to time the generator alone`);
    const generationMs = measureGeneration(shape);
    await runMigrations(batchDb.target);
    progress("ingest through writeEventBatches");
    const { machine, batch, replay } = await withHandle(batchDb.target.url, async (handle) => {
      const machine = await describeMachine(handle);
      const batch = await ingestThroughBatches(
        handle.db,
        shape,
        options.batchSize,
        Number.POSITIVE_INFINITY,
        (jobs) => progress(`  ${jobs} of ${options.jobs} jobs written`),
      );
      progress("replaying the first batches");
      const replay = await ingestThroughBatches(
        handle.db,
        shape,
        options.batchSize,
        REPLAY_BATCHES,
      );
      // Autovacuum would otherwise pick the freshly written tables up while COPY is being timed
      // and take a core from it: the run of 2026-12-01 saw COPY 25 % slower that way.
      progress("vacuuming the batch database before COPY (outside the timings)");
      await handle.query(sql`VACUUM ANALYZE`);
      return { machine, batch, replay };
    });

    const copyDb = await databases.create("copy");
    await runMigrations(copyDb.target);
    progress("ingest through COPY");
    const copy = await withHandle(copyDb.target.url, (handle) => {
      if (handle.driver.engine !== "postgres") throw new Error("COPY needs PostgreSQL");
      return copyDataset(handle.driver.sql, shape);
    });

    progress("comparing the two databases, vacuuming");
    const batchPrint = await withHandle(batchDb.target.url, fingerprint);
    const { copyPrint, reads, exactness } = await withHandle(copyDb.target.url, async (handle) => {
      const copyPrint = await fingerprint(handle);
      // A database that has run for a while is vacuumed and analyzed; a fresh COPY is not.
      await handle.query(sql`VACUUM ANALYZE`);
      progress(`reads, ${options.runs} runs each`);
      const reads = await measureReads(handle, options.days, options.runs);
      return { copyPrint, reads, exactness: await checkMetricsExactness(handle) };
    });
    const sameRows = JSON.stringify(batchPrint) === JSON.stringify(copyPrint);

    const spawnEnv = childEnv(env, copyDb.target.url);
    progress("CLI start-up");
    const cli = await measureCli(options.spawnRuns, spawnEnv);
    progress("migrate with nothing pending");
    const migrateNoop = await timeOurMigrateNoop(options.spawnRuns, spawnEnv);
    const drizzleKitMigrateNoop = await timeDrizzleKitMigrateNoop(
      options.spawnRuns,
      copyDb.target.url,
      childEnv(env),
    );
    // Last on the loaded database: the prune removes a third of it.
    progress("retention: pruning the oldest month beside live bots");
    const retention = await measureRetention(
      databases,
      copyDb.target,
      shape,
      options.runs,
      progress,
    );
    await databases.dropAll();

    progress("recorder live path, direct and durable");
    const recorderDb = await databases.create("recorder");
    await runMigrations(recorderDb.target);
    const recorder = await measureRecorder(recorderDb.target);
    await databases.dropAll();

    progress(
      `live load: ${options.liveWriters} recorders for ${options.liveSeconds} s, with and without the rollups and a control with them, then beside an ingest`,
    );
    const withRollups = await databases.create("live_rollups");
    const withoutRollups = await databases.create("live_plain");
    const control = await databases.create("live_control");
    for (const database of [withRollups, withoutRollups, control]) {
      await runMigrations(database.target);
    }
    const liveLoad = await measureLiveLoad(
      {
        withRollups: withRollups.target,
        withoutRollups: withoutRollups.target,
        control: control.target,
      },
      shape,
      { writers: options.liveWriters, seconds: options.liveSeconds, batchSize: options.batchSize },
    );
    await databases.dropAll();

    progress("migrations on an empty database and on the data set");
    const migrations = await measureMigrations(databases, shape);
    await databases.dropAll();

    progress(`PGlite in memory, ${options.pgliteJobs} jobs`);
    const pglite = await measurePglite(
      { ...shape, jobs: options.pgliteJobs },
      options.batchSize,
      options.runs,
    );
    progress(`time series on sparse data, ${options.sparseJobs} jobs, PostgreSQL and PGlite`);
    const sparse = await measureSparseTimeSeries(
      databases,
      { ...shape, jobs: options.sparseJobs },
      options.batchSize,
      options.runs,
    );
    await databases.dropAll();
    const { databaseUrl: _, ...shown } = options;
    return {
      options: shown,
      machine,
      loadAtEnd: currentLoad(),
      phaseLoads,
      generationMs,
      batch,
      replay,
      copy,
      sameRows,
      reads,
      exactness,
      migrations,
      migrateNoop,
      drizzleKitMigrateNoop,
      cli,
      recorder,
      liveLoad,
      retention,
      pglite,
      sparse,
    };
  } finally {
    await databases.close();
  }
}
