import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Sql } from "postgres";
import { JOB_COPY_COLUMNS, jobCopyLine, STAGE_COPY_COLUMNS, stageCopyLines } from "./copy-rows.ts";
import { type DatasetShape, type GeneratedJob, generateJobs } from "./generate-jobs.ts";

export interface CopyResult {
  jobRows: number;
  stageRows: number;
  milliseconds: number;
}

/** Lines are sent in chunks of this many jobs: one stream write per line would dominate. */
const JOBS_PER_CHUNK = 2_000;

function* chunks(shape: DatasetShape, encode: (job: GeneratedJob) => string): Generator<string> {
  let chunk = "";
  let count = 0;
  for (const job of generateJobs(shape)) {
    chunk += encode(job);
    if (++count === JOBS_PER_CHUNK) {
      yield chunk;
      chunk = "";
      count = 0;
    }
  }
  if (chunk !== "") yield chunk;
}

/**
 * `COPY … FROM STDIN` of the dataset into `jobs`, then `job_stages` (their foreign key needs the
 * jobs), each one statement. `repeatStageEvery` > 0 sends every n-th job's stages twice, the
 * duplicates the 0004 de-dup migration exists to remove (only possible before its constraint).
 * The time includes generating the rows in Node, as the batch path's does. `stagesCarryAcceptedAt`
 * adds each stage's job's `accepted_at`, the partition key of the partitioning prototype.
 */
export async function copyDataset(
  sql: Sql,
  shape: DatasetShape,
  repeatStageEvery = 0,
  stagesCarryAcceptedAt = false,
): Promise<CopyResult> {
  const started = performance.now();
  let stageRows = 0;
  let index = 0;
  const jobsCopy = await sql
    .unsafe(`COPY jobs (${JOB_COPY_COLUMNS.join(", ")}) FROM STDIN`)
    .writable();
  await pipeline(Readable.from(chunks(shape, jobCopyLine)), jobsCopy);
  const stagesCopy = await sql
    .unsafe(
      `COPY job_stages (${[...STAGE_COPY_COLUMNS, ...(stagesCarryAcceptedAt ? ["accepted_at"] : [])].join(", ")}) FROM STDIN`,
    )
    .writable();
  await pipeline(
    Readable.from(
      chunks(shape, (job) => {
        const repeat = repeatStageEvery > 0 && index++ % repeatStageEvery === 0 ? 2 : 1;
        stageRows += job.stages.length * repeat;
        const lines = stagesCarryAcceptedAt
          ? stageCopyLines(job).replaceAll("\n", `\t${job.acceptedAt.toISOString()}\n`)
          : stageCopyLines(job);
        return repeat === 2 ? lines + lines : lines;
      }),
    ),
    stagesCopy,
  );
  return { jobRows: shape.jobs, stageRows, milliseconds: performance.now() - started };
}
