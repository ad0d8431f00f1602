import type { Command } from "@commander-js/extra-typings";
import { AuditError } from "@forusbots/db";
import type { CliContext } from "../context.ts";
import { ingestLines } from "../ingest/ingest-lines.ts";
import { openEventsInput } from "../ingest/open-input.ts";
import { readLines } from "../ingest/read-lines.ts";
import { parsePositiveInteger } from "../options.ts";
import { formatCount } from "../output/format.ts";

const DEFAULT_BATCH_SIZE = 1000;

export function registerIngest(program: Command, cli: CliContext): void {
  program
    .command("ingest")
    .description(
      "store audit events from a JSON Lines file, one event per line (- reads standard input)",
    )
    .argument("<file>", "JSON Lines file of events, or - for standard input")
    .option(
      "--batch-size <n>",
      "events written per round trip",
      parsePositiveInteger,
      DEFAULT_BATCH_SIZE,
    )
    .option("--json", "print the summary as JSON")
    .addHelpText(
      "after",
      "\nEach rejected line is reported on stderr as `line N: reason`; the summary goes to stdout.\nExit status 1 when any line was rejected (the good lines are stored all the same).",
    )
    .action(async (file, options) => {
      const input = await openEventsInput(cli, file);
      const summary = await cli.withDatabase(async (handle) => {
        const { writeEvents } = await import("@forusbots/queries");
        const progress = cli.progress("ingesting", input.size);
        try {
          return await ingestLines(readLines(input.stream), {
            batchSize: options.batchSize,
            write: (items) => writeEvents(handle.db, items),
            onRejected: ({ position, reason }) => {
              progress.finish();
              cli.warn(cli.err.red(`line ${position}: ${reason}`));
            },
            onProgress: (line, sofar) =>
              progress.update(
                line.bytesRead,
                `${formatCount(line.number)} lines, ${formatCount(sofar.rejected)} rejected`,
              ),
          });
        } finally {
          progress.finish();
        }
      });
      if (options.json) {
        cli.printJson({ source: input.name, ...summary });
      } else {
        cli.print(
          `Ingested ${input.name}: ${formatCount(summary.stored)} stored, ${formatCount(summary.unchanged)} already present, ${formatCount(summary.rejected)} rejected (${formatCount(summary.events)} events).`,
        );
      }
      if (summary.rejected > 0) {
        throw new AuditError(
          "validation",
          `${summary.rejected} of ${summary.events} event line(s) in ${input.name} rejected`,
        );
      }
    });
}
