import type { Command } from "@commander-js/extra-typings";
import { AuditError } from "@forusbots/db";
import type { CliContext } from "../context.ts";
import {
  describeEmbeddedVacuum,
  EMBEDDED_VACUUM_HELP,
  vacuumAfterWriting,
} from "../embedded-vacuum.ts";
import { ingestLines, linesIn } from "../ingest/ingest-lines.ts";
import { openEventsInput } from "../ingest/open-input.ts";
import { paceBatches, pacedBatchSize } from "../ingest/pace-batches.ts";
import { readLines } from "../ingest/read-lines.ts";
import { parsePositiveInteger } from "../options.ts";
import { formatCount } from "../output/format.ts";
import { escapeControlCharacters } from "../output/terminal-text.ts";

export function registerIngest(program: Command, cli: CliContext): void {
  program
    .command("ingest")
    .description(
      "store audit events from a JSON Lines file, one event per line (- reads standard input)",
    )
    .argument("<file>", "JSON Lines file of events, or - for standard input")
    // No commander defaults: they are INGEST_BATCH_SIZE and MAX_EVENT_BYTES of
    // @forusbots/queries, which is loaded only once a command needs it (start-up of every other
    // command stays light).
    .option(
      "--batch-size <n>",
      "events written per transaction (default 5000)",
      parsePositiveInteger,
    )
    .option(
      "--max-line-bytes <n>",
      "longest line taken, in bytes; a longer one is rejected unread (default 1048576)",
      parsePositiveInteger,
    )
    .option(
      "--max-rate <n>",
      "write at most n events a second on average, leaving the database's CPU to the live bots " +
        "beside it; batches then hold a tenth of a second of events unless --batch-size is " +
        "given (default: no limit)",
      parsePositiveInteger,
    )
    .option("--json", "print the summary as JSON")
    .addHelpText(
      "after",
      `\nEach rejected line is reported on stderr as \`line N: reason\`; the summary goes to stdout.\nExit status 1 when any line was rejected (the good lines are stored all the same).\n${EMBEDDED_VACUUM_HELP}`,
    )
    .action(async (file, options) => {
      const input = await openEventsInput(cli, file);
      const summary = await cli.withDatabase(async (handle) => {
        const { INGEST_BATCH_BYTES, INGEST_BATCH_SIZE, MAX_EVENT_BYTES, writeEventBatches } =
          await import("@forusbots/queries");
        const progress = cli.progress("ingesting", input.size);
        const lines = readLines(input.stream, {
          maxLineBytes: options.maxLineBytes ?? MAX_EVENT_BYTES,
        });
        const { maxRate } = options;
        const written = await ingestLines(lines, {
          batchSize:
            options.batchSize ??
            (maxRate === undefined
              ? INGEST_BATCH_SIZE
              : pacedBatchSize(maxRate, INGEST_BATCH_SIZE)),
          batchBytes: INGEST_BATCH_BYTES,
          writeBatches: (batches, onWritten) =>
            writeEventBatches(
              handle.db,
              maxRate === undefined ? batches : paceBatches(batches, maxRate, linesIn),
              onWritten,
            ),
          onRejected: ({ position, reason }) => {
            progress.finish();
            // The reason quotes the line's values (a bot id, a job id): shown, never run.
            cli.warn(cli.err.red(`line ${position}: ${escapeControlCharacters(reason)}`));
          },
          onProgress: (line, sofar) =>
            progress.update(
              line.bytesRead,
              `${formatCount(line.number)} lines, ${formatCount(sofar.rejected)} rejected`,
            ),
        }).finally(() => progress.finish());
        return { ...written, embeddedVacuum: await vacuumAfterWriting(handle) };
      });
      if (options.json) {
        cli.printJson({ source: input.name, ...summary });
      } else {
        cli.print(
          `Ingested ${escapeControlCharacters(input.name)}: ${formatCount(summary.stored)} stored, ${formatCount(summary.unchanged)} already present, ${formatCount(summary.rejected)} rejected (${formatCount(summary.events)} events).`,
        );
        if (summary.embeddedVacuum) cli.print(describeEmbeddedVacuum(summary.embeddedVacuum));
      }
      if (summary.rejected > 0) {
        throw new AuditError(
          "validation",
          `${summary.rejected} of ${summary.events} event line(s) in ${input.name} rejected`,
        );
      }
    });
}
