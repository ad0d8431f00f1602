import type { Command } from "@commander-js/extra-typings";
import type { CliContext } from "../context.ts";

export function registerReset(program: Command, cli: CliContext): void {
  program
    .command("reset")
    .description(
      "drop every audit table and migrate again (embedded or *_test / *_dev databases only)",
    )
    .option("--yes", "confirm that every audit row may be deleted")
    .option("--json", "print the result as JSON")
    .action(async (options) => {
      const config = cli.config();
      const { RefusedError, resetDatabase, resetRefusal } = await import("@forusbots/db");
      const { migrate } = await import("@forusbots/db/migrator");
      // One session: the migrator's advisory lock must cover every statement it runs.
      const result = await cli.withDatabase(
        async (handle) => {
          // Ask first as if confirmed, so a refused target is named as such before --yes is asked for.
          const refusal = await resetRefusal(handle, {
            confirmed: true,
            production: config.production,
          });
          if (refusal) throw new RefusedError(refusal);
          if (options.yes !== true) {
            throw new RefusedError(
              `reset drops every audit table and its data in ${handle.description}; run it again with --yes to confirm`,
            );
          }
          await resetDatabase(handle, { confirmed: true, production: config.production });
          const migrated = await migrate(handle);
          return { target: handle.description, applied: migrated.applied };
        },
        { requireSchema: false, maxConnections: 1, createsDatabase: true },
      );
      if (options.json) {
        cli.printJson({ target: result.target, reset: true, applied: result.applied });
        return;
      }
      cli.print(`Reset ${result.target}: dropped the audit schema.`);
      cli.print(`Migrated again: ${result.applied.length} migration(s) applied.`);
    });
}
