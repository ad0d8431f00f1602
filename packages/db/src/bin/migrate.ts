/**
 * `pnpm db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database when
 * it is unset, and prints what it applied. `--help` lists the flags.
 */
import { describeTarget, loadConfig } from "../config.ts";
import { describeFailure } from "../failures/describe-failure.ts";
import { type MigrationEvent, runMigrations } from "../migrator/index.ts";
import { MIGRATE_USAGE, parseMigrateArguments } from "./migrate-arguments.ts";

function report(event: MigrationEvent): void {
  switch (event.type) {
    case "waiting-for-lock":
      console.log("  another migration run holds the lock; waiting for it to finish");
      break;
    case "applied":
      console.log(
        `  applied ${event.tag} (${event.statements} statements, ${event.milliseconds} ms)`,
      );
      break;
    case "lock-retry":
      console.log(
        `  ${event.tag} timed out waiting for a lock (attempt ${event.attempt}); retrying in ${event.delayMs} ms`,
      );
      break;
    case "would-apply":
      console.log(
        `-- ${event.tag}${event.transactional ? "" : " (no transaction)"}\n${event.statements.map((statement) => `${statement};`.replace(/;;$/, ";")).join("\n")}\n`,
      );
      break;
  }
}

try {
  const command = parseMigrateArguments(process.argv.slice(2));
  if (command.help) {
    console.log(MIGRATE_USAGE);
  } else {
    const config = loadConfig();
    const { dryRun } = command.options;
    console.log(`${dryRun ? "Dry run against" : "Migrating"} ${describeTarget(config.database)}`);
    const result = await runMigrations(config.database, { ...command.options, onEvent: report });
    if (dryRun) {
      console.log("Dry run: nothing was executed.");
    } else {
      console.log(
        result.applied.length === 0
          ? `Already up to date (${result.alreadyApplied} migrations applied).`
          : `Applied ${result.applied.length} migration(s); ${result.alreadyApplied + result.applied.length} in all.`,
      );
    }
  }
} catch (error) {
  const { message, exitCode } = describeFailure(error);
  console.error(`db:migrate: ${message}`);
  process.exitCode = exitCode;
}
