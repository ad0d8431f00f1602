import type { Command } from "@commander-js/extra-typings";
import type { CliContext } from "../context.ts";
import { formatMilliseconds, formatSeconds, formatTimestamp } from "../output/format.ts";
import { stateCell } from "../output/job-state.ts";
import { type Cell, renderTable } from "../output/table.ts";
import { escapeControlCharacters } from "../output/terminal-text.ts";

const durationSeconds = (from: Date | null, to: Date | null) =>
  from && to ? (to.getTime() - from.getTime()) / 1000 : null;

const compactJson = (value: unknown) =>
  value === null || value === undefined ? "-" : JSON.stringify(value);

export function registerJob(program: Command, cli: CliContext): void {
  program
    .command("job")
    .description("one job with its stages in the order they ran")
    .argument("<id>", "the job's UUID")
    .option("--json", "print the job and its stages as JSON")
    .action(async (id, options) => {
      const job = await cli.withDatabase(async (handle) => {
        const { getJobWithStages } = await import("@forusbots/queries");
        return getJobWithStages(handle.db, id);
      });
      if (options.json) {
        cli.printJson(job);
        return;
      }
      const fields: [string, Cell][] = [
        ["job", job.jobId],
        ["bot", job.botId],
        ["state", stateCell(job.state, cli.out)],
        ["accepted", formatTimestamp(job.acceptedAt)],
        ["started", formatTimestamp(job.startedAt)],
        ["finished", formatTimestamp(job.finishedAt)],
        ["duration", formatSeconds(durationSeconds(job.startedAt, job.finishedAt))],
        ["created by", compactJson(job.createdBy)],
        ["meta", compactJson(job.meta)],
        ["result", compactJson(job.result)],
        ["error", job.errorMessage ?? "-"],
      ];
      for (const [label, value] of fields) {
        // Stored text: escaped (terminal-text.ts) before the state's colour is added.
        const text = escapeControlCharacters(typeof value === "string" ? value : value.text);
        const shown = typeof value === "string" ? text : value.paint(text);
        cli.print(`${cli.out.bold(label.padEnd(11))}${shown}`);
      }
      cli.print("");
      if (job.stages.length === 0) {
        cli.print("No stages recorded.");
        return;
      }
      cli.print(
        renderTable(
          [
            { header: "STAGE" },
            { header: "STATUS" },
            { header: "STARTED" },
            { header: "DURATION", align: "right" },
            { header: "ERROR" },
          ],
          job.stages.map((stage) => [
            stage.stageName,
            stateCell(stage.status, cli.out),
            formatTimestamp(stage.startedAt),
            formatMilliseconds(stage.durationMs),
            stage.error ? compactJson(stage.error) : "",
          ]),
          cli.out,
        ),
      );
    });
}
