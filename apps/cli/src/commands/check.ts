import type { Command } from "@commander-js/extra-typings";
import { AuditError } from "@forusbots/db";
import type { CliContext } from "../context.ts";
import { escapeControlCharacters } from "../output/terminal-text.ts";

/** Drift is a schema problem: the same exit status as a database that was never migrated. */
class DriftError extends AuditError {
  constructor(message: string) {
    super("schema", message);
    this.name = "DriftError";
  }
}

export function registerCheck(program: Command, cli: CliContext): void {
  program
    .command("check")
    .description(
      "compare the live schema with what its applied migrations produce, and schema.ts with the last migration; exit non-zero on drift",
    )
    .option("--skip-schema-check", "compare the database only, not schema.ts (no drizzle-kit run)")
    .option("--json", "print the report as JSON")
    .action(async (options) => {
      const { checkDrift } = await import("@forusbots/db/drift");
      const report = await cli.withDatabase(
        async (handle) => ({
          target: handle.description,
          ...(await checkDrift(handle, { skipSchemaCheck: options.skipSchemaCheck === true })),
        }),
        { requireSchema: false, maxConnections: 1 },
      );
      if (options.json) {
        cli.printJson(report);
      } else {
        cli.print(
          `Database: ${report.target} (compared with the schema after ${report.comparedWith ?? "no migration"})`,
        );
        for (const difference of report.differences)
          cli.print(`  ${cli.out.red("drift")} ${escapeControlCharacters(difference)}`);
        for (const statement of report.uncapturedSchemaChanges) {
          const firstLine = escapeControlCharacters(statement.split("\n")[0] ?? "");
          cli.print(`  ${cli.out.yellow("not in any migration")} ${firstLine}`);
        }
        if (report.comparedWith === null && report.differences.length > 0) {
          cli.print(
            "  No migration is recorded: if the old psql scripts built this database, run adopt.",
          );
        }
        if (report.pending.length > 0) {
          cli.print(`  ${report.pending.length} migration(s) pending (not drift): run migrate.`);
        }
        if (!report.drifted) cli.print("No drift: the schema is what the migrations make it.");
      }
      if (report.drifted) {
        const parts = [
          report.differences.length > 0
            ? `${report.differences.length} difference(s) in the database`
            : "",
          report.uncapturedSchemaChanges.length > 0
            ? `${report.uncapturedSchemaChanges.length} schema.ts change(s) no migration captures (run pnpm db:generate)`
            : "",
        ].filter((part) => part !== "");
        throw new DriftError(`drift: ${parts.join("; ")}`);
      }
    });
}
