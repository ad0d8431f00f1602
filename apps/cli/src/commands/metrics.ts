import type { Command } from "@commander-js/extra-typings";
import type { CliContext } from "../context.ts";
import { TIMES_HELP, timeArgument } from "../options.ts";
import { formatCount, formatPercent, formatSeconds } from "../output/format.ts";
import { renderTable } from "../output/table.ts";

export function registerMetrics(program: Command, cli: CliContext): void {
  program
    .command("metrics")
    .description("jobs, successes, failures and durations per bot")
    .option("--bot <id>", "only this bot")
    .option("--from <time>", "jobs accepted at or after this time", timeArgument(cli.startedAt))
    .option("--to <time>", "jobs accepted before this time", timeArgument(cli.startedAt))
    .option("--json", "print the metrics as JSON")
    .addHelpText("after", TIMES_HELP)
    .action(async (options) => {
      const metrics = await cli.withDatabase(async (handle) => {
        const { getBotMetrics } = await import("@forusbots/queries");
        return getBotMetrics(handle.db, {
          ...(options.bot === undefined ? {} : { botId: options.bot }),
          ...(options.from === undefined ? {} : { from: options.from }),
          ...(options.to === undefined ? {} : { to: options.to }),
        });
      });
      if (options.json) {
        cli.printJson(metrics);
        return;
      }
      if (metrics.length === 0) {
        cli.print("No jobs match.");
        return;
      }
      cli.print(
        renderTable(
          [
            { header: "BOT", truncatable: true },
            { header: "JOBS", align: "right" },
            { header: "SUCCEEDED", align: "right" },
            { header: "FAILED", align: "right" },
            { header: "SUCCESS RATE", align: "right" },
            { header: "AVG DURATION", align: "right" },
            { header: "P95 DURATION", align: "right" },
          ],
          metrics.map((bot) => [
            bot.botId,
            formatCount(bot.totalJobs),
            formatCount(bot.succeededJobs),
            bot.failedJobs > 0
              ? { text: formatCount(bot.failedJobs), paint: cli.out.red }
              : formatCount(bot.failedJobs),
            formatPercent(bot.successRate),
            formatSeconds(bot.avgDurationSeconds),
            formatSeconds(bot.p95DurationSeconds),
          ]),
          cli.out,
          cli.outputWidth,
        ),
      );
    });
}
