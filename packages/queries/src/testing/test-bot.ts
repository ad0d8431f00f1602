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
