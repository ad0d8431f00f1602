/**
 * Reading what a failed query or connection says, beneath drizzle's `DrizzleQueryError`. That
 * wrapper's message is `Failed query: <sql>\nparams: <every parameter>`: a batch's parameters
 * hold its events, meta and all, so neither its message nor its stack is ever shown to anyone.
 * Everything a person reads about a database failure comes from here instead.
 */

import {
  CONNECTION_CODES,
  POSTGRES_JS_CODES,
  POSTGRES_JS_CONNECTION_WORDS,
  SQLSTATE,
} from "./codes.ts";

/** What the driver (postgres.js or PGlite) said about a failure, safe to print. */
export interface DriverError {
  /**
   * SQLSTATE (`23514`), Node's socket code (`ECONNREFUSED`) or postgres.js' own
   * (`CONNECTION_CLOSED`); undefined for PGlite's closed instance, which has none.
   */
  code: string | undefined;
  /**
   * PostgreSQL's (or the driver's) own one-line message, never drizzle's wrapper. In data
   * exceptions (class 22) PostgreSQL quotes the offending input (`invalid input syntax for type
   * uuid: "…"`): that part is masked, since it is a parameter.
   */
  message: string;
  /** The constraint a class 23 error names (postgres.js `constraint_name`, PGlite `constraint`). */
  constraint: string | undefined;
  /**
   * PostgreSQL's DETAIL line. It can repeat row values (`Failing row contains (…)`): code may
   * read it, but it is never part of a message.
   */
  detail: string | undefined;
}

interface DriverFields {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  constraint_name?: unknown;
  constraint?: unknown;
  detail?: unknown;
  query?: unknown;
}

/** How deep a chain of causes is followed; drizzle wraps once, a transaction maybe once more. */
const MAX_DEPTH = 5;

/** PGlite's errors once its instance is closed: no code, only these messages. */
const PGLITE_CLOSED = /^PGlite is clos(ed|ing)$/;

/** What drizzle's wrapper says in place of its message. */
const WITHHELD = "a database query failed (its statement and parameters are not shown)";

const text = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;

const firstLine = (message: string): string => message.split("\n")[0] ?? "";

/**
 * drizzle's `DrizzleQueryError` (and anything built like it): the statement and its parameters
 * as properties, and both in its message, but no code of its own. Recognised by shape, not
 * class: each workspace may resolve its own copy of drizzle-orm. (PGlite's own errors carry the
 * statement and parameters as properties too, beside their SQLSTATE.)
 */
export function isQueryWrapper(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const fields = error as DriverFields;
  return (
    error.message.startsWith("Failed query:") ||
    (typeof fields.query === "string" && "params" in error && typeof fields.code !== "string")
  );
}

/** The errors of a cause chain, outermost first. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (chain.length < MAX_DEPTH && current !== null && current !== undefined) {
    chain.push(current);
    current = typeof current === "object" ? (current as DriverFields).cause : undefined;
  }
  return chain;
}

/** Masks what PostgreSQL quotes from the input in a data exception (class 22) message. */
function maskQuotedInput(code: string | undefined, message: string): string {
  if (code === undefined || !code.startsWith("22")) return message;
  // Greedy, first quote to last: a value holding a quote cannot leave a piece of itself behind.
  return message.replace(/"[\s\S]*"/, '"…"');
}

/** `error` itself read as a driver error, its causes not looked at. */
function ownDriverError(error: unknown): DriverError | undefined {
  if (typeof error !== "object" || error === null || isQueryWrapper(error)) return undefined;
  const fields = error as DriverFields;
  const code = text(fields.code);
  const message = text(fields.message) ?? "";
  const fromDriver =
    code === undefined
      ? PGLITE_CLOSED.test(message)
      : SQLSTATE.test(code) || CONNECTION_CODES.has(code) || POSTGRES_JS_CODES.has(code);
  if (!fromDriver) return undefined;
  const words = code === undefined ? undefined : POSTGRES_JS_CONNECTION_WORDS[code];
  return {
    code,
    message:
      words === undefined
        ? maskQuotedInput(code, firstLine(message))
        : `${words} (${message.replace(/^write /, "")})`,
    constraint: text(fields.constraint_name) ?? text(fields.constraint),
    detail: text(fields.detail),
  };
}

/**
 * The driver error in a chain: the first error carrying a SQLSTATE or a driver code, or PGlite's
 * closed instance. Undefined when the failure did not come from a driver (a bug, a bad argument).
 */
export function readDriverError(error: unknown): DriverError | undefined {
  for (const candidate of causeChain(error)) {
    const driver = ownDriverError(candidate);
    if (driver !== undefined) return driver;
  }
  return undefined;
}

/** The SQLSTATE (or driver code) of a failure, looking through drizzle's wrapping. */
export const sqlStateOf = (error: unknown): string | undefined => readDriverError(error)?.code;

const withCode = (driver: DriverError): string =>
  driver.code !== undefined && SQLSTATE.test(driver.code)
    ? `${driver.message} (SQLSTATE ${driver.code})`
    : driver.message;

/** One error's own message, made safe; its causes are not looked at. */
export function ownSafeMessage(error: unknown): string {
  if (isQueryWrapper(error)) return WITHHELD;
  const driver = ownDriverError(error);
  if (driver !== undefined) return withCode(driver);
  return error instanceof Error ? error.message : String(error);
}

/**
 * One line about any thrown value that never repeats a statement's parameters: the driver's own
 * message with its code when a driver failed, drizzle's wrapper reduced to what it wraps, and
 * otherwise the error's message.
 */
export function safeMessageOf(error: unknown): string {
  const driver = readDriverError(error);
  if (driver !== undefined) return withCode(driver);
  const unwrapped = causeChain(error).find((candidate) => !isQueryWrapper(candidate));
  if (unwrapped === undefined) return WITHHELD;
  return unwrapped instanceof Error ? firstLine(unwrapped.message) : String(unwrapped);
}
