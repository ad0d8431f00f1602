import type { DatabaseHandle } from "@forusbots/db";
import { plainJobMetricsByBotQuery, plainJobStageSummaryQuery } from "@forusbots/db/schema";
import { sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/pg-core";
import { expect } from "vitest";
import type { AuditRecorder } from "../recorder/audit-recorder.ts";
import type { WriteOutcome } from "../recorder/record-event.ts";

/** The stages every test job goes through, in order. */
export const STAGES = ["fetch", "transform", "deliver"] as const;

/** A job a test bot finished: what the database must hold for it, exactly once. */
export interface FinishedJob {
  jobId: string;
  botId: string;
  state: "succeeded" | "failed";
}

/** What a bot saw of its calls: every outcome, every error, and the slowest call. */
export interface BotRun {
  finished: FinishedJob[];
  outcomes: WriteOutcome[];
  errors: unknown[];
  slowestCallMs: number;
}

/**
 * Runs a bot through whole jobs (accept, start, three stages, finish) as a bot runner would,
 * one call after the other, for `jobs` jobs or until `until()` says stop. A job counts as
 * finished once its finish call returned; a call that throws is kept (the tests expect none).
 */
export async function runBot(
  audit: AuditRecorder,
  botId: string,
  options: { jobs?: number; until?: () => boolean; pauseMs?: number; firstJob?: number },
): Promise<BotRun> {
  const run: BotRun = { finished: [], outcomes: [], errors: [], slowestCallMs: 0 };
  const call = async (write: () => Promise<WriteOutcome>): Promise<boolean> => {
    const started = performance.now();
    try {
      run.outcomes.push(await write());
      return true;
    } catch (error) {
      run.errors.push(error);
      return false;
    } finally {
      run.slowestCallMs = Math.max(run.slowestCallMs, performance.now() - started);
    }
  };
  const limit = options.jobs ?? Number.POSITIVE_INFINITY;
  for (let n = options.firstJob ?? 0; run.finished.length < limit && !options.until?.(); n++) {
    const jobId = crypto.randomUUID();
    // Whole seconds apart, so durations and buckets are plain numbers.
    const base = Date.UTC(2026, 0, 1) + n * 60_000;
    const at = (seconds: number) => new Date(base + seconds * 1000);
    const state = n % 4 === 3 ? "failed" : "succeeded";
    let ok = await call(() => audit.acceptJob({ jobId, botId, at: at(0), meta: { n } }));
    ok &&= await call(() => audit.startJob({ jobId, at: at(1) }));
    for (const [index, stageName] of STAGES.entries()) {
      ok &&= await call(() =>
        audit.recordStage({
          jobId,
          stageName,
          startedAt: at(2 + index * 2),
          endedAt: at(3 + index * 2),
          status: state === "failed" && index === STAGES.length - 1 ? "fail" : "succeed",
        }),
      );
    }
    ok &&= await call(() => audit.finishJob({ jobId, state, at: at(10) }));
    if (ok) run.finished.push({ jobId, botId, state });
    if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
  }
  return run;
}

const plain = new QueryBuilder();

/**
 * Nothing lost, nothing doubled: the database holds exactly the finished jobs (each once, in its
 * final state, with each of its stages once), and the rollup-backed views and hourly rollup equal
 * the plain aggregates over the base tables.
 */
export async function expectExactlyRecorded(
  handle: DatabaseHandle,
  finished: readonly FinishedJob[],
): Promise<void> {
  const jobs = await handle.query<{ job_id: string; bot_id: string; state: string }>(
    sql`SELECT job_id, bot_id, state FROM jobs ORDER BY job_id`,
  );
  expect(jobs).toEqual(
    finished
      .map(({ jobId, botId, state }) => ({ job_id: jobId, bot_id: botId, state }))
      .sort((a, b) => (a.job_id < b.job_id ? -1 : 1)),
  );
  const stages = await handle.query<{ job_id: string; stage_name: string; copies: number }>(
    sql`SELECT job_id, stage_name, count(*)::int AS copies FROM job_stages
        GROUP BY job_id, stage_name ORDER BY job_id, stage_name`,
  );
  expect(stages).toEqual(
    finished
      .flatMap(({ jobId }) =>
        [...STAGES].sort().map((stageName) => ({ job_id: jobId, stage_name: stageName, copies: 1 })),
      )
      .sort((a, b) => (a.job_id < b.job_id ? -1 : a.job_id > b.job_id ? 1 : 0)),
  );
  const rows = (statement: ReturnType<typeof sql>) => handle.query(statement);
  expect(await rows(sql`SELECT * FROM job_metrics_by_bot ORDER BY 1`)).toEqual(
    await rows(sql`${plainJobMetricsByBotQuery(plain).getSQL()} ORDER BY 1`),
  );
  expect(await rows(sql`SELECT * FROM job_stage_summary ORDER BY 1`)).toEqual(
    await rows(sql`${plainJobStageSummaryQuery(plain).getSQL()} ORDER BY 1`),
  );
  expect(
    await rows(sql`SELECT bot_id, hour, succeeded_jobs, failed_jobs FROM bot_job_hourly
                   WHERE succeeded_jobs + failed_jobs > 0 ORDER BY 1, 2`),
  ).toEqual(
    await rows(sql`SELECT bot_id, date_trunc('hour', accepted_at, 'UTC') AS hour,
                          count(*) FILTER (WHERE state = 'succeeded')::int AS succeeded_jobs,
                          count(*) FILTER (WHERE state = 'failed')::int AS failed_jobs
                   FROM jobs GROUP BY 1, 2 ORDER BY 1, 2`),
  );
}
