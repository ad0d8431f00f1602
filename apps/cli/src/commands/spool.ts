import type { Command } from "@commander-js/extra-typings";
import { AuditError, ConnectionError } from "@forusbots/db";
import type { CliContext } from "../context.ts";
import { parsePositiveInteger } from "../options.ts";
import { formatCount, formatSeconds, formatTimestamp } from "../output/format.ts";
import { renderTable } from "../output/table.ts";

/**
 * `forus-audit spool status | flush`: the recorder's local spool (AUDIT_SPOOL_DIR), where events
 * wait when the database did not take them in time. Status reads the files alone and needs no
 * database; flush replays what no running recorder holds.
 */
export function registerSpool(program: Command, cli: CliContext): void {
  const spool = program
    .command("spool")
    .description("the recorder's local spool of events waiting for the database");

  spool
    .command("status")
    .description("events and bytes waiting in the spool, the oldest one's age, and refused events")
    .option("--json", "print the status as JSON")
    .action(async (options) => {
      const { recorder } = cli.config();
      const { readSpoolStatus } = await import("@forusbots/queries");
      const status = await readSpoolStatus(recorder.spoolDir);
      const ageSeconds =
        status.oldestSpooledAt === null
          ? null
          : Math.max(0, (cli.startedAt.getTime() - status.oldestSpooledAt.getTime()) / 1000);
      if (options.json) {
        cli.printJson({
          dir: status.dir,
          events: status.events,
          bytes: status.bytes,
          maxBytesPerRecorder: recorder.spoolMaxBytes,
          oldestSpooledAt: status.oldestSpooledAt,
          oldestAgeSeconds: ageSeconds,
          segments: status.segments,
          rejected: status.rejected,
        });
        return;
      }
      cli.print(`Spool: ${status.dir}`);
      cli.print(
        status.events === 0
          ? "Nothing waits for the database."
          : `${formatCount(status.events)} event(s), ${formatCount(status.bytes)} bytes waiting; the oldest spooled ${formatTimestamp(status.oldestSpooledAt)} (${formatSeconds(ageSeconds)} ago).`,
      );
      if (status.segments.length > 0) {
        cli.print(
          renderTable(
            [
              { header: "SEGMENT", truncatable: true },
              { header: "EVENTS", align: "right" },
              { header: "BYTES", align: "right" },
              { header: "HELD BY", truncatable: true },
            ],
            status.segments.map((segment) => [
              segment.file,
              formatCount(segment.events),
              formatCount(segment.bytes),
              segment.heldByPid === null
                ? { text: "nobody: run spool flush", paint: cli.out.yellow }
                : `running process ${segment.heldByPid}`,
            ]),
            cli.out,
            cli.outputWidth,
          ),
        );
      }
      if (status.rejected.events > 0) {
        cli.print(
          cli.out.red(
            `${formatCount(status.rejected.events)} event(s) refused by the database on replay, kept in: ${status.rejected.files.join(", ")}`,
          ),
        );
      }
    });

  spool
    .command("flush")
    .description(
      "replay into the database what no running recorder holds (left by ended processes)",
    )
    .option(
      "--timeout <ms>",
      "the most to wait for the database (default: AUDIT_CLOSE_TIMEOUT_MS)",
      parsePositiveInteger,
    )
    .option("--json", "print the report as JSON")
    .addHelpText(
      "after",
      "\nExit status 0 when the spool was replayed, 1 when the database refused some events (kept in\nrejected-*.jsonl in the spool), 3 when it did not answer in time (the rest stays on disk).",
    )
    .action(async (options) => {
      const config = cli.config();
      const { flushSpool } = await import("@forusbots/queries");
      const report = await flushSpool(config, options.timeout ?? config.recorder.closeTimeoutMs);
      if (options.json) cli.printJson(report);
      else {
        cli.print(
          `Replayed ${formatCount(report.flushed)} event(s) of ${formatCount(report.claimed)} claimed from ${config.recorder.spoolDir}.`,
        );
      }
      if (report.left > 0) {
        throw new ConnectionError(
          `${report.left} event(s) are still in the spool: ${report.lastFailure ?? "the database did not answer in time"}`,
        );
      }
      if (report.rejected > 0) {
        throw new AuditError(
          "validation",
          `${report.rejected} event(s) refused by the database, kept in ${config.recorder.spoolDir}/rejected-*.jsonl`,
        );
      }
    });
}
