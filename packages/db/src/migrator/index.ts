export { MIGRATIONS_FOLDER, type MigrationFile, readMigrationFiles } from "./journal.ts";
export {
  getMigrationStatus,
  MIGRATION_LOCK_KEY,
  type MigrateOptions,
  type MigrateResult,
  type MigrationEvent,
  type MigrationStatus,
  migrate,
  planMigrations,
  runMigrations,
} from "./migrate.ts";
export {
  type AppliedMigration,
  readAppliedMigrations,
  TRACKING_SCHEMA,
  TRACKING_TABLE,
} from "./tracking.ts";
