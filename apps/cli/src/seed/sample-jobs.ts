import type { AuditEventInput } from "@forusbots/queries";
import type { Random } from "@forusbots/queries/seeded-random";

/**
 * Realistic development data: bots that log in to a portal, fill forms, upload and submit, in
 * every job state, with failed stages carrying error objects, spread over the days before `end`.
 * Events follow the ingest contract, so seeding goes through the same validated write path.
 */

export interface SampleOptions {
  jobs: number;
  bots: number;
  /** The newest moment of the data; jobs are spread over `days` before it. */
  end: Date;
  days: number;
}

/** Flat JSON objects: all the sample meta, results and errors need. */
type Json = { [key: string]: string | number | boolean };

/** The contract's events as JSON: what ingest reads, so seeding exercises the same path. */
export type SampleEvent = AuditEventInput;

interface Bot {
  id: string;
  portal: string;
  stages: string[];
  /** How often this bot runs relative to the others. */
  weight: number;
}

const BOT_NAMES = [
  "invoice-bot",
  "kyc-bot",
  "claims-bot",
  "payroll-bot",
  "tax-filing-bot",
  "onboarding-bot",
  "renewal-bot",
  "refund-bot",
];
const PORTALS = ["gov-portal", "bank-portal", "insurer-portal", "erp", "crm"];
const MIDDLE_STAGES = ["open-portal", "search-record", "fill-form", "upload", "review"];
/** Typical duration range of each stage, in milliseconds. */
const STAGE_DURATION_MS: Record<string, [number, number]> = {
  login: [800, 3_000],
  "open-portal": [500, 2_000],
  "search-record": [1_000, 5_000],
  "fill-form": [2_000, 15_000],
  upload: [1_000, 20_000],
  review: [500, 4_000],
  submit: [1_000, 6_000],
  "download-receipt": [500, 3_000],
};
const STAGE_ERRORS: Record<string, Json[]> = {
  login: [{ code: "AUTH_FAILED", message: "invalid credentials for the portal user" }],
  "fill-form": [{ code: "SELECTOR_NOT_FOUND", message: "field #tax-id not found on the form" }],
  upload: [{ code: "UPLOAD_REJECTED", message: "the portal rejected the file: over 10 MB" }],
  submit: [{ code: "HTTP_502", message: "the portal answered 502 Bad Gateway" }],
};
const TIMEOUT_ERROR = (stage: string): Json => ({
  code: "TIMEOUT",
  message: `${stage} timed out after 30 s`,
  retryable: true,
});
const OPERATORS = ["ana.silva", "joao.pereira", "marta.costa", "scheduler"];
const PRIORITIES = ["low", "normal", "normal", "high"];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function createBots(random: Random, count: number): Bot[] {
  return Array.from({ length: count }, (_, index) => {
    const base = BOT_NAMES[index % BOT_NAMES.length] ?? "bot";
    const round = Math.floor(index / BOT_NAMES.length);
    const middle = MIDDLE_STAGES.filter(() => random.chance(0.6));
    const tail = random.chance(0.5) ? ["submit", "download-receipt"] : ["submit"];
    return {
      id: round === 0 ? base : `${base}-${round + 1}`,
      portal: random.pick(PORTALS),
      stages: ["login", ...middle, ...tail],
      weight: random.between(0.5, 3),
    };
  });
}

type State = "queued" | "running" | "succeeded" | "failed" | "canceled";

function pickState(random: Random): State {
  const roll = random.next();
  if (roll < 0.72) return "succeeded";
  if (roll < 0.86) return "failed";
  if (roll < 0.91) return "canceled";
  if (roll < 0.96) return "running";
  return "queued";
}

function pickBot(random: Random, bots: readonly Bot[], totalWeight: number): Bot {
  let roll = random.next() * totalWeight;
  for (const bot of bots) {
    roll -= bot.weight;
    if (roll < 0) return bot;
  }
  return random.pick(bots);
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Every event of one job, in the order a bot runner would send them. */
function sampleJob(random: Random, bot: Bot, options: SampleOptions): SampleEvent[] {
  const jobId = random.uuid();
  const state = pickState(random);
  const endMs = options.end.getTime();
  // Unfinished jobs are the recent ones; finished ones are spread over the whole window.
  const acceptedMs =
    state === "queued" || state === "running" || (state === "canceled" && random.chance(0.3))
      ? endMs - random.int(5, 60) * 60_000
      : endMs - HOUR_MS - random.int(0, Math.max(0, options.days * DAY_MS - HOUR_MS));
  const events: SampleEvent[] = [
    {
      type: "job.accepted",
      jobId,
      botId: bot.id,
      at: iso(acceptedMs),
      meta: {
        portal: bot.portal,
        reference: `REF-${String(random.int(0, 999_999)).padStart(6, "0")}`,
        priority: random.pick(PRIORITIES),
      },
      createdBy: {
        name: random.pick(OPERATORS),
        role: random.chance(0.8) ? "operator" : "admin",
        at: iso(acceptedMs),
      },
    },
  ];
  if (state === "queued") return events;
  if (state === "canceled" && random.chance(0.5)) {
    events.push(canceled(jobId, acceptedMs + random.int(1_000, 240_000)));
    return events;
  }

  let clock = acceptedMs + random.int(200, 30_000);
  events.push({ type: "job.started", jobId, at: iso(clock) });
  const failAt = state === "failed" ? random.int(0, bot.stages.length - 1) : -1;
  const stopAt =
    state === "running" || state === "canceled"
      ? random.int(0, bot.stages.length - 1)
      : bot.stages.length;
  for (const [index, stageName] of bot.stages.entries()) {
    if (index >= stopAt) break;
    const failing = index === failAt;
    // A retryable timeout followed by a successful retry: succeeded jobs have failed stages too.
    const attempts = !failing && random.chance(0.08) ? 2 : 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const [min, max] = STAGE_DURATION_MS[stageName] ?? [500, 5_000];
      const startedMs = clock + random.int(20, 400);
      const endedMs = startedMs + random.int(min, max);
      const fails = failing || attempt < attempts;
      events.push({
        type: "stage",
        jobId,
        stageName,
        startedAt: iso(startedMs),
        endedAt: iso(endedMs),
        status: fails ? "fail" : "succeed",
        meta: { attempt },
        ...(fails
          ? {
              error:
                failing && random.chance(0.6)
                  ? random.pick(STAGE_ERRORS[stageName] ?? [TIMEOUT_ERROR(stageName)])
                  : TIMEOUT_ERROR(stageName),
            }
          : {}),
      });
      clock = endedMs;
    }
    if (failing) {
      events.push({
        type: "job.finished",
        jobId,
        state: "failed",
        at: iso(clock + random.int(50, 2_000)),
        result: { failedStage: stageName },
        errorMessage: `${stageName} failed`,
      });
      return events;
    }
  }
  if (state === "running") return events;
  if (state === "canceled") {
    events.push(canceled(jobId, clock + random.int(100, 5_000)));
    return events;
  }
  events.push({
    type: "job.finished",
    jobId,
    state: "succeeded",
    at: iso(clock + random.int(50, 2_000)),
    result: {
      confirmation: `CNF-${String(random.int(0, 99_999_999)).padStart(8, "0")}`,
      pages: random.int(1, 12),
    },
  });
  return events;
}

function canceled(jobId: string, atMs: number): SampleEvent {
  return {
    type: "job.finished",
    jobId,
    state: "canceled",
    at: iso(atMs),
    errorMessage: "canceled by operator",
  };
}

/** The sample data, job by job, generated lazily so 100k jobs never sit in memory at once. */
export function* sampleJobs(random: Random, options: SampleOptions): Generator<SampleEvent[]> {
  const bots = createBots(random, options.bots);
  const totalWeight = bots.reduce((sum, bot) => sum + bot.weight, 0);
  for (let index = 0; index < options.jobs; index++) {
    yield sampleJob(random, pickBot(random, bots, totalWeight), options);
  }
}
