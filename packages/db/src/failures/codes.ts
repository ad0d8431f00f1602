/**
 * The one list of what each driver code means, for both engines. postgres.js reports socket
 * failures with Node's codes and its own `CONNECTION_*`; both engines report PostgreSQL's
 * SQLSTATEs; a closed PGlite says so in a message only (driver-error.ts).
 */

/** A SQLSTATE: a class PostgreSQL defines, then three characters. Node's `E…` codes are not. */
export const SQLSTATE = /^(?:[0-9][0-9A-Z]|F0|HV|P0|XX)[0-9A-Z]{3}$/;

/** The session cannot start, or ended under the query: the database is down, gone or unreachable. */
export const CONNECTION_CODES: ReadonlySet<string> = new Set([
  // Node's sockets and name lookups (postgres.js passes them on as they are)
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  // postgres.js
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "SASL_SIGNATURE_MISMATCH",
  // PostgreSQL: the login is refused, or the server ends the session
  "28000", // invalid_authorization_specification (pg_hba.conf, no such role)
  "28P01", // invalid_password
  "3D000", // invalid_catalog_name: the database does not exist
  "53300", // too_many_connections
  "25P03", // idle_in_transaction_session_timeout
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, shutting down, in recovery)
  "57P04", // database_dropped
  "57P05", // idle_session_timeout
]);

/**
 * postgres.js' messages for its own connection codes read `write CONNECTION_CLOSED host:port`;
 * these say what happened.
 */
export const POSTGRES_JS_CONNECTION_WORDS: Readonly<Record<string, string>> = {
  CONNECTION_CLOSED: "the server closed the connection",
  CONNECTION_ENDED: "the connection was already closed",
  CONNECTION_DESTROYED: "the connection was closed while the query waited",
  CONNECT_TIMEOUT: "timed out connecting",
};

/** Class 08, connection_exception, in full. */
export const CONNECTION_CLASS = "08";

/** postgres.js codes that are not about the connection: misuse, reported as bugs. */
export const POSTGRES_JS_CODES: ReadonlySet<string> = new Set([
  "MAX_PARAMETERS_EXCEEDED",
  "UNSAFE_TRANSACTION",
  "COPY_IN_PROGRESS",
  "MESSAGE_NOT_SUPPORTED",
  "NOT_TAGGED_CALL",
  "UNDEFINED_VALUE",
]);

/** lock_not_available: `lock_timeout` expired, or NOWAIT found the lock taken. */
export const LOCK_NOT_AVAILABLE = "55P03";

/** query_canceled: `statement_timeout` expired, or an operator cancelled the query. */
export const QUERY_CANCELED = "57014";

/** A transaction that lost to a concurrent one and can be run again as it is. */
export const TRANSACTION_CONFLICT_CODES: ReadonlySet<string> = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
]);

/** undefined_table: the audit tables (or a view) are not there. */
export const UNDEFINED_TABLE = "42P01";

/**
 * What the stored data cannot be: class 22 (data exception: a time out of range, NUL in text),
 * 23 (integrity constraint violation) and 54 (program limit exceeded: an index row too large).
 */
export const DATA_CLASSES: ReadonlySet<string> = new Set(["22", "23", "54"]);

/** The database forbids it here: insufficient_privilege, read_only_sql_transaction (a standby). */
export const REFUSED_CODES: ReadonlySet<string> = new Set(["42501", "25006"]);
