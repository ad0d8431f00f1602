import type { DatabaseHandle } from "@forusbots/db/client";
import type { Hono } from "hono";
import type { AccessPolicy } from "../src/server/access/guard.ts";
import { createConsoleApp } from "../src/server/app.ts";
import { connectionOf } from "../src/server/database-connection.ts";

/**
 * The access of the API's data tests: `app.request()` sends no Host header, and what those tests
 * check is the data, not who may ask for it. `src/server/access/*.test.ts` check the real policy.
 */
export const ANY_HOST: AccessPolicy = { isOwnHost: () => true };

/** The statement limit of the data tests: the console's default. */
export const TEST_READ_LIMITS = { statementTimeoutMs: 5000 };

/** The console's app over a test database's handle, as the data tests ask it. */
export const dataTestApp = (handle: DatabaseHandle): Hono =>
  createConsoleApp({
    connection: connectionOf(handle, TEST_READ_LIMITS),
    access: ANY_HOST,
    logError: () => {},
  });
