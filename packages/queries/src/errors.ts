import { AuditError, ConnectionError, SchemaMissingError } from "@forusbots/db";

/**
 * The errors this package throws, each an `AuditError` of the kind `describeFailure` (in
 * `@forusbots/db`) turns into a message and an exit status. Every message starts with the field
 * it is about, so a line of an ingested file can be reported as `line 12: jobId: not a UUID`.
 */

export interface FieldIssue {
  /** Dotted path inside the event or options, e.g. `jobId`, `createdBy.name`. */
  field: string;
  message: string;
}

/** The input is malformed or contradicts what is stored (a start before the job was accepted). */
export class ValidationError extends AuditError {
  readonly issues: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[]) {
    super("validation", issues.map(({ field, message }) => `${field}: ${message}`).join("; "));
    this.name = "ValidationError";
    this.issues = issues;
  }

  /** The first field at fault. */
  get field(): string {
    return this.issues[0]?.field ?? "";
  }
}

export const invalidField = (field: string, message: string): ValidationError =>
  new ValidationError([{ field, message }]);

/** A job (or the job of a stage) that was never accepted. */
export class NotFoundError extends AuditError {
  readonly field: string;
  readonly jobId: string;

  constructor(jobId: string, field = "jobId") {
    super("not_found", `${field}: no job ${jobId} has been accepted`);
    this.name = "NotFoundError";
    this.field = field;
    this.jobId = jobId;
  }
}

/**
 * The event contradicts what is stored: a transition the state machine refuses (starting a
 * finished job), or a replay that differs from the original (another final state, another bot).
 */
export class ConflictError extends AuditError {
  readonly field: string;
  readonly jobId: string;

  constructor(jobId: string, field: string, message: string) {
    super("conflict", `${field}: ${message}`);
    this.name = "ConflictError";
    this.field = field;
    this.jobId = jobId;
  }
}

/** What a rejected event is rejected with. */
export type EventError = ValidationError | NotFoundError | ConflictError;

export const SCHEMA_MISSING_MESSAGE = "the audit tables do not exist: run migrate first";

interface DriverError {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  /** postgres.js names the violated constraint here, PGlite in `constraint`. */
  constraint_name?: unknown;
  constraint?: unknown;
  detail?: unknown;
}

/** The driver error under drizzle's `DrizzleQueryError` wrapper (or the error itself). */
function driverError(error: unknown): DriverError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth++) {
    const candidate = current as DriverError;
    if (typeof candidate.code === "string") return candidate;
    current = candidate.cause;
  }
  return undefined;
}

/** The SQLSTATE (or driver code such as ECONNREFUSED) of a failed query, if it has one. */
export function databaseErrorCode(error: unknown): string | undefined {
  const code = driverError(error)?.code;
  return typeof code === "string" ? code : undefined;
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
]);

/**
 * Turns a driver error a user can act on into an `AuditError`; anything else is returned as it
 * is, to surface as an internal error. Constraint violations normally never reach the database
 * (validation and the conditional writes come first): mapping them covers rows written by other
 * tools and races such as a job purged while its stage is inserted.
 */
export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof AuditError) return error;
  const driver = driverError(error);
  const code = typeof driver?.code === "string" ? driver.code : undefined;
  if (code === undefined) return error;
  const constraint = String(driver?.constraint_name ?? driver?.constraint ?? "");
  const detail = typeof driver?.message === "string" ? driver.message : code;
  switch (code) {
    case "42P01": // undefined_table
      return new SchemaMissingError(SCHEMA_MISSING_MESSAGE);
    case "23503": {
      // foreign_key_violation: a stage whose job was purged after the stage was checked
      const jobId = /\(job_id\)=\(([^)]+)\)/.exec(String(driver?.detail ?? ""))?.[1];
      return new NotFoundError(jobId ?? "(unknown)");
    }
  }
  // Data exceptions (a time out of PostgreSQL's range, NUL in text) and other integrity
  // violations: the event holds something the database cannot store.
  if (code.startsWith("22") || code.startsWith("23")) {
    return new ValidationError([
      { field: constraint || "event", message: `refused by the database: ${detail}` },
    ]);
  }
  if (CONNECTION_CODES.has(code)) {
    return new ConnectionError(`the database connection failed: ${detail}`, { cause: error });
  }
  return error;
}

/** Runs a database operation, translating the errors a user can act on. */
export async function withDatabaseErrors<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw translateDatabaseError(error);
  }
}
