import type { Command } from "@commander-js/extra-typings";
import { startOfUtcDay } from "@forusbots/queries/contract";
import { createRandom, seedFromText } from "@forusbots/queries/seeded-random";
import type { CliContext } from "../context.ts";
import {
  describeEmbeddedVacuum,
  EMBEDDED_VACUUM_HELP,
  vacuumAfterWriting,
} from "../embedded-vacuum.ts";
import { parsePositiveInteger, TIMES_HELP, timeArgument } from "../options.ts";
import { formatCount, formatTimestamp } from "../output/format.ts";
import { type SampleEvent, sampleJobs } from "../seed/sample-jobs.ts";

export function registerSeed(program: Command, cli: CliContext): void {
  program
    .command("seed")
    .description("fill the database with realistic sample data for development")
    .option("--jobs <n>", "jobs to create", parsePositiveInteger, 1000)
    .option("--bots <n>", "bots running them", parsePositiveInteger, 5)
    .option("--seed <seed>", "the same seed gives the same data (a number or a word)", "1")
    .option(
      "--days <n>",
      "spread the jobs over this many days before --end",
      parsePositiveInteger,
      30,
    )
    .option(
      "--end <time>",
      "the newest moment of the data (default: today 00:00 UTC)",
      timeArgument(cli.startedAt),
    )
    .option("--json", "print the summary as JSON")
    .addHelpText("after", `\n${EMBEDDED_VACUUM_HELP}\n${TIMES_HELP}`)
    .action(async (options) => {
      // Midnight UTC today by default, so one seed gives the same data all day long.
      const end = options.end ?? startOfUtcDay(cli.startedAt);
      const random = createRandom(seedFromText(options.seed));
      const result = await cli.withDatabase(async (handle) => {
        const { INGEST_BATCH_SIZE, writeEventBatches } = await import("@forusbots/queries");
        const progress = cli.progress("seeding", options.jobs);
        let jobs = 0;
        let events = 0;
        const totals = { stored: 0, unchanged: 0 };
        function* batches(): Generator<{ items: { position: number; event: SampleEvent }[] }> {
          let items: { position: number; event: SampleEvent }[] = [];
          for (const jobEvents of sampleJobs(random, {
            jobs: options.jobs,
            bots: options.bots,
            end,
            days: options.days,
          })) {
            for (const event of jobEvents) items.push({ position: ++events, event });
            jobs++;
            // Checked after whole jobs: a job's events never straddle two batches.
            if (items.length >= INGEST_BATCH_SIZE) {
              yield { items };
              items = [];
            }
            progress.update(jobs, `${formatCount(jobs)} of ${formatCount(options.jobs)} jobs`);
          }
          if (items.length > 0) yield { items };
        }
        try {
          await writeEventBatches(handle.db, batches(), (_batch, written) => {
            const [first] = written.rejected;
            if (first) {
              // Sample data the write path refuses is a bug in the generator, not a user error.
              throw new Error(`seed event ${first.position} was rejected: ${first.reason}`);
            }
            totals.stored += written.stored;
            totals.unchanged += written.unchanged;
          });
        } finally {
          progress.finish();
        }
        return {
          target: handle.description,
          jobs,
          events,
          ...totals,
          embeddedVacuum: await vacuumAfterWriting(handle),
        };
      });
      if (options.json) {
        cli.printJson({
          ...result,
          bots: options.bots,
          seed: options.seed,
          end: end.toISOString(),
          days: options.days,
        });
        return;
      }
      cli.print(
        `Seeded ${result.target}: ${formatCount(result.jobs)} jobs of ${options.bots} bots over ${options.days} days up to ${formatTimestamp(end)} (seed ${options.seed}).`,
      );
      cli.print(
        `${formatCount(result.events)} events: ${formatCount(result.stored)} stored, ${formatCount(result.unchanged)} already present.`,
      );
      if (result.embeddedVacuum) cli.print(describeEmbeddedVacuum(result.embeddedVacuum));
    });
}
