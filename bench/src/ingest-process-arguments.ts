import type { DatabaseTarget } from "@forusbots/db";
import type { DatasetShape } from "./generate-jobs.ts";

/** What the live load's ingest process (`ingest-process.ts`) is told to do. */
export interface IngestProcessArguments {
  target: DatabaseTarget;
  shape: DatasetShape;
  batchSize: number;
}

/** The environment variable that carries them, as JSON. */
export const INGEST_PROCESS_ARGUMENTS = "FORUS_BENCH_INGEST_PROCESS";
