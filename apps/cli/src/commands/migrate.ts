import type { Command } from "@commander-js/extra-typings";
import type { MigrationEvent } from "@forusbots/db/migrator";
import type { CliContext } from "../context.ts";

export function registerMigrate(program: Command, cli: CliContext): void {
  program
    .command("migrate")
    .description("apply the pending migrations (safe to run again: a second run does nothing)")
    .option("--to <tag>", "stop after this migration, e.g. 0002_alias_views")
    .option("--dry-run", "list what would be applied, change nothing")
    .option("--json", "print the result as JSON")
    .action(async (options) => {
      const config = cli.config();
      const { describeTarget } = await import("@forusbots/db");
      const { runMigrations } = await import("@forusbots/db/migrator");
      const target = describeTarget(config.database);
      if (!options.json) cli.print(`Migrating ${target}`);
      const wouldApply: string[] = [];
      const result = await runMigrations(config.database, {
        ...(options.to === undefined ? {} : { to: options.to }),
        dryRun: options.dryRun === true,
        onEvent: (event) => {
          if (event.type === "would-apply") wouldApply.push(event.tag);
          const line = describeMigrationEvent(event, cli);
          if (line && !options.json) cli.print(line);
        },
      });
      if (options.json) {
        cli.printJson({
          target,
          applied: result.applied,
          ...(options.dryRun ? { wouldApply } : {}),
          alreadyApplied: result.alreadyApplied,
        });
      } else if (options.dryRun) {
        cli.print(`Dry run: ${wouldApply.length} migration(s) would be applied.`);
      } else {
        cli.print(
          result.applied.length === 0
            ? `Already up to date (${result.alreadyApplied} migrations applied).`
            : `Applied ${result.applied.length} migration(s); ${result.alreadyApplied + result.applied.length} in all.`,
        );
      }
    });
}

/** One progress line per migrator event, so a long migration shows what it is waiting for. */
export function describeMigrationEvent(event: MigrationEvent, cli: CliContext): string | null {
  switch (event.type) {
    case "applied":
      return `  ${cli.out.green("applied")} ${event.tag} (${event.statements} statements, ${event.milliseconds} ms)`;
    case "would-apply":
      return `  would apply ${event.tag} (${event.statements.length} statements)`;
    case "waiting-for-lock":
      return "  waiting for another migrating process to finish…";
    case "lock-retry":
      return `  ${cli.out.yellow("lock timeout")} in ${event.tag}: retry ${event.attempt} in ${event.delayMs} ms`;
    default:
      return null;
  }
}
