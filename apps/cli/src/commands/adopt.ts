import type { Command } from "@commander-js/extra-typings";
import type { CliContext } from "../context.ts";

export function registerAdopt(program: Command, cli: CliContext): void {
  program
    .command("adopt")
    .description(
      "take over a database built by the old psql scripts: verify its schema matches a migration, then record the migrations up to it (no data touched)",
    )
    .option("--dry-run", "verify and name the baseline, record nothing")
    .option("--json", "print the result as JSON")
    .action(async (options) => {
      const { adoptLegacyDatabase } = await import("@forusbots/db/drift");
      const result = await cli.withDatabase(
        async (handle) => ({
          target: handle.description,
          ...(await adoptLegacyDatabase(handle, { dryRun: options.dryRun === true })),
        }),
        { requireSchema: false, maxConnections: 1 },
      );
      if (options.json) {
        cli.printJson({ ...result, recordedNothing: options.dryRun === true });
        return;
      }
      cli.print(`Database: ${result.target}`);
      cli.print(`The schema matches migration ${result.baseline}.`);
      cli.print(
        options.dryRun
          ? `Dry run: would record ${result.recorded.length} migration(s) as applied: ${result.recorded.join(", ")}.`
          : `Recorded ${result.recorded.length} migration(s) as applied: ${result.recorded.join(", ")}. Run migrate for the rest.`,
      );
    });
}
