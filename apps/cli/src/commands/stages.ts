import type { Command } from "@commander-js/extra-typings";
import type { CliContext } from "../context.ts";
import { formatCount, formatMilliseconds } from "../output/format.ts";
import { renderTable } from "../output/table.ts";

export function registerStages(program: Command, cli: CliContext): void {
  program
    .command("stages")
    .description("runs, failures and durations (average, p50, p95) per stage name")
    .option("--stage <name>", "only this stage")
    .option("--json", "print the summary as JSON")
    .action(async (options) => {
      const stages = await cli.withDatabase(async (handle) => {
        const { getStageSummary } = await import("@forusbots/queries");
        return getStageSummary(
          handle.db,
          options.stage === undefined ? {} : { stageName: options.stage },
        );
      });
      if (options.json) {
        cli.printJson(stages);
        return;
      }
      if (stages.length === 0) {
        cli.print("No stages match.");
        return;
      }
      cli.print(
        renderTable(
          [
            { header: "STAGE", truncatable: true },
            { header: "RUNS", align: "right" },
            { header: "FAILED", align: "right" },
            { header: "AVG", align: "right" },
            { header: "P50", align: "right" },
            { header: "P95", align: "right" },
          ],
          stages.map((stage) => [
            stage.stageName,
            formatCount(stage.totalRuns),
            stage.failedRuns > 0
              ? { text: formatCount(stage.failedRuns), paint: cli.out.red }
              : formatCount(stage.failedRuns),
            formatMilliseconds(stage.avgDurationMs),
            formatMilliseconds(stage.p50DurationMs),
            formatMilliseconds(stage.p95DurationMs),
          ]),
          cli.out,
          cli.outputWidth,
        ),
      );
    });
}
