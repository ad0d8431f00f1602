import { finished } from "node:stream/promises";
import { type Command, Option } from "@commander-js/extra-typings";
import type { CliContext } from "../context.ts";
import { eventsAsCsv } from "../export/csv.ts";
import { openOutputFile } from "../export/open-output.ts";
import { TIMES_HELP, timeArgument } from "../options.ts";
import { writeLines } from "../output/write-lines.ts";

export function registerExport(program: Command, cli: CliContext): void {
  program
    .command("export")
    .description(
      "jobs and their stages as JSON Lines events (what ingest reads back) or as CSV, one row per stage",
    )
    .addOption(
      new Option("--format <format>", "output format")
        .choices(["jsonl", "csv"] as const)
        .default("jsonl"),
    )
    .option("--bot <id>", "only this bot's jobs")
    .option("--from <time>", "jobs accepted at or after this time", timeArgument(cli.startedAt))
    .option("--to <time>", "jobs accepted before this time", timeArgument(cli.startedAt))
    .option("-o, --output <file>", "write to this file instead of standard output")
    .addHelpText("after", TIMES_HELP)
    .action(async (options) => {
      const file =
        options.output === undefined ? undefined : await openOutputFile(cli, options.output);
      await cli.withDatabase(async (handle) => {
        const { exportEvents, exportLine } = await import("@forusbots/queries");
        const events = exportEvents(handle.db, {
          ...(options.bot === undefined ? {} : { botId: options.bot }),
          ...(options.from === undefined ? {} : { from: options.from }),
          ...(options.to === undefined ? {} : { to: options.to }),
        });
        const lines =
          options.format === "csv"
            ? eventsAsCsv(events)
            : (async function* () {
                for await (const event of events) yield exportLine(event);
              })();
        await writeLines(file ?? cli.terminal.stdout, lines);
      });
      if (file) {
        file.end();
        await finished(file);
      }
    });
}
