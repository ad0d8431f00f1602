import type { JobState, JsonObject, StageStatus } from "@forusbots/db/schema";
import { createRandom, type Random } from "@forusbots/queries/seeded-random";

export interface DatasetShape {
  jobs: number;
  bots: number;
  days: number;
  seed: number;
}

export interface GeneratedStage {
  stageName: string;
  startedAt: Date;
  endedAt: Date;
  status: StageStatus;
  meta: JsonObject;
  error: JsonObject | null;
}

/** One job as both ingest paths store it: the same values become events or COPY rows. */
export interface GeneratedJob {
  jobId: string;
  botId: string;
  state: JobState;
  acceptedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  meta: JsonObject;
  result: JsonObject | null;
  errorMessage: string | null;
  stages: GeneratedStage[];
}

/** A fixed end, not "now": the same seed gives the same rows on any day. */
export const DATASET_END = new Date("2026-01-01T00:00:00.000Z");
const DAY_MS = 86_400_000;

/** A bot's pipeline: login first, then the steps its jobs go through. */
export const STAGE_NAMES = [
  "login",
  "open-portal",
  "fill-form",
  "upload-documents",
  "submit",
  "download-receipt",
  "verify",
  "notify",
] as const;

/**
 * The mix of final states, as cumulative thresholds: mostly successes, a tenth failures, a few
 * cancellations, and the jobs still queued or running when the data was taken.
 */
const STATE_THRESHOLDS: readonly [number, JobState][] = [
  [0.8, "succeeded"],
  [0.9, "failed"],
  [0.93, "canceled"],
  [0.97, "running"],
  [1, "queued"],
];

const botName = (index: number) => `bot-${String(index + 1).padStart(2, "0")}`;

function pickState(random: Random): JobState {
  const draw = random.next();
  for (const [threshold, state] of STATE_THRESHOLDS) if (draw < threshold) return state;
  return "queued";
}

/** 2 to 4 stages (3 on average), ending with a failed one when the job failed. */
function makeStages(
  random: Random,
  startedAt: Date,
  count: number,
  failLast: boolean,
): GeneratedStage[] {
  const stages: GeneratedStage[] = [];
  let cursor = startedAt.getTime();
  const first = random.int(1, STAGE_NAMES.length - count);
  for (let k = 0; k < count; k++) {
    const start = cursor + random.int(0, 500);
    const end = start + random.int(200, 20_000);
    const failed = failLast && k === count - 1;
    stages.push({
      stageName: (k === 0 ? STAGE_NAMES[0] : STAGE_NAMES[first + k - 1]) ?? "login",
      startedAt: new Date(start),
      endedAt: new Date(end),
      status: failed ? "fail" : "succeed",
      meta: { attempt: 1 },
      error: failed ? { code: "E_TIMEOUT", afterMs: end - start } : null,
    });
    cursor = end;
  }
  return stages;
}

/**
 * The dataset, one job at a time: `jobs` jobs over `bots` bots, accepted evenly over the `days`
 * before DATASET_END (in order, as they would arrive). Streamed so that a million jobs never sit
 * in memory; the same shape always yields the same jobs.
 */
export function* generateJobs(shape: DatasetShape): Generator<GeneratedJob> {
  const random = createRandom(shape.seed);
  const span = shape.days * DAY_MS;
  const start = DATASET_END.getTime() - span;
  for (let i = 0; i < shape.jobs; i++) {
    const acceptedAt = new Date(start + Math.floor(((i + random.next()) * span) / shape.jobs));
    const jobId = random.uuid();
    const botId = botName(random.int(0, shape.bots - 1));
    const state = pickState(random);
    const meta = { priority: random.int(1, 5) };
    // Half the cancellations happen before the job started.
    const started = state !== "queued" && !(state === "canceled" && random.next() < 0.5);
    if (!started) {
      yield {
        jobId,
        botId,
        state,
        acceptedAt,
        startedAt: null,
        finishedAt: state === "canceled" ? new Date(acceptedAt.getTime() + 60_000) : null,
        meta,
        result: null,
        errorMessage: null,
        stages: [],
      };
      continue;
    }
    const startedAt = new Date(acceptedAt.getTime() + random.int(100, 30_000));
    const stages = makeStages(random, startedAt, random.int(2, 4), state === "failed");
    const lastEnd = stages.at(-1)?.endedAt.getTime() ?? startedAt.getTime();
    const finished = state !== "running";
    yield {
      jobId,
      botId,
      state,
      acceptedAt,
      startedAt,
      finishedAt: finished ? new Date(lastEnd + random.int(0, 1_000)) : null,
      meta,
      result: state === "succeeded" ? { records: random.int(1, 500) } : null,
      errorMessage: state === "failed" ? `stage ${stages.at(-1)?.stageName} timed out` : null,
      stages,
    };
  }
}
