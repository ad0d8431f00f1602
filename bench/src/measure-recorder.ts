import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DatabaseTarget, openDatabase, resolveRecorderSettings } from "@forusbots/db";
import {
  type AuditRecorder,
  createAuditRecorder,
  openAuditRecorder,
  type WriteOutcome,
} from "@forusbots/queries";
import { recordTimedJob } from "./timed-job.ts";
import { percentile } from "./timing.ts";

/** Bots writing at once through one recorder, each job after job, each call awaited. */
const WRITERS = 4;
const JOBS_PER_WRITER = 60;
/** Rounds of each path, taken in turns so that load on the machine falls on both alike. */
const ROUNDS = 3;

export interface LivePathRun {
  events: number;
  milliseconds: number;
  eventsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

export interface RecorderFigures {
  writers: number;
  rounds: number;
  eventsPerRun: number;
  /** The recorder straight on the database (`createAuditRecorder`): no bound, no spool. */
  direct: LivePathRun;
  /** The durable recorder (`openAuditRecorder`), on the same healthy database. */
  durable: LivePathRun;
  /** How much slower the durable path is, in % of the direct path's events/s (median rounds). */
  lossPercent: number;
  /** Calls the durable recorder spooled: 0 on a healthy database. */
  spooled: number;
}

/** One bot: JOBS_PER_WRITER whole jobs, one after the other. */
async function writeJobs(
  audit: AuditRecorder,
  botId: string,
  latencies: number[],
  outcomes: WriteOutcome[],
): Promise<void> {
  for (let n = 0; n < JOBS_PER_WRITER; n++) {
    const job = { botId, base: Date.UTC(2026, 0, 1) + n * 60_000, meta: { n } };
    await recordTimedJob(audit, job, latencies, outcomes);
  }
}

async function timeRun(audit: AuditRecorder, outcomes: WriteOutcome[]): Promise<LivePathRun> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, (_, writer) =>
      writeJobs(audit, `bench-bot-${writer}`, latencies, outcomes),
    ),
  );
  return summarizeLivePath(latencies, performance.now() - started);
}

/** Events/s and the p50/p99 of a call, from every call's latency over `milliseconds`. */
export const summarizeLivePath = (latencies: number[], milliseconds: number): LivePathRun => ({
  events: latencies.length,
  milliseconds,
  eventsPerSec: Math.round(latencies.length / (milliseconds / 1000)),
  p50Ms: percentile(latencies, 0.5),
  p99Ms: percentile(latencies, 0.99),
});

const median = (runs: LivePathRun[]): LivePathRun => {
  const sorted = [...runs].sort((a, b) => a.eventsPerSec - b.eventsPerSec);
  return sorted[Math.floor(sorted.length / 2)] ?? (sorted[0] as LivePathRun);
};

/**
 * The live path of a bot's recorder on a healthy database, with and without the durability
 * machinery (the bound on each call, the spool check, the flusher standing by): the same jobs
 * through `createAuditRecorder` and through `openAuditRecorder`, in alternating rounds.
 */
export async function measureRecorder(target: DatabaseTarget): Promise<RecorderFigures> {
  const spoolDir = mkdtempSync(join(tmpdir(), "bench-audit-spool-"));
  const handle = await openDatabase(target);
  const durable = await openAuditRecorder({
    auditEnabled: true,
    database: target,
    recorder: { ...resolveRecorderSettings({}), spoolDir },
  });
  try {
    const direct = createAuditRecorder(handle.db, { enabled: true });
    const outcomes: WriteOutcome[] = [];
    // A warm-up of each: connections opened, statements planned.
    await timeRun(direct, []);
    await timeRun(durable, []);
    const directRuns: LivePathRun[] = [];
    const durableRuns: LivePathRun[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      directRuns.push(await timeRun(direct, []));
      durableRuns.push(await timeRun(durable, outcomes));
    }
    await durable.close();
    const directMedian = median(directRuns);
    const durableMedian = median(durableRuns);
    return {
      writers: WRITERS,
      rounds: ROUNDS,
      eventsPerRun: directMedian.events,
      direct: directMedian,
      durable: durableMedian,
      lossPercent:
        Math.round(
          (1000 * (directMedian.eventsPerSec - durableMedian.eventsPerSec)) /
            directMedian.eventsPerSec,
        ) / 10,
      spooled:
        outcomes.filter((outcome) => outcome === "spooled").length + readdirSync(spoolDir).length,
    };
  } finally {
    await durable.close();
    await handle.close();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}
