import type { AuditConfig } from "@forusbots/db";
import { openDurableRecorder } from "./durable-recorder.ts";
import type { RecorderEvent } from "./recorder-events.ts";

export interface SpoolFlushReport {
  /** Events claimed from segments that ended processes or closed recorders left. */
  claimed: number;
  /** Events replayed into the database (stored, or found already there). */
  flushed: number;
  /** Events the database refused, kept in `rejected-*.jsonl`. */
  rejected: number;
  /** Events still on disk: the database did not answer within the timeout. */
  left: number;
  /** The last failure of the database, when it did not take everything. */
  lastFailure: string | null;
}

/**
 * `forus-audit spool flush`: claims every segment no running recorder holds and replays it, as
 * the next recorder would at start-up, waiting at most `timeoutMs` for the database. Segments of
 * running recorders are theirs to replay and are left alone.
 */
export async function flushSpool(
  config: Pick<AuditConfig, "database" | "recorder">,
  timeoutMs: number,
): Promise<SpoolFlushReport> {
  const report: SpoolFlushReport = {
    claimed: 0,
    flushed: 0,
    rejected: 0,
    left: 0,
    lastFailure: null,
  };
  const tally = (event: RecorderEvent): void => {
    if (event.type === "claimed") report.claimed += event.events;
    else if (event.type === "flushed") report.flushed += event.events;
    else if (event.type === "rejected") report.rejected++;
    else if (event.type === "left-on-disk") report.left += event.events;
    else if (event.type === "flush-failed") report.lastFailure = event.reason;
  };
  const recorder = await openDurableRecorder(
    config.database,
    { ...config.recorder, closeTimeoutMs: timeoutMs },
    // An operator's flush replays into a database that exists; it never creates an embedded one.
    { onEvent: tally, database: { existingOnly: true } },
  );
  await recorder.close();
  report.flushed -= report.rejected;
  return report;
}
