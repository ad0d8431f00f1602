import type { Command } from "@commander-js/extra-typings";
import { UsageError } from "@forusbots/db";
import type { JobIdCandidate } from "@forusbots/queries";
import type { CliContext } from "../context.ts";
import { parseJobIdArgument } from "../options.ts";
import { formatMilliseconds, formatSeconds, formatTimestamp } from "../output/format.ts";
import { stateCell } from "../output/job-state.ts";
import { type Cell, renderTable, truncateText } from "../output/table.ts";
import { escapeControlCharacters } from "../output/terminal-text.ts";

const durationSeconds = (from: Date | null, to: Date | null) =>
  from && to ? (to.getTime() - from.getTime()) / 1000 : null;

const compactJson = (value: unknown) =>
  value === null || value === undefined ? "-" : JSON.stringify(value);

/** The width of the field labels ("created by" and a space). */
const LABEL_WIDTH = 11;

/** How many jobs an ambiguous prefix lists. */
const SHOWN_CANDIDATES = 10;

function ambiguousPrefix(prefix: string, candidates: readonly JobIdCandidate[]): UsageError {
  const shown = candidates
    .slice(0, SHOWN_CANDIDATES)
    .map(
      (job) =>
        `  ${job.jobId}  ${escapeControlCharacters(job.botId)}  ${job.state}  accepted ${formatTimestamp(job.acceptedAt)}`,
    );
  const more = candidates.length > SHOWN_CANDIDATES ? "\n  … and more" : "";
  return new UsageError(
    `job id prefix ${prefix} matches ${candidates.length > SHOWN_CANDIDATES ? "more than " : ""}${Math.min(candidates.length, SHOWN_CANDIDATES)} jobs; give more of the id:\n${shown.join("\n")}${more}`,
  );
}

export function registerJob(program: Command, cli: CliContext): void {
  program
    .command("job")
    .description("one job with its stages in the order they ran")
    .argument(
      "<id>",
      "the job's id, or its first 4 or more hex digits (the 8 that `recent` shows)",
      parseJobIdArgument,
    )
    .option("--json", "print the job and its stages as JSON")
    .action(async (idRange, options) => {
      const job = await cli.withDatabase(async (handle) => {
        const { findJobsByIdPrefix, getJobWithStages, NotFoundError } = await import(
          "@forusbots/queries"
        );
        const candidates = await findJobsByIdPrefix(handle.db, idRange, SHOWN_CANDIDATES + 1);
        const [only] = candidates;
        if (only === undefined) throw new NotFoundError(idRange.prefix);
        if (candidates.length > 1) throw ambiguousPrefix(idRange.prefix, candidates);
        return getJobWithStages(handle.db, only.jobId);
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
      const width = cli.outputWidth;
      for (const [label, value] of fields) {
        // Stored text: escaped (terminal-text.ts) before the state's colour is added, and cut to
        // the terminal's width (meta and results can be long; --json has them whole).
        const escaped = escapeControlCharacters(typeof value === "string" ? value : value.text);
        const text =
          width === undefined ? escaped : truncateText(escaped, Math.max(10, width - LABEL_WIDTH));
        const shown = typeof value === "string" ? text : value.paint(text);
        cli.print(`${cli.out.bold(label.padEnd(LABEL_WIDTH))}${shown}`);
      }
      cli.print("");
      if (job.stages.length === 0) {
        cli.print("No stages recorded.");
        return;
      }
      cli.print(
        renderTable(
          [
            { header: "STAGE", truncatable: true },
            { header: "STATUS" },
            { header: "STARTED" },
            { header: "DURATION", align: "right" },
            { header: "ERROR", truncatable: true },
          ],
          job.stages.map((stage) => [
            stage.stageName,
            stateCell(stage.status, cli.out),
            formatTimestamp(stage.startedAt),
            formatMilliseconds(stage.durationMs),
            stage.error ? compactJson(stage.error) : "",
          ]),
          cli.out,
          cli.outputWidth,
        ),
      );
    });
}
