import { describe, expect, it } from "vitest";
import { type PaceClock, paceBatches, pacedBatchSize } from "./pace-batches.ts";

/** A clock that only moves when told to: by a sleep, or by `pass` (time spent writing). */
function manualClock() {
  let now = 1_000;
  const sleeps: number[] = [];
  const clock: PaceClock = {
    now: () => now,
    sleep: async (milliseconds) => {
      sleeps.push(milliseconds);
      now += milliseconds;
    },
  };
  return { clock, sleeps, pass: (milliseconds: number) => (now += milliseconds), at: () => now };
}

async function* fromArray<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

describe("paceBatches", () => {
  it("holds each batch until its first event is due at the rate", async () => {
    const { clock, sleeps } = manualClock();
    const through: number[] = [];
    // 40 events a second; batches of 10, 10, 20 and 5 events start at events 0, 10, 20 and 40:
    // due at 0, 250, 500 and 1000 ms after the first.
    for await (const batch of paceBatches(fromArray([10, 10, 20, 5]), 40, (n) => n, clock)) {
      through.push(batch);
    }
    expect(through).toEqual([10, 10, 20, 5]);
    expect(sleeps).toEqual([250, 250, 500]);
  });

  it("counts from the first batch, so time spent writing is not added to the wait", async () => {
    const { clock, sleeps, pass, at } = manualClock();
    const letThroughAt: number[] = [];
    // 100 events a second, batches of 50: due at 0, 500, 1000 and 1500 ms. The writer spends
    // 200 ms on the first batch and 800 ms on the second, which is then already late.
    const writing = [200, 800, 0, 0];
    let index = 0;
    for await (const _batch of paceBatches(fromArray([50, 50, 50, 50]), 100, (n) => n, clock)) {
      letThroughAt.push(at() - 1_000);
      pass(writing[index++] ?? 0);
    }
    expect(letThroughAt).toEqual([0, 500, 1300, 1500]);
    expect(sleeps).toEqual([300, 200]);
  });

  it("after a long stall, goes ahead by at most a second's events, then keeps the rate", async () => {
    const { clock, pass, at } = manualClock();
    const letThroughAt: number[] = [];
    // 100 events a second, batches of 50, the first batch's write stalled for 5 s. Schedule
    // alone, every batch up to the eleventh would be due by then and go at once. The schedule is
    // pulled up to 1 s behind the clock (4,000 ms): the second batch is due at 4,000, the third
    // at 4,500, the fourth at 5,000 (all three go at 5,000), the fifth at 5,500.
    const writing = [5_000, 0, 0, 0, 0];
    let index = 0;
    for await (const _batch of paceBatches(fromArray([50, 50, 50, 50, 50]), 100, (n) => n, clock)) {
      letThroughAt.push(at() - 1_000);
      pass(writing[index++] ?? 0);
    }
    expect(letThroughAt).toEqual([0, 5_000, 5_000, 5_000, 5_500]);
  });
});

describe("pacedBatchSize", () => {
  it("is a tenth of a second of events, at least one, at most the largest batch", () => {
    expect(pacedBatchSize(1_000, 5_000)).toBe(100);
    expect(pacedBatchSize(25, 5_000)).toBe(3);
    expect(pacedBatchSize(1, 5_000)).toBe(1);
    expect(pacedBatchSize(1_000_000, 5_000)).toBe(5_000);
  });
});
