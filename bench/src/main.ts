/**
 * `pnpm bench`: see arguments.ts for the flags. Progress goes to stderr; stdout gets the table
 * and, as its very last line, one JSON object for scripts and CI.
 */
import { describeFailure, maskUrl } from "@forusbots/db";
import { BENCH_USAGE, parseBenchArguments } from "./arguments.ts";
import { formatReport, summaryJson } from "./report.ts";
import { resolveServerUrl, runBenchmark } from "./run-benchmark.ts";
import { ScratchDatabases } from "./scratch-databases.ts";

const started = Date.now();
/** Set once a signal asked the run to stop: failures after it are the stop, not news. */
let stopping = false;
try {
  const command = parseBenchArguments(process.argv.slice(2));
  if (command.help) {
    console.log(BENCH_USAGE);
  } else {
    // The process environment is read here only: the server URL and the spawned commands' env.
    const databases = new ScratchDatabases(
      resolveServerUrl(process.env, command.options.databaseUrl),
    );
    console.error(`bench: databases ${databases.prefix}* on ${maskUrl(databases.serverUrl)}`);
    // A run takes long enough to be interrupted: leave no forusbots_bench_* database behind.
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        stopping = true;
        // Dropping the databases cuts the bench's own connections: the drivers' errors that
        // follow are expected now, and must not end the process before the drop does.
        process.on("uncaughtException", () => {});
        process.on("unhandledRejection", () => {});
        console.error(`bench: ${signal}, dropping the bench databases`);
        void databases.close().finally(() => process.exit(130));
      });
    }
    const result = await runBenchmark(command.options, process.env, databases, (message) =>
      process.stderr.write(`[bench ${Math.round((Date.now() - started) / 1000)} s] ${message}\n`),
    );
    console.log(formatReport(result));
    console.log(JSON.stringify(summaryJson(result)));
  }
} catch (error) {
  // The signal handler ends the process once the databases are dropped; wait for it.
  if (stopping) await new Promise(() => {});
  const { message, exitCode } = describeFailure(error);
  console.error(`bench: ${message}`);
  process.exitCode = exitCode;
}
