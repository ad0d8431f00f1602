import { safeMessageOf } from "../failures/driver-error.ts";
import { isLockTimeout } from "../failures/translate.ts";

export interface LockRetryPolicy {
  /** Further attempts after the first one times out waiting for a lock. */
  retries: number;
  /** Wait before the first retry; doubled each time, capped at `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_LOCK_RETRY: LockRetryPolicy = {
  retries: 5,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
};

/** The wait before retry number `attempt` (1-based): exponential, bounded. */
export const backoffDelay = (policy: LockRetryPolicy, attempt: number): number =>
  Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));

export class LockRetriesExhausted extends Error {
  constructor(
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(safeMessageOf(lastError), { cause: lastError });
  }
}

/**
 * Runs `attempt` again when it fails with lock_not_available. The caller's attempt must roll back
 * completely on failure (a transaction, or a statement that is safe to repeat), so trying again is
 * the same as trying once.
 */
export async function retryOnLockTimeout<T>(
  policy: LockRetryPolicy,
  attempt: () => Promise<T>,
  onRetry?: (attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isLockTimeout(error)) throw error;
      if (tried > policy.retries) throw new LockRetriesExhausted(tried, error);
      const delayMs = backoffDelay(policy, tried);
      onRetry?.(tried, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
