import { setImmediate } from "node:timers/promises";
import type { AuditDb } from "@forusbots/db";
import { type BatchItem, writeEventBatches } from "@forusbots/queries";
import { type DatasetShape, generateJobs } from "./generate-jobs.ts";
import { generatedJobEvents } from "./generated-job-events.ts";

export interface BatchIngestResult {
  events: number;
  jobRows: number;
  stageRows: number;
  stored: number;
  unchanged: number;
  rejected: number;
  /** The first refusal, to say what went wrong when `rejected` > 0. */
  firstRejection: string | null;
  milliseconds: number;
}

/** How often a long ingest says how far it got. */
const PROGRESS_EVERY_BATCHES = 500;

/**
 * Events made between two turns of the event loop: about what one 64 KiB chunk of a JSON Lines
 * file holds, which is how often `forus-audit ingest` reading a file lets other work run.
 */
const EVENTS_PER_READ = 256;

/**
 * The dataset's events in batches of `batchSize`, in the order a recorder would send them, given
 * out as a file is read: a turn of the event loop every `EVENTS_PER_READ` events, so that a
 * write in flight gets its answers handled while the next batch is made, as it would while the
 * CLI reads the next lines.
 */
export async function* eventBatches(
  shape: DatasetShape,
  batchSize: number,
): AsyncGenerator<{ items: BatchItem[]; jobs: number; stages: number }> {
  let items: BatchItem[] = [];
  let jobs = 0;
  let stages = 0;
  let position = 0;
  for (const job of generateJobs(shape)) {
    jobs++;
    stages += job.stages.length;
    for (const event of generatedJobEvents(job)) {
      items.push({ position: ++position, event });
      if (position % EVENTS_PER_READ === 0) await setImmediate();
      if (items.length === batchSize) {
        yield { items, jobs, stages };
        items = [];
        jobs = 0;
        stages = 0;
      }
    }
  }
  if (items.length > 0) yield { items, jobs, stages };
}

/** The first `count` items (all of them when `count` is infinite). */
async function* take<T>(items: AsyncIterable<T>, count: number): AsyncGenerator<T> {
  let taken = 0;
  for await (const item of items) {
    if (taken++ === count) return;
    yield item;
  }
}

/**
 * The dataset through `writeEventBatches`, the queries package's batch path (validation, state
 * machine, idempotency), batch after batch as `forus-audit ingest` sends them, the next batch
 * validated while the previous one is written. `maxBatches`
 * stops early: the replay check sends the first batches again.
 */
export async function ingestThroughBatches(
  db: AuditDb,
  shape: DatasetShape,
  batchSize: number,
  maxBatches = Number.POSITIVE_INFINITY,
  onProgress: (jobs: number) => void = () => {},
): Promise<BatchIngestResult> {
  const result: BatchIngestResult = {
    events: 0,
    jobRows: 0,
    stageRows: 0,
    stored: 0,
    unchanged: 0,
    rejected: 0,
    firstRejection: null,
    milliseconds: 0,
  };
  const started = performance.now();
  let sent = 0;
  await writeEventBatches(db, take(eventBatches(shape, batchSize), maxBatches), (batch, report) => {
    result.events += batch.items.length;
    result.jobRows += batch.jobs;
    result.stageRows += batch.stages;
    result.stored += report.stored;
    result.unchanged += report.unchanged;
    result.rejected += report.rejected.length;
    const first = report.rejected[0];
    if (first && result.firstRejection === null) {
      result.firstRejection = `event ${first.position}: ${first.reason}`;
    }
    if (++sent % PROGRESS_EVERY_BATCHES === 0) onProgress(result.jobRows);
  });
  result.milliseconds = performance.now() - started;
  return result;
}
