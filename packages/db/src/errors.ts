/**
 * The few kinds of failure a user can cause or fix. Each is thrown at the edge where it is
 * detected and turned into one line and an exit status in one place (`describeFailure`), so no
 * command prints a stack trace for a user error.
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
  | "refused";

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

/** Bad configuration: a malformed DATABASE_URL, an unknown engine. */
export class ConfigError extends AuditError {
  constructor(message: string) {
    super("config", message);
    this.name = "ConfigError";
  }
}

/** The database cannot be reached, refuses the login or is in use by another process. */
export class ConnectionError extends AuditError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("connection", message, options);
    this.name = "ConnectionError";
  }
}

/** The database exists but has not been migrated (tables missing). */
export class SchemaMissingError extends AuditError {
  constructor(message: string) {
    super("schema", message);
    this.name = "SchemaMissingError";
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
  constructor(message: string) {
    super("refused", message);
    this.name = "RefusedError";
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
  internal: 70,
};

/** One line for the user and the exit status, for any thrown value. */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof AuditError) {
    return { message: error.message, exitCode: EXIT_CODES[error.kind] };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: `internal error: ${message}`, exitCode: EXIT_CODES.internal };
}
