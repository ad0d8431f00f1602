import type { Command } from "@commander-js/extra-typings";
import { AuditError } from "@forusbots/db";
import type { MigrationStatus } from "@forusbots/db/migrator";
import type { CliContext } from "../context.ts";
import { formatTimestamp } from "../output/format.ts";
import { renderTable } from "../output/table.ts";

export function registerStatus(program: Command, cli: CliContext): void {
  program
    .command("status")
    .description("name the database and list its applied and pending migrations")
    .option("--json", "print the status as JSON")
    .addHelpText(
      "after",
      "\nExit status 0 when every migration is applied, 4 when some are pending (the list is printed\nall the same), so a deploy gate needs no JSON parsing.",
    )
    .action(async (options) => {
      const status = await cli.withDatabase(
        async (handle) => {
          const { describeEditedMigration, getMigrationStatus } = await import(
            "@forusbots/db/migrator"
          );
          // status reports: an edited migration is shown and warned about, not a reason to
          // show nothing (migrate and rollback are the ones it blocks).
          const migrations = await getMigrationStatus(handle, undefined, {
            editedApplied: "report",
          });
          for (const edited of migrations.edited) {
            cli.warn(cli.err.yellow(`warning: ${describeEditedMigration(edited)}`));
          }
          return { target: handle.description, engine: handle.engine, ...migrations };
        },
        { requireSchema: false, maxConnections: 1 },
      );
      if (options.json) {
        cli.printJson({
          target: status.target,
          engine: status.engine,
          applied: status.applied,
          edited: status.edited.map((migration) => ({ tag: migration.tag })),
          pending: status.pending.map((migration) => ({ tag: migration.tag })),
        });
      } else {
        printStatusTable(cli, status);
      }
      if (status.pending.length > 0) {
        throw new AuditError(
          "schema",
          `${status.pending.length} migration(s) pending on ${status.target}: run migrate`,
        );
      }
    });
}

function printStatusTable(cli: CliContext, status: { target: string } & MigrationStatus): void {
  cli.print(`Database: ${status.target}`);
  const rows = [
    ...status.applied.map((migration) => [
      migration.tag,
      status.edited.some((edited) => edited.tag === migration.tag)
        ? { text: "applied, edited since", paint: cli.out.yellow }
        : { text: "applied", paint: cli.out.green },
      formatTimestamp(migration.appliedAt),
    ]),
    ...status.pending.map((migration) => [
      migration.tag,
      { text: "pending", paint: cli.out.yellow },
      "-",
    ]),
  ];
  cli.print(
    renderTable(
      [{ header: "MIGRATION" }, { header: "STATE" }, { header: "APPLIED AT" }],
      rows,
      cli.out,
      cli.outputWidth,
    ),
  );
  cli.print(
    status.pending.length === 0
      ? `${status.applied.length} applied, none pending: up to date.`
      : `${status.applied.length} applied, ${status.pending.length} pending: run migrate.`,
  );
}
