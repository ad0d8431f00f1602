/**
 * forus-audit: the operator's command-line tool. This file only wires the commands (one file
 * each under commands/) and turns any failure into one line and an exit status (failure.ts).
 */
import { Command } from "@commander-js/extra-typings";
import { tolerateGoneReader } from "@forusbots/db";
import cliPackage from "../package.json" with { type: "json" };
import { registerAdopt } from "./commands/adopt.ts";
import { registerCheck } from "./commands/check.ts";
import { registerExport } from "./commands/export.ts";
import { registerGrant } from "./commands/grant.ts";
import { registerIngest } from "./commands/ingest.ts";
import { registerJob } from "./commands/job.ts";
import { registerMetrics } from "./commands/metrics.ts";
import { registerMigrate } from "./commands/migrate.ts";
import { registerPrune } from "./commands/prune.ts";
import { registerRecent } from "./commands/recent.ts";
import { registerReset } from "./commands/reset.ts";
import { registerRollback } from "./commands/rollback.ts";
import { registerSeed } from "./commands/seed.ts";
import { registerSpool } from "./commands/spool.ts";
import { registerStages } from "./commands/stages.ts";
import { registerStatus } from "./commands/status.ts";
import { registerTimeline } from "./commands/timeline.ts";
import { CliContext, type Terminal } from "./context.ts";
import { PROGRAM_NAME, reportFailure } from "./failure.ts";
import { escapeControlCharactersByLine } from "./output/terminal-text.ts";

/** In the order `--help` lists them: the schema, data in and out, then the read API. */
const COMMANDS = [
  registerMigrate,
  registerStatus,
  registerCheck,
  registerRollback,
  registerAdopt,
  registerReset,
  registerGrant,
  registerSeed,
  registerIngest,
  registerExport,
  registerPrune,
  registerSpool,
  registerMetrics,
  registerRecent,
  registerStages,
  registerJob,
  registerTimeline,
];

// The process is read here and nowhere else; everything below receives it. A reader that goes
// away (`recent --json | head -c 10`) ends the output, not the command: no EPIPE stack trace.
tolerateGoneReader(process.stderr);
const terminal: Terminal = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  stdoutReader: tolerateGoneReader(process.stdout),
  env: process.env,
  cwd: process.cwd(),
};

const program = new Command(PROGRAM_NAME)
  .description("Operate the ForusBots audit database: migrate, seed, ingest, export and read it.")
  .option(
    "--database-url <url>",
    "PostgreSQL URL (default: DATABASE_URL, else the embedded database)",
  )
  .option("--verbose", "show stack traces of errors")
  // From package.json, inlined into the bundle when it is built.
  .version(cliPackage.version, "-V, --version", "print the version of forus-audit")
  .exitOverride()
  .showHelpAfterError("(run with --help for usage)");

const cli = new CliContext(terminal, () => program.opts());
// Commander quotes the arguments it refuses: escaped like every message (output/terminal-text.ts).
program.configureOutput({
  outputError: (text, write) => write(cli.err.red(escapeControlCharactersByLine(text))),
});
for (const register of COMMANDS) register(program, cli);

// `pnpm cli -- status` hands the script a literal "--" first; it would end option parsing.
const args = process.argv.slice(2);
if (args[0] === "--") args.shift();

try {
  await program.parseAsync(args, { from: "user" });
} catch (error) {
  process.exitCode = reportFailure(error, {
    stderr: terminal.stderr,
    style: cli.err,
    verbose: cli.verbose,
    databaseUrl: targetUrl(cli),
  });
}

/** The URL whose password must never be printed, if the target is a server. */
function targetUrl(context: CliContext): string | undefined {
  try {
    const { database } = context.config();
    return database.engine === "postgres" ? database.url : undefined;
  } catch {
    return undefined;
  }
}
