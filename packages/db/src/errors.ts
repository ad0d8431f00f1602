/**
 * The few kinds of failure a user can cause or fix. Each is thrown at the edge where it is
 * detected and turned into one line and an exit status in one place (`describeFailure`, in
 * failures/), so no command prints a stack trace for a user error. Driver errors become these
 * kinds in one place too: `translateDriverError`.
 */
export type AuditErrorKind =
  | "usage"
  | "config"
  | "connection"
  | "schema"
  | "migration"
  | "validation"
  | "not_found"
  | "conflict"
  | "refused"
  | "busy";

export class AuditError extends Error {
  constructor(
    readonly kind: AuditErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AuditError";
  }
}

/** A bad argument, option value or input file the user can fix: exit status 2. */
export class UsageError extends AuditError {
  constructor(message: string) {
    super("usage", message);
    this.name = "UsageError";
  }
}

/** Bad configuration: a malformed DATABASE_URL, an unknown engine. */
export class ConfigError extends AuditError {
  constructor(message: string) {
    super("config", message);
    this.name = "ConfigError";
  }
}

/** The database cannot be reached, refuses the login, is in use by another process, or went away. */
export class ConnectionError extends AuditError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("connection", message, options);
    this.name = "ConnectionError";
  }
}

/**
 * The database exists but has not been migrated (tables missing). The one message for it,
 * whoever notices: the CLI before a read, a query that meets a missing table, the console.
 * `where` names the database when the caller knows it.
 */
export class SchemaMissingError extends AuditError {
  constructor(where?: string, options?: { cause?: unknown }) {
    super(
      "schema",
      `the audit tables do not exist${where === undefined ? "" : ` in ${where}`}: run migrate first`,
      options,
    );
    this.name = "SchemaMissingError";
  }
}

/**
 * No embedded database exists where one was expected. Commands that only read or add rows open
 * the embedded folder with `existingOnly`, so a mistyped `AUDIT_DB_PATH` is named instead of
 * silently becoming a new, empty database at the wrong place.
 */
export class NoEmbeddedDatabaseError extends AuditError {
  constructor(dataDir: string) {
    super(
      "schema",
      `there is no embedded database at ${dataDir}: create it with \`pnpm db:migrate\` (or \`forus-audit migrate\`), or point AUDIT_DB_PATH / DATABASE_URL at the existing one`,
    );
    this.name = "NoEmbeddedDatabaseError";
  }
}

/** A migration could not be read, verified or applied. */
export class MigrationError extends AuditError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("migration", message, options);
    this.name = "MigrationError";
  }
}

/** An operation that is not allowed here, such as resetting a production database. */
export class RefusedError extends AuditError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("refused", message, options);
    this.name = "RefusedError";
  }
}

/**
 * The database gave up on the operation because of other work: a lock wait or a statement ran
 * past its time limit, or a deadlock or serialization conflict persisted. Nothing of it was
 * changed, and the same operation can simply be tried again.
 */
export class DatabaseBusyError extends AuditError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("busy", message, options);
    this.name = "DatabaseBusyError";
  }
}

/** Exit statuses, documented in the README. */
export const EXIT_CODES: Record<AuditErrorKind | "internal", number> = {
  validation: 1,
  usage: 2,
  config: 2,
  connection: 3,
  schema: 4,
  migration: 5,
  not_found: 6,
  conflict: 7,
  refused: 8,
  busy: 9,
  internal: 70,
};
