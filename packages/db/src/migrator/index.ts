export { MIGRATION_LOCK_KEY, withMigrationLock } from "./advisory-lock.ts";
export { downScriptName, readDownScript, tablesDroppedBy } from "./down-scripts.ts";
export {
  MIGRATIONS_FOLDER,
  type MigrationFile,
  NO_TRANSACTION_MARKER,
  readMigrationFiles,
} from "./journal.ts";
export { DEFAULT_LOCK_RETRY } from "./lock-retry.ts";
export {
  findMigration,
  type LockOptions,
  type MigrateOptions,
  type MigrateResult,
  type MigrationEvent,
  migrate,
  runMigrations,
} from "./migrate.ts";
export {
  describeEditedMigration,
  type EditedMigration,
  getMigrationStatus,
  type MigrationStatus,
  type PlanOptions,
  planMigrations,
} from "./plan.ts";
export {
  type DroppedTable,
  type RollbackEvent,
  type RollbackOptions,
  type RollbackPlan,
  type RollbackResult,
  rollback,
} from "./rollback.ts";
export {
  auditRowsAtRisk,
  describeDroppedTables,
  type RollbackGuardOptions,
  rollbackRefusal,
} from "./rollback-guard.ts";
export { DEFAULT_TIMEOUTS } from "./run-script.ts";
export {
  type AppliedMigration,
  readAppliedMigrations,
  TRACKING_SCHEMA,
  TRACKING_TABLE,
} from "./tracking.ts";
