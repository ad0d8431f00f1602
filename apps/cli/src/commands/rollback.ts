import type { Command } from "@commander-js/extra-typings";
import type { RollbackEvent } from "@forusbots/db/migrator";
import type { CliContext } from "../context.ts";
import { parsePositiveInteger } from "../options.ts";

export function registerRollback(program: Command, cli: CliContext): void {
  program
    .command("rollback")
    .description(
      "undo the newest applied migration with its hand-written down script (--to: every newer one)",
    )
    .option("--to <tag>", "keep this migration applied and roll back every newer one")
    .option("--all", "roll back every applied migration: drops every audit table and its rows")
    .option("--dry-run", "print the down scripts that would run, change nothing")
    .option(
      "--lock-timeout <ms>",
      "lock_timeout of each down script (default 5000)",
      parsePositiveInteger,
    )
    .option(
      "--retries <n>",
      "attempts after a lock timeout, with backoff (default 5)",
      parsePositiveInteger,
    )
    .option("--json", "print the result as JSON")
    .action(async (options) => {
      const { rollback } = await import("@forusbots/db/migrator");
      const planned: string[] = [];
      const result = await cli.withDatabase(
        (handle) =>
          rollback(handle, {
            ...(options.to === undefined ? {} : { to: options.to }),
            ...(options.lockTimeout === undefined ? {} : { lockTimeoutMs: options.lockTimeout }),
            ...(options.retries === undefined ? {} : { retries: options.retries }),
            all: options.all === true,
            dryRun: options.dryRun === true,
            onEvent: (event) => {
              if (event.type === "would-roll-back") planned.push(event.tag);
              const line = describeRollbackEvent(event, cli);
              if (line && !options.json) cli.print(line);
            },
          }),
        // One session: the advisory lock must cover every statement of the run.
        { requireSchema: false, maxConnections: 1 },
      );
      if (options.json) {
        cli.printJson({ ...result, ...(options.dryRun ? { wouldRollBack: planned } : {}) });
      } else if (options.dryRun) {
        cli.print(`Dry run: ${planned.length} migration(s) would be rolled back.`);
      } else {
        cli.print(
          result.rolledBack.length === 0
            ? "Nothing to roll back: no migration is applied."
            : `Rolled back ${result.rolledBack.length} migration(s); ${result.remaining} still applied.`,
        );
      }
    });
}

function describeRollbackEvent(event: RollbackEvent, cli: CliContext): string | null {
  switch (event.type) {
    case "rolled-back":
      return `  ${cli.out.green("rolled back")} ${event.tag} (${event.statements} statements)`;
    case "would-roll-back":
      return `-- ${event.tag}.down.sql\n${event.statements.join("\n")}\n`;
    case "waiting-for-lock":
      return "  waiting for another migrating process to finish…";
    case "lock-retry":
      return `  ${cli.out.yellow("lock timeout")} in ${event.tag}: retry ${event.attempt} in ${event.delayMs} ms`;
    default:
      return null;
  }
}
