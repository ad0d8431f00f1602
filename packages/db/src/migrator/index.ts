export { MIGRATION_LOCK_KEY, withMigrationLock } from "./advisory-lock.ts";
export { downScriptName, readDownScript } from "./down-scripts.ts";
export {
  MIGRATIONS_FOLDER,
  type MigrationFile,
  NO_TRANSACTION_MARKER,
  readMigrationFiles,
} from "./journal.ts";
export { DEFAULT_LOCK_RETRY, LOCK_NOT_AVAILABLE } from "./lock-retry.ts";
export {
  findMigration,
  type LockOptions,
  type MigrateOptions,
  type MigrateResult,
  type MigrationEvent,
  migrate,
  runMigrations,
} from "./migrate.ts";
export { getMigrationStatus, type MigrationStatus, planMigrations } from "./plan.ts";
export {
  type RollbackEvent,
  type RollbackOptions,
  type RollbackResult,
  rollback,
} from "./rollback.ts";
export { DEFAULT_TIMEOUTS } from "./run-script.ts";
export {
  type AppliedMigration,
  readAppliedMigrations,
  TRACKING_SCHEMA,
  TRACKING_TABLE,
} from "./tracking.ts";
