import { setTimeout as sleepFor } from "node:timers/promises";

/** Where the pacing reads the time and waits: the system's, or a test's. */
export interface PaceClock {
  now(): number;
  sleep(milliseconds: number): Promise<void>;
}

const systemClock: PaceClock = {
  now: () => performance.now(),
  sleep: (milliseconds) => sleepFor(milliseconds),
};

/**
 * How far behind its schedule the pacing may fall and still catch up: after a stall (a slow
 * server, a lock), at most this much time's events go at full speed, not everything the stall held
 * back, which would land on the live bots as one burst, the thing the rate limit is there to stop.
 */
const MAX_CATCH_UP_MS = 1_000;

/**
 * Lets `batches` through at `eventsPerSecond` on average: each batch waits until its first event
 * is due, each event being due 1 / `eventsPerSecond` seconds after the one before. A batch that
 * took long to write is not followed by a pause of its own (the time it took counts towards the
 * next batch's wait), but the schedule never lags the clock by more than MAX_CATCH_UP_MS: over
 * any stretch of time, at most a second's events plus one batch go beyond the rate.
 */
export async function* paceBatches<B>(
  batches: AsyncIterable<B>,
  eventsPerSecond: number,
  eventsIn: (batch: B) => number,
  clock: PaceClock = systemClock,
): AsyncGenerator<B> {
  let dueAt: number | undefined;
  for await (const batch of batches) {
    const now = clock.now();
    dueAt = dueAt === undefined ? now : Math.max(dueAt, now - MAX_CATCH_UP_MS);
    if (dueAt > now) await clock.sleep(dueAt - now);
    dueAt += (1000 * eventsIn(batch)) / eventsPerSecond;
    yield batch;
  }
}

/**
 * The batch size under a rate limit when none was given: a tenth of a second of events, so that
 * the writes come as ten small transactions a second rather than one burst of INGEST_BATCH_SIZE
 * events followed by a long pause (the live bots beside it would still meet each burst whole).
 */
export const pacedBatchSize = (eventsPerSecond: number, largest: number): number =>
  Math.max(1, Math.min(largest, Math.ceil(eventsPerSecond / 10)));
