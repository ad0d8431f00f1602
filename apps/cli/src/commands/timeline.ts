import { type Command, Option } from "@commander-js/extra-typings";
import {
  DEFAULT_TIMELINE_BUCKET,
  JOB_STATES,
  MAX_TIMELINE_BUCKETS,
  TIMELINE_BUCKETS,
} from "@forusbots/queries/contract";
import type { CliContext } from "../context.ts";
import { TIMES_HELP, timeArgument } from "../options.ts";
import { formatCount, formatTimestamp } from "../output/format.ts";
import { renderTable } from "../output/table.ts";

const HOUR_MS = 3_600_000;
/** Without --from: the last day in hours, or the last 30 days in days. */
const DEFAULT_SPAN_MS = { hour: 24 * HOUR_MS, day: 30 * 24 * HOUR_MS };

export function registerTimeline(program: Command, cli: CliContext): void {
  program
    .command("timeline")
    .description("jobs accepted per hour or day, per bot and state (the time series for charts)")
    .addOption(
      new Option("--bucket <size>", "bucket size (UTC hours or days)")
        .choices(TIMELINE_BUCKETS)
        .default(DEFAULT_TIMELINE_BUCKET),
    )
    .option(
      "--from <time>",
      "start of the range (default: 24 hours or 30 days before --to)",
      timeArgument(cli.startedAt),
    )
    .option(
      "--to <time>",
      "end of the range, exclusive (default: now)",
      timeArgument(cli.startedAt),
    )
    .option("--bot <id>", "only this bot")
    .option("--json", "print the series as JSON")
    .addHelpText("after", `${TIMES_HELP}\nA series spans at most ${MAX_TIMELINE_BUCKETS} buckets.`)
    .action(async (options) => {
      const to = options.to ?? cli.startedAt;
      const from = options.from ?? new Date(to.getTime() - DEFAULT_SPAN_MS[options.bucket]);
      const series = await cli.withDatabase(async (handle) => {
        const { getJobTimeSeries } = await import("@forusbots/queries");
        return getJobTimeSeries(handle.db, {
          bucket: options.bucket,
          from,
          to,
          ...(options.bot === undefined ? {} : { botId: options.bot }),
        });
      });
      if (options.json) {
        cli.printJson(series);
        return;
      }
      if (series.length === 0) {
        cli.print(`No jobs accepted between ${formatTimestamp(from)} and ${formatTimestamp(to)}.`);
        return;
      }
      // One line per bucket and bot, one column per state: the shape a chart is read in.
      const lines = new Map<string, { bucket: Date; botId: string; counts: Map<string, number> }>();
      for (const point of series) {
        const key = `${point.bucketStart.toISOString()} ${point.botId}`;
        const line = lines.get(key) ?? {
          bucket: point.bucketStart,
          botId: point.botId,
          counts: new Map<string, number>(),
        };
        line.counts.set(point.state, (line.counts.get(point.state) ?? 0) + point.jobs);
        lines.set(key, line);
      }
      cli.print(
        renderTable(
          [
            { header: "BUCKET" },
            { header: "BOT", truncatable: true },
            ...JOB_STATES.map((state) => ({
              header: state.toUpperCase(),
              align: "right" as const,
            })),
            { header: "TOTAL", align: "right" },
          ],
          [...lines.values()].map((line) => [
            formatTimestamp(line.bucket),
            line.botId,
            ...JOB_STATES.map((state) => formatCount(line.counts.get(state) ?? 0)),
            formatCount([...line.counts.values()].reduce((sum, jobs) => sum + jobs, 0)),
          ]),
          cli.out,
          cli.outputWidth,
        ),
      );
    });
}
