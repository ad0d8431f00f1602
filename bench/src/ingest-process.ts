import { openDatabase } from "@forusbots/db";
import { ingestThroughBatches } from "./batch-ingest.ts";
import {
  INGEST_PROCESS_ARGUMENTS,
  type IngestProcessArguments,
} from "./ingest-process-arguments.ts";

/*
 * `node <this file>`, its `IngestProcessArguments` as JSON in the environment: an ingest in a
 * process of its own, as `forus-audit ingest` runs beside the bots, so that its validation and
 * serialization take turns with its own event loop rather than the live writers'
 * (measure-live-load.ts). Prints `started` once connected, writes round after round of new jobs
 * until its standard input closes, then prints the events it wrote as one JSON line.
 */

/** Batches an ingest sends between two looks at whether it should stop. */
const BATCHES_PER_ROUND = 20;

const { target, shape, batchSize } = JSON.parse(
  process.env[INGEST_PROCESS_ARGUMENTS] ?? "",
) as IngestProcessArguments;
let running = true;
process.stdin.on("end", () => {
  running = false;
});
process.stdin.resume();

const handle = await openDatabase(target);
let events = 0;
try {
  process.stdout.write("started\n");
  for (let round = 0; running; round++) {
    const result = await ingestThroughBatches(
      handle.db,
      { ...shape, seed: shape.seed + round + 1 },
      batchSize,
      BATCHES_PER_ROUND,
    );
    events += result.events;
  }
} finally {
  await handle.close();
}
process.stdout.write(`${JSON.stringify({ events })}\n`);
