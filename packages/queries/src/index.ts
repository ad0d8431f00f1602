/**
 * @forusbots/queries: the typed audit API. The write side (the recorder and the batch ingest,
 * both over one write engine) enforces the job state machine in its SQL; the read side returns
 * numbers as numbers and timestamps as `Date`, the same on PGlite and PostgreSQL.
 */
export {
  ConflictError,
  type EventError,
  type FieldIssue,
  NotFoundError,
  SpoolFullError,
  SpoolWriteError,
  translateDatabaseError,
  ValidationError,
} from "./errors.ts";
export * from "./events/index.ts";
export * from "./ingest/index.ts";
export * from "./reads/index.ts";
export * from "./recorder/index.ts";
export * from "./retention/index.ts";
export { FINISH_FROM, START_FROM } from "./write-engine/index.ts";
