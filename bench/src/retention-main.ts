/**
 * The retention phases alone, at the scale `pnpm bench` takes (the same flags): the data set
 * loaded by COPY, the reads measured on it, then the batched prune beside live bots and the
 * partitioning prototype. `pnpm bench` runs the same phases among the others; this is for
 * iterating on retention without the hour the whole benchmark takes on a busy machine:
 *   pnpm --filter @forusbots/bench exec node --conditions=@forusbots/source --import tsx src/retention-main.ts [--jobs N]
 */
import { describeFailure, maskUrl, openDatabase } from "@forusbots/db";
import { runMigrations } from "@forusbots/db/migrator";
import { sql } from "drizzle-orm";
import { BENCH_USAGE, parseBenchArguments } from "./arguments.ts";
import { copyDataset } from "./copy-dataset.ts";
import { currentLoad } from "./machine.ts";
import { measureReads } from "./measure-reads.ts";
import { measureRetention } from "./measure-retention.ts";
import { formatRetentionReport, retentionSummaryJson } from "./report-retention.ts";
import { resolveServerUrl } from "./run-benchmark.ts";
import { ScratchDatabases } from "./scratch-databases.ts";

const started = Date.now();
const progress = (message: string) =>
  process.stderr.write(
    `[retention ${Math.round((Date.now() - started) / 1000)} s, load ${currentLoad().toFixed(1)}] ${message}\n`,
  );
try {
  const command = parseBenchArguments(process.argv.slice(2));
  if (command.help) {
    console.log(BENCH_USAGE);
  } else {
    const { options } = command;
    const databases = new ScratchDatabases(resolveServerUrl(process.env, options.databaseUrl));
    progress(`databases ${databases.prefix}* on ${maskUrl(databases.serverUrl)}`);
    try {
      const shape = {
        jobs: options.jobs,
        bots: options.bots,
        days: options.days,
        seed: options.seed,
      };
      const loaded = await databases.create("loaded");
      await runMigrations(loaded.target);
      progress(`loading ${options.jobs} jobs through COPY`);
      const handle = await openDatabase(loaded.target);
      let reads: Awaited<ReturnType<typeof measureReads>>;
      try {
        if (handle.driver.engine !== "postgres") throw new Error("COPY needs PostgreSQL");
        await copyDataset(handle.driver.sql, shape);
        await handle.query(sql`VACUUM ANALYZE`);
        progress(`reads, ${options.runs} runs each`);
        reads = await measureReads(handle, options.days, options.runs);
      } finally {
        await handle.close();
      }
      progress("pruning the oldest month beside live bots");
      const retention = await measureRetention(
        databases,
        loaded.target,
        shape,
        options.runs,
        progress,
      );
      console.log(formatRetentionReport(retention, reads).join("\n"));
      console.log(
        JSON.stringify({
          jobs: options.jobs,
          ...retentionSummaryJson(retention),
          plainReadP50Ms: Object.fromEntries(reads.map((read) => [read.key, read.timing.p50])),
          load1End: currentLoad(),
        }),
      );
    } finally {
      await databases.close();
    }
  }
} catch (error) {
  const { message, exitCode } = describeFailure(error);
  console.error(`retention bench: ${message}`);
  process.exitCode = exitCode;
}
