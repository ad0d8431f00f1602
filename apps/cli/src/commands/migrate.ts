import type { Command } from "@commander-js/extra-typings";
import {
  MIGRATE_FLAGS,
  type MigrateFlagValues,
  migrateCommand,
} from "@forusbots/db/migrator/command-line";
import type { CliContext } from "../context.ts";
import { addFlagRules, commandOutput } from "../migrator-flags.ts";

export function registerMigrate(program: Command, cli: CliContext): void {
  const command = program
    .command("migrate")
    .description(
      "apply the pending migrations (safe to run again: a second run does nothing); the same command as pnpm db:migrate",
    );
  addFlagRules(command, MIGRATE_FLAGS);
  command.action(async (options: MigrateFlagValues) => {
    await migrateCommand(cli.config().database, options, commandOutput(cli));
  });
}
