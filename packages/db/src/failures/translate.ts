import {
  AuditError,
  ConnectionError,
  DatabaseBusyError,
  RefusedError,
  SchemaMissingError,
} from "../errors.ts";
import {
  CONNECTION_CLASS,
  CONNECTION_CODES,
  DATA_CLASSES,
  LOCK_NOT_AVAILABLE,
  QUERY_CANCELED,
  REFUSED_CODES,
  TRANSACTION_CONFLICT_CODES,
  UNDEFINED_TABLE,
} from "./codes.ts";
import {
  causeChain,
  type DriverError,
  isQueryWrapper,
  readDriverError,
  safeMessageOf,
} from "./driver-error.ts";
import { describeStack } from "./stack.ts";

/**
 * What a driver error means for whoever meets it:
 * - `connection`: the database is unreachable, refused the login, or ended the session;
 * - `schema`: the audit tables are not there (never migrated);
 * - `data`: the statement's data cannot be stored (class 22, 23, 54);
 * - `busy`: a lock or statement time limit, a deadlock or a serialization conflict; retry;
 * - `refused`: not allowed to this role or on this server (a read-only standby);
 * - `unexpected`: anything else, a bug to report.
 */
export type DriverFailureKind =
  | "connection"
  | "schema"
  | "data"
  | "busy"
  | "refused"
  | "unexpected";

export interface DriverFailure extends DriverError {
  kind: DriverFailureKind;
}

function kindOf(code: string | undefined): DriverFailureKind {
  // Only PGlite's closed instance comes without a code.
  if (code === undefined || CONNECTION_CODES.has(code) || code.startsWith(CONNECTION_CLASS)) {
    return "connection";
  }
  if (code === UNDEFINED_TABLE) return "schema";
  if (
    code === LOCK_NOT_AVAILABLE ||
    code === QUERY_CANCELED ||
    TRANSACTION_CONFLICT_CODES.has(code)
  )
    return "busy";
  if (REFUSED_CODES.has(code)) return "refused";
  if (DATA_CLASSES.has(code.slice(0, 2))) return "data";
  return "unexpected";
}

/** The driver error beneath `error` and what it means; undefined if no driver failed. */
export function classifyDriverError(error: unknown): DriverFailure | undefined {
  const driver = readDriverError(error);
  return driver === undefined ? undefined : { ...driver, kind: kindOf(driver.code) };
}

/** `lock_timeout` expired (or NOWAIT found the lock taken). */
export const isLockTimeout = (error: unknown): boolean =>
  readDriverError(error)?.code === LOCK_NOT_AVAILABLE;

/** A deadlock or serialization failure: the transaction can be run again as it is. */
export const isTransactionConflict = (error: unknown): boolean =>
  TRANSACTION_CONFLICT_CODES.has(readDriverError(error)?.code ?? "");

/**
 * A database failure no kind covers: a bug. A plain Error (exit status 70, "internal error")
 * whose message and cause are safe to print and to log.
 */
export class UnexpectedDatabaseError extends Error {
  constructor(error: unknown) {
    super(safeMessageOf(error), { cause: safeCopy(error) });
    this.name = "UnexpectedDatabaseError";
  }
}

/**
 * A stand-in for a driver failure, kept as the cause of the error that replaces it: its message
 * and stack made safe, its code kept. The original is dropped, since printing or logging it
 * (`console.error(error)` shows every property and cause) would show drizzle's message with the
 * parameters, and PGlite's errors carry them as a property too.
 */
function safeCopy(error: unknown): Error {
  const driver = readDriverError(error);
  // The driver's message without its code: whoever reads the copy adds the code from `code`.
  const copy = new Error(driver?.message ?? safeMessageOf(error));
  copy.name = "DatabaseFailure";
  copy.stack = describeStack(error);
  return driver?.code === undefined ? copy : Object.assign(copy, { code: driver.code });
}

const BUSY_REASONS: Record<string, string> = {
  [LOCK_NOT_AVAILABLE]: "the database timed out waiting for a lock",
  // A read cut short by its time limit (the console's, a role's) is most often one over too much
  // data: the way out is a narrower one, not the same request again.
  [QUERY_CANCELED]:
    "the query took too long and was cancelled (statement_timeout, or an operator): narrow the range it reads (from/to, a bot) or try again when the database is less busy",
  "40001": "the transaction lost a serialization conflict with a concurrent one",
  "40P01": "the transaction lost a deadlock with a concurrent one",
};

/**
 * Turns a driver error into the `AuditError` of its kind (a `data` failure becomes a generic
 * `validation` error; `@forusbots/queries` names the event's field instead). An `AuditError`
 * passes unchanged; a failure no kind covers becomes an `UnexpectedDatabaseError`; anything not
 * from a driver is returned as it is. No message it makes holds a statement or its parameters.
 */
export function translateDriverError(error: unknown): unknown {
  if (error instanceof AuditError) return error;
  const failure = classifyDriverError(error);
  if (failure === undefined) {
    // A wrapper around something that is not a driver's error (a value the driver could not
    // serialise): still a database failure, and its message still holds the parameters.
    return causeChain(error).some(isQueryWrapper) ? new UnexpectedDatabaseError(error) : error;
  }
  const cause = safeCopy(error);
  const said = safeMessageOf(error);
  switch (failure.kind) {
    case "connection":
      return new ConnectionError(`the database connection failed: ${said}`, { cause });
    case "schema":
      return new SchemaMissingError(undefined, { cause });
    case "data":
      return new AuditError("validation", `refused by the database: ${said}`, { cause });
    case "busy":
      return new DatabaseBusyError(
        `${BUSY_REASONS[failure.code ?? ""] ?? "the database was busy"}: ${said}; nothing was changed, try again`,
        { cause },
      );
    case "refused":
      return new RefusedError(`the database refused it: ${said}`, { cause });
    case "unexpected":
      return new UnexpectedDatabaseError(error);
  }
}
