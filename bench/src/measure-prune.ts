import { type DatabaseHandle, openDatabase } from "@forusbots/db";
import type { PostgresTarget } from "@forusbots/db/server-databases";
import {
  countPrunable,
  createAuditRecorder,
  PRUNE_BATCH_SIZE,
  pruneJobs,
  type WriteOutcome,
} from "@forusbots/queries";
import { DATASET_END } from "./generate-jobs.ts";
import { checkMetricsExactness, type ExactnessResult } from "./metrics-exactness.ts";
import { recordTimedJob } from "./timed-job.ts";
import { percentile } from "./timing.ts";

const DAY_MS = 86_400_000;
/** Bots writing live beside the prune, each job after job, each call awaited and timed. */
const LIVE_WRITERS = 4;
/** How long the live writers run alone first: their latency without a prune beside them. */
const BASELINE_MS = 5_000;

export interface LiveWrites {
  events: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface PruneFigures {
  /** Jobs accepted before this went: the data set's oldest 30 days. */
  before: Date;
  jobs: number;
  stages: number;
  batches: number;
  batchSize: number;
  milliseconds: number;
  /** Jobs and stages removed per second. */
  rowsPerSec: number;
  /** Recorder writes of live bots (the data set's own bots) while the prune ran. */
  live: LiveWrites;
  /** The same writers, alone, just before. */
  liveAlone: LiveWrites;
  /** The metric views equal the plain aggregates afterwards. */
  exactness: ExactnessResult;
}

/** Records one whole job of `botId` (the n-th), pushing the time of each call it makes. */
export type TimedJobWriter = (botId: string, n: number, latencies: number[]) => Promise<void>;

/**
 * Live bots: each of LIVE_WRITERS bots of the data set records whole jobs (newer than anything
 * removed) until `until` settles.
 */
export async function liveWrites(
  writeJob: TimedJobWriter,
  until: Promise<unknown>,
): Promise<LiveWrites> {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: LIVE_WRITERS }, async (_, writer) => {
      // The data set's bots: their rollup rows are the ones the removal updates too.
      const botId = `bot-${String(writer + 1).padStart(2, "0")}`;
      for (let n = 0; !done; n++) await writeJob(botId, n, latencies);
    }),
  );
  return {
    events: latencies.length,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: Math.max(...latencies),
  };
}

/**
 * `pruneJobs` of the data set's oldest month (a third of the default 90 days), with live bots
 * recording beside it: how long it takes and how long it makes their writes wait.
 */
export async function measurePrune(
  handle: DatabaseHandle,
  target: PostgresTarget,
  days: number,
): Promise<PruneFigures> {
  const before = new Date(DATASET_END.getTime() - Math.max(days - 30, 0) * DAY_MS);
  const liveHandle = await openDatabase(target);
  try {
    // The recorder straight on the database: each call's time is the database's.
    const audit = createAuditRecorder(liveHandle.db, { enabled: true });
    const outcomes: WriteOutcome[] = [];
    const writeJob: TimedJobWriter = (botId, n, latencies) =>
      recordTimedJob(
        audit,
        { botId, base: Date.UTC(2026, 0, 1) + n * 60_000, meta: { n } },
        latencies,
        outcomes,
      );
    const liveAlone = await liveWrites(
      writeJob,
      new Promise((resolve) => setTimeout(resolve, BASELINE_MS)),
    );
    const planned = await countPrunable(handle.db, { before });
    const started = performance.now();
    const pruned = pruneJobs(handle.db, { before });
    const [result, live] = await Promise.all([pruned, liveWrites(writeJob, pruned)]);
    const milliseconds = performance.now() - started;
    if (result.jobs !== planned.jobs || result.stages !== planned.stages) {
      throw new Error(
        `prune removed ${result.jobs} jobs and ${result.stages} stages, but ${planned.jobs} and ${planned.stages} were counted before`,
      );
    }
    return {
      before,
      jobs: result.jobs,
      stages: result.stages,
      batches: result.batches,
      batchSize: PRUNE_BATCH_SIZE,
      milliseconds,
      rowsPerSec: Math.round(((result.jobs + result.stages) * 1000) / milliseconds),
      live,
      liveAlone,
      exactness: await checkMetricsExactness(handle),
    };
  } finally {
    await liveHandle.close();
  }
}
