/**
 * The migrator's command-line front end, shared by `pnpm db:migrate` and `forus-audit`: the
 * flags, the lines printed for each event and the commands that tie them together. Light to
 * import: the migrator itself loads only when a command runs.
 */

export { ADOPT_FLAGS, type AdoptFlagValues, adoptOptionsOf } from "./adopt-flags.ts";
export { type CommandOutput, migrateCommand, rollbackCommand } from "./commands.ts";
export {
  describeFlags,
  type FlagRule,
  flagKey,
  MIGRATE_FLAGS,
  type MigrateFlagValues,
  parseFlags,
  ROLLBACK_FLAGS,
  type RollbackFlagValues,
} from "./flags.ts";
export { type LinePaint, migrationEventLine, rollbackEventLine } from "./report.ts";
