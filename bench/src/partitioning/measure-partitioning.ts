import { type DatabaseHandle, openDatabase } from "@forusbots/db";
import { runMigrations } from "@forusbots/db/migrator";
import { sql } from "drizzle-orm";
import { type CopyResult, copyDataset } from "../copy-dataset.ts";
import { DATASET_END, type DatasetShape } from "../generate-jobs.ts";
import { type LiveWrites, liveWrites, type TimedJobWriter } from "../measure-prune.ts";
import { measureReads, type ReadFigures } from "../measure-reads.ts";
import { checkMetricsExactness, type ExactnessResult } from "../metrics-exactness.ts";
import type { ScratchDatabases } from "../scratch-databases.ts";
import { dropMonth } from "./drop-month.ts";
import { monthStarts, partitionByMonth } from "./partition-by-month.ts";
import { applyRollupDeltas } from "./rollup-deltas.ts";

const DAY_MS = 86_400_000;

/**
 * Jobs of the ingest comparison. COPY into the prototype goes row at a time (see
 * `ingestComparison`), so the whole data set would take a quarter of an hour; a tenth of it
 * gives a steady rate, measured beside the plain schema on the same jobs.
 */
const INGEST_JOBS = 100_000;

export interface PartitioningFigures {
  partitions: number;
  /** The same INGEST_JOBS jobs through COPY into each schema, rollup triggers on. */
  ingest: { jobs: number; partitioned: CopyResult; plain: CopyResult };
  reads: ReadFigures[];
  /** Retention by partition: the oldest month detached, its rollup figures subtracted, dropped. */
  drop: {
    month: Date;
    jobs: number;
    stages: number;
    milliseconds: number;
    live: LiveWrites;
  };
  /** The metric views equal the plain aggregates after the drop. */
  exactness: ExactnessResult;
}

/**
 * A live bot's writes on the prototype. The write engine cannot run there (its idempotent
 * `ON CONFLICT (job_id)` needs a key on job_id alone, and stages must now carry accepted_at), so
 * these are its statements as they would become: one per call, as the recorder makes them.
 */
function prototypeJobWriter(handle: DatabaseHandle): TimedJobWriter {
  return async (botId, n, latencies) => {
    const jobId = crypto.randomUUID();
    const acceptedAt = new Date(DATASET_END.getTime() + n * 60_000).toISOString();
    const timed = async (statement: ReturnType<typeof sql>) => {
      const started = performance.now();
      await handle.query(statement);
      latencies.push(performance.now() - started);
    };
    await timed(sql`
      INSERT INTO jobs (job_id, bot_id, state, accepted_at, started_at)
      VALUES (${jobId}, ${botId}, 'running', ${acceptedAt}::timestamptz, ${acceptedAt}::timestamptz + interval '1 second')
      ON CONFLICT (job_id, accepted_at) DO NOTHING`);
    for (const [index, stageName] of ["fetch", "transform", "deliver"].entries()) {
      await timed(sql`
        INSERT INTO job_stages (job_id, accepted_at, stage_name, started_at, ended_at, status)
        VALUES (${jobId}, ${acceptedAt}::timestamptz, ${stageName},
                ${acceptedAt}::timestamptz + ${`${2 + index} seconds`}::interval,
                ${acceptedAt}::timestamptz + ${`${3 + index} seconds`}::interval, 'succeed')
        ON CONFLICT (job_id, stage_name, started_at, accepted_at) DO NOTHING`);
    }
    await timed(sql`
      UPDATE jobs SET state = 'succeeded', finished_at = accepted_at + interval '9 seconds'
      WHERE job_id = ${jobId} AND accepted_at = ${acceptedAt}::timestamptz AND state = 'running'`);
  };
}

/**
 * COPY of the same jobs into the plain and the partitioned schema, each on a new database.
 * PostgreSQL buffers COPY rows into multi-row inserts, except into a partitioned table whose
 * parent has statement triggers with transition tables (the rollups'): then it inserts them one
 * at a time (copyfrom.c, CIM_SINGLE). That, not the routing, is most of the difference.
 */
async function ingestComparison(
  databases: ScratchDatabases,
  shape: DatasetShape,
  months: readonly Date[],
): Promise<PartitioningFigures["ingest"]> {
  const sample = { ...shape, jobs: Math.min(shape.jobs, INGEST_JOBS) };
  const copyInto = async (label: string, partitioned: boolean): Promise<CopyResult> => {
    const database = await databases.create(label);
    await runMigrations(database.target);
    const handle = await openDatabase(database.target);
    try {
      if (partitioned) await partitionByMonth(handle, months);
      if (handle.driver.engine !== "postgres") throw new Error("COPY needs PostgreSQL");
      return await copyDataset(handle.driver.sql, sample, 0, partitioned);
    } finally {
      await handle.close();
    }
  };
  const plain = await copyInto("ingest_plain", false);
  const partitioned = await copyInto("ingest_partitioned", true);
  return { jobs: sample.jobs, partitioned, plain };
}

/**
 * The whole data set into the prototype for its reads: COPY with the rollup triggers off, then
 * the rollups computed from the loaded tables, as the triggers would have. Disabled triggers
 * still keep COPY row at a time (1M jobs took 18 min at load 20), so this is the longest step
 * of `pnpm bench`; it is outside every timing.
 */
async function loadWholeDataset(handle: DatabaseHandle, shape: DatasetShape): Promise<void> {
  if (handle.driver.engine !== "postgres") throw new Error("COPY needs PostgreSQL");
  await handle.query(sql`ALTER TABLE jobs DISABLE TRIGGER USER`);
  await handle.query(sql`ALTER TABLE job_stages DISABLE TRIGGER USER`);
  await copyDataset(handle.driver.sql, shape, 0, true);
  await handle.query(sql`ALTER TABLE jobs ENABLE TRIGGER USER`);
  await handle.query(sql`ALTER TABLE job_stages ENABLE TRIGGER USER`);
  await applyRollupDeltas(handle.db, { jobs: sql`jobs`, stages: sql`job_stages` }, 1);
}

/**
 * The partitioning prototype beside the real schema, on a database of its own: ingest of the
 * same data set by COPY, the benchmark's reads, and dropping the oldest month with live bots
 * writing (the batched prune's counterpart).
 */
export async function measurePartitioning(
  databases: ScratchDatabases,
  shape: DatasetShape,
  runs: number,
  progress: (message: string) => void,
): Promise<PartitioningFigures> {
  const first = new Date(DATASET_END.getTime() - shape.days * DAY_MS);
  // A month past the data set's end for the live writes.
  const months = monthStarts(first, new Date(DATASET_END.getTime() + 31 * DAY_MS));
  progress(
    `  ingest through COPY, ${Math.min(shape.jobs, INGEST_JOBS)} jobs, plain then partitioned`,
  );
  const ingest = await ingestComparison(databases, shape, months);
  const database = await databases.create("partitioned");
  await runMigrations(database.target);
  const handle = await openDatabase(database.target);
  const liveHandle = await openDatabase(database.target);
  try {
    await partitionByMonth(handle, months);
    progress("  partitioned: loading the whole data set (untimed)");
    await loadWholeDataset(handle, shape);
    await handle.query(sql`VACUUM ANALYZE`);
    progress(`  partitioned: reads, ${runs} runs each`);
    const reads = await measureReads(handle, shape.days, runs);
    const oldest = months[0] as Date;
    const [counted] = await handle.query<{ jobs: number; stages: number }>(sql`
      SELECT (SELECT count(*) FROM jobs WHERE accepted_at < ${(months[1] as Date).toISOString()}::timestamptz)::int AS jobs,
             (SELECT count(*) FROM job_stages WHERE accepted_at < ${(months[1] as Date).toISOString()}::timestamptz)::int AS stages`);
    progress("  partitioned: dropping the oldest month beside live writes");
    const started = performance.now();
    const dropped = dropMonth(handle, oldest).then(() => performance.now() - started);
    const [milliseconds, live] = await Promise.all([
      dropped,
      liveWrites(prototypeJobWriter(liveHandle), dropped),
    ]);
    return {
      partitions: months.length - 1,
      ingest,
      reads,
      drop: {
        month: oldest,
        jobs: Number(counted?.jobs),
        stages: Number(counted?.stages),
        milliseconds,
        live,
      },
      exactness: await checkMetricsExactness(handle),
    };
  } finally {
    await liveHandle.close();
    await handle.close();
  }
}
