import { describe, expect, it } from "vitest";
import { LOCK_NOT_AVAILABLE } from "../failures/codes.ts";
import { backoffDelay, LockRetriesExhausted, retryOnLockTimeout } from "./lock-retry.ts";
import { resolveLockOptions } from "./migrate.ts";

/** What postgres.js and PGlite throw: an Error carrying the SQLSTATE in `code`. */
const postgresError = (code: string, message: string) =>
  Object.assign(new Error(message), { code });

describe("lock-timeout retry policy", () => {
  it("doubles the pause from the base and caps it", () => {
    const policy = { retries: 6, baseDelayMs: 500, maxDelayMs: 10_000 };
    // 500, 1000, 2000, 4000, 8000, then 16000 capped to 10000.
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(policy, attempt))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000,
    ]);
  });

  it("by default (README, Deploying) retries 5 times from 0.5 s, doubling, at most 10 s apart", () => {
    const { lockRetry } = resolveLockOptions({});
    expect(lockRetry.retries).toBe(5);
    // Past the fifth retry only with --retries: 16 s and 32 s are capped to 10 s.
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffDelay(lockRetry, attempt))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });

  it("tries again after each lock timeout and stops after the allowed retries", async () => {
    const policy = { retries: 2, baseDelayMs: 1, maxDelayMs: 1 };
    let calls = 0;
    const pauses: number[] = [];
    const failure = await retryOnLockTimeout(
      policy,
      async () => {
        calls++;
        throw postgresError(LOCK_NOT_AVAILABLE, "canceling statement due to lock timeout");
      },
      (attempt) => pauses.push(attempt),
    ).catch((error: unknown) => error);
    expect(calls).toBe(3);
    expect(pauses).toEqual([1, 2]);
    expect(failure).toBeInstanceOf(LockRetriesExhausted);
    expect((failure as LockRetriesExhausted).attempts).toBe(3);
  });

  it("does not retry other errors, and returns the first success", async () => {
    const policy = { retries: 3, baseDelayMs: 1, maxDelayMs: 1 };
    let calls = 0;
    await expect(
      retryOnLockTimeout(policy, async () => {
        calls++;
        throw postgresError("42P01", 'relation "nope" does not exist');
      }),
    ).rejects.toThrow(/relation "nope" does not exist/);
    expect(calls).toBe(1);

    let attempts = 0;
    const value = await retryOnLockTimeout(policy, async () => {
      attempts++;
      if (attempts === 1) throw postgresError(LOCK_NOT_AVAILABLE, "lock timeout");
      return "applied";
    });
    expect([value, attempts]).toEqual(["applied", 2]);
  });
});
