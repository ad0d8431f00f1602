import { type Command, Option } from "@commander-js/extra-typings";
import { JOB_STATES, MAX_RECENT_JOBS } from "@forusbots/queries/contract";
import type { CliContext } from "../context.ts";
import { parsePageSize } from "../options.ts";
import { formatSeconds, formatTimestamp } from "../output/format.ts";
import { stateCell } from "../output/job-state.ts";
import { renderTable } from "../output/table.ts";
import { escapeControlCharacters } from "../output/terminal-text.ts";

/** Digits of a job id a terminal shows, as the console does; `job` takes them as a prefix. */
const SHORT_JOB_ID = 8;

export function registerRecent(program: Command, cli: CliContext): void {
  program
    .command("recent")
    .description("the newest jobs first, with their duration and number of stages")
    .option("--bot <id>", "only this bot")
    .addOption(new Option("--state <state>", "only jobs in this state").choices(JOB_STATES))
    .option("--limit <n>", `jobs per page, at most ${MAX_RECENT_JOBS}`, parsePageSize, 20)
    .option("--before <cursor>", "the page after the one that printed this cursor")
    .option("--json", "print the jobs and the next cursor as JSON")
    .action(async (options) => {
      const page = await cli.withDatabase(async (handle) => {
        const { getRecentJobs } = await import("@forusbots/queries");
        return getRecentJobs(handle.db, {
          limit: options.limit,
          ...(options.bot === undefined ? {} : { botId: options.bot }),
          ...(options.state === undefined ? {} : { state: options.state }),
          ...(options.before === undefined ? {} : { before: options.before }),
        });
      });
      if (options.json) {
        cli.printJson(page);
        return;
      }
      if (page.jobs.length === 0) {
        cli.print("No jobs match.");
        return;
      }
      cli.print(
        renderTable(
          [
            { header: "ACCEPTED" },
            { header: "JOB" },
            { header: "BOT", truncatable: true },
            { header: "STATE" },
            { header: "DURATION", align: "right" },
            { header: "STAGES", align: "right" },
            { header: "ERROR", truncatable: true },
          ],
          page.jobs.map((job) => [
            formatTimestamp(job.acceptedAt),
            // On a terminal the 8 digits the console shows (`job` takes them); piped, the whole id.
            cli.outputWidth === undefined ? job.jobId : job.jobId.slice(0, SHORT_JOB_ID),
            job.botId,
            stateCell(job.state, cli.out),
            formatSeconds(job.durationSeconds),
            String(job.stageCount),
            job.errorMessage ?? "",
          ]),
          cli.out,
          cli.outputWidth,
        ),
      );
      if (page.nextCursor) {
        // The cursor encodes the last job's key: printable already, escaped all the same.
        const cursor = escapeControlCharacters(page.nextCursor);
        cli.print(cli.out.dim(`more: recent --before ${cursor}`));
      }
    });
}
