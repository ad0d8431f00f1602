/** SQLSTATE of `lock_timeout` expiring (lock_not_available). */
export const LOCK_NOT_AVAILABLE = "55P03";

/** The SQLSTATE of a driver error, looking through drizzle's wrapping (`DrizzleQueryError.cause`). */
export function sqlStateOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = current.cause;
  }
  return undefined;
}

/** PostgreSQL's own message, without drizzle's "Failed query: ..." wrapper that repeats the SQL. */
export function postgresMessageOf(error: unknown): string {
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (typeof (current as { code?: unknown }).code === "string") return current.message;
    message = current.message;
    current = current.cause;
  }
  return message;
}

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
    super(postgresMessageOf(lastError), { cause: lastError });
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
      if (sqlStateOf(error) !== LOCK_NOT_AVAILABLE) throw error;
      if (tried > policy.retries) throw new LockRetriesExhausted(tried, error);
      const delayMs = backoffDelay(policy, tried);
      onRetry?.(tried, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
