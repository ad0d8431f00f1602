/**
 * `pnpm bench`: see arguments.ts for the flags. Progress goes to stderr; stdout gets the table
 * and, as its very last line, one JSON object for scripts and CI.
 */
import { describeFailure } from "@forusbots/db";
import { BENCH_USAGE, parseBenchArguments } from "./arguments.ts";
import { formatReport, summaryJson } from "./report.ts";
import { runBenchmark } from "./run-benchmark.ts";

const started = Date.now();
try {
  const command = parseBenchArguments(process.argv.slice(2));
  if (command.help) {
    console.log(BENCH_USAGE);
  } else {
    // The process environment is read here only: the server URL and the spawned commands' env.
    const result = await runBenchmark(command.options, process.env, (message) =>
      process.stderr.write(`[bench ${Math.round((Date.now() - started) / 1000)} s] ${message}\n`),
    );
    console.log(formatReport(result));
    console.log(JSON.stringify(summaryJson(result)));
  }
} catch (error) {
  const { message, exitCode } = describeFailure(error);
  console.error(`bench: ${message}`);
  process.exitCode = exitCode;
}
