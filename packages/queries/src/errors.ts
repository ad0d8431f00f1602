import {
  AuditError,
  classifyDriverError,
  safeMessageOf,
  translateDriverError,
} from "@forusbots/db";

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

/**
 * Turns a driver error into the error of this package's event API, through the one translator
 * of `@forusbots/db`: a stage whose job vanished is `NotFoundError`, data the database refuses
 * is a `ValidationError` naming the constraint (the field) at fault, and every other failure is
 * what `translateDriverError` makes of it (connection, schema, busy, …). Constraint violations
 * normally never reach the database (validation and the conditional writes come first): mapping
 * them covers rows written by other tools and races such as a job purged while its stage is
 * inserted. No message holds the statement's parameters.
 */
export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof AuditError) return error;
  const failure = classifyDriverError(error);
  if (failure?.code === FOREIGN_KEY_VIOLATION) {
    // The detail names the missing job: `Key (job_id)=(…) is not present in table "jobs".`
    const jobId = /\(job_id\)=\(([^)]+)\)/.exec(failure.detail ?? "")?.[1];
    return new NotFoundError(jobId ?? "(unknown)");
  }
  if (failure?.kind === "data") {
    return new ValidationError([
      {
        field: failure.constraint || "event",
        message: `refused by the database: ${safeMessageOf(error)}`,
      },
    ]);
  }
  return translateDriverError(error);
}

/** foreign_key_violation: a stage whose job was purged after the stage was checked. */
const FOREIGN_KEY_VIOLATION = "23503";

/** Runs a database operation, translating the errors a user can act on. */
export async function withDatabaseErrors<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw translateDatabaseError(error);
  }
}

/**
 * The recorder could not take the event anywhere: the database did not answer and the spool
 * already holds `AUDIT_SPOOL_MAX_BYTES`. Nothing of the event was recorded; the bot may retry it
 * once the database is back (an audit trail says so rather than drop it silently).
 */
export class SpoolFullError extends AuditError {
  constructor(spoolDir: string, maxBytes: number) {
    super(
      "busy",
      `the audit spool in ${spoolDir} is full (${maxBytes} bytes waiting for the database): the event was not recorded`,
    );
    this.name = "SpoolFullError";
  }
}

/**
 * The database did not take the event and the spool could not be written either (disk full,
 * permissions): nothing of the event was recorded. `code` is the file system's (ENOSPC, EACCES).
 */
export class SpoolWriteError extends AuditError {
  constructor(spoolDir: string, code: string, options?: { cause?: unknown }) {
    super(
      "busy",
      `the audit spool in ${spoolDir} cannot be written (${code}): the event was not recorded`,
      options,
    );
    this.name = "SpoolWriteError";
  }
}
