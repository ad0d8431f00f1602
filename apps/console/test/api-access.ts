import type { AccessPolicy } from "../src/server/access/guard.ts";

/**
 * The access of the API's data tests: `app.request()` sends no Host header, and what those tests
 * check is the data, not who may ask for it. `src/server/access/*.test.ts` check the real policy.
 */
export const ANY_HOST: AccessPolicy = { isOwnHost: () => true };

/** The statement limit of the data tests: the console's default. */
export const TEST_READ_LIMITS = { statementTimeoutMs: 5000 };
