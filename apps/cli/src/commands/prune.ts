import type { Command } from "@commander-js/extra-typings";
import { type DatabaseHandle, RefusedError, UsageError } from "@forusbots/db";
import type { CliContext } from "../context.ts";
import {
  describeEmbeddedVacuum,
  EMBEDDED_VACUUM_HELP,
  vacuumAfterWriting,
} from "../embedded-vacuum.ts";
import { parsePositiveInteger, TIMES_HELP, timeArgument } from "../options.ts";
import { formatCount, formatTimestamp } from "../output/format.ts";
import { escapeControlCharacters } from "../output/terminal-text.ts";

const DAY_MS = 86_400_000;

interface PruneCommandOptions {
  before?: Date;
  retention?: true;
  bot?: string;
  archive?: string;
  batchSize?: number;
  dryRun?: true;
  yes?: true;
  json?: true;
}

export function registerPrune(program: Command, cli: CliContext): void {
  program
    .command("prune")
    .description(
      "remove jobs accepted before a time, with their stages, in short transactions; names its target and what it removes, runs only with --yes",
    )
    .option("--before <time>", "remove jobs accepted before this time", timeArgument(cli.startedAt))
    .option("--retention", "remove jobs older than AUDIT_RETENTION_DAYS days (for a scheduled run)")
    .option("--bot <id>", "only this bot's jobs")
    .option(
      "--archive <file>",
      "first write the removed jobs to this new file as export events (ingest restores them), synced before each delete; after an interruption, run again with the same file",
    )
    .option(
      "--batch-size <n>",
      "jobs removed per transaction, at most 10000 (default 500)",
      parsePositiveInteger,
    )
    .option("--dry-run", "show the target and what would be removed; remove nothing")
    .option("--yes", "confirm the removal")
    .option("--json", "print the summary as JSON")
    .addHelpText(
      "after",
      `
Interrupted (Ctrl-C, kill -9, a lost connection), a prune keeps every batch it committed and
nothing of the one in flight: run the same command again to finish it.
Under NODE_ENV=production a prune runs only with --archive, so what it removes stays restorable.
Exit status 8 when refused (no --yes, or production without --archive).
A scheduled run: AUDIT_RETENTION_DAYS and --retention, from cron or pg_cron (README, Retention).
${EMBEDDED_VACUUM_HELP}
${TIMES_HELP}`,
    )
    .action(async (options: PruneCommandOptions) => {
      const config = cli.config();
      const before = pruneHorizon(options, config.retentionDays, cli.startedAt);
      if (config.production && options.archive === undefined && options.dryRun === undefined) {
        throw new RefusedError(
          "prune deletes audit rows: under NODE_ENV=production it runs only with --archive FILE, so that what it removes can be restored (forus-audit ingest FILE)",
        );
      }
      if (options.batchSize !== undefined && options.batchSize > 10_000) {
        throw new UsageError("--batch-size: at most 10000 jobs per transaction");
      }
      await cli.withDatabase((handle) => runPrune(cli, handle, before, options));
    });
}

/** The time before which jobs go: `--before`, or now less `AUDIT_RETENTION_DAYS`. */
function pruneHorizon(options: PruneCommandOptions, retentionDays: number | null, now: Date): Date {
  if (options.before !== undefined && options.retention) {
    throw new UsageError("give --before TIME or --retention, not both");
  }
  if (options.before !== undefined) return options.before;
  if (!options.retention) {
    throw new UsageError(
      "say which jobs to remove: --before TIME, or --retention with AUDIT_RETENTION_DAYS set",
    );
  }
  if (retentionDays === null) {
    throw new UsageError("--retention needs AUDIT_RETENTION_DAYS (days of jobs to keep) to be set");
  }
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

async function runPrune(
  cli: CliContext,
  handle: DatabaseHandle,
  before: Date,
  options: PruneCommandOptions,
): Promise<void> {
  const { describeServerIdentity, identifyServer } = await import("@forusbots/db/client");
  const { countPrunable, countStoredJobs, PruneArchive, pruneJobs } = await import(
    "@forusbots/queries"
  );
  const text = options.json === undefined;
  const filter = { before, ...(options.bot === undefined ? {} : { botId: options.bot }) };
  const server = await identifyServer(handle);
  const target = describeServerIdentity(server, handle);
  const planned = await countPrunable(handle.db, filter);
  const scope = `jobs accepted before ${formatTimestamp(before)}${options.bot === undefined ? "" : ` of bot ${escapeControlCharacters(options.bot)}`}`;
  if (text) {
    cli.print(`${options.dryRun ? "Dry run against" : "Pruning"} ${target}`);
    cli.print(
      `  removes ${scope}: ${formatCount(planned.jobs)} jobs and ${formatCount(planned.stages)} stages`,
    );
  }
  const summary = {
    target: handle.description,
    server,
    before: before.toISOString(),
    ...(options.bot === undefined ? {} : { botId: options.bot }),
    planned,
  };
  if (options.dryRun) {
    if (text) cli.print(cli.out.yellow("Dry run: nothing removed."));
    else cli.printJson({ ...summary, dryRun: true });
    return;
  }
  if (!options.yes) {
    throw new RefusedError(
      "prune deletes audit rows (see what above); run it again with --yes to confirm, or with --dry-run to only count",
    );
  }
  const opened =
    options.archive === undefined
      ? undefined
      : await PruneArchive.open(cli.resolvePath(options.archive), (jobIds) =>
          countStoredJobs(handle.db, jobIds),
        );
  if (text && opened?.resumed) {
    cli.print(
      `  taking up the interrupted prune's archive ${escapeControlCharacters(opened.archive.path)}: ${formatCount(opened.resumed.keptBytes)} bytes kept, ${formatCount(opened.resumed.discardedBytes)} bytes of an uncommitted batch cut off`,
    );
  }
  const progress = cli.progress("pruning", planned.jobs);
  const started = performance.now();
  let result: Awaited<ReturnType<typeof pruneJobs>>;
  try {
    result = await pruneJobs(handle.db, filter, {
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(opened === undefined ? {} : { archive: opened.archive }),
      onBatch: (removed) =>
        progress.update(
          removed.jobs,
          `${formatCount(removed.jobs)} jobs, ${formatCount(removed.stages)} stages`,
        ),
    });
  } catch (error) {
    await opened?.archive.abandon();
    throw error;
  } finally {
    progress.finish();
  }
  const archiveBytes = await opened?.archive.complete();
  const elapsedMs = Math.round(performance.now() - started);
  const embeddedVacuum = await vacuumAfterWriting(handle);
  const jobsPerSecond = elapsedMs > 0 ? Math.round((result.jobs * 1000) / elapsedMs) : result.jobs;
  if (text) {
    cli.print(
      cli.out.green(
        `Pruned ${formatCount(result.jobs)} jobs and ${formatCount(result.stages)} stages in ${formatCount(result.batches)} transactions (${(elapsedMs / 1000).toFixed(1)} s, ${formatCount(jobsPerSecond)} jobs/s).`,
      ),
    );
    if (opened) {
      cli.print(
        `Archive: ${escapeControlCharacters(opened.archive.path)} (${formatCount(archiveBytes ?? 0)} bytes; restore with forus-audit ingest).`,
      );
    }
    if (embeddedVacuum) cli.print(describeEmbeddedVacuum(embeddedVacuum));
  } else {
    cli.printJson({
      ...summary,
      dryRun: false,
      removed: { jobs: result.jobs, stages: result.stages },
      batches: result.batches,
      emptyRollupRows: result.emptyRollupRows,
      elapsedMs,
      ...(embeddedVacuum === undefined ? {} : { embeddedVacuum }),
      ...(opened === undefined
        ? {}
        : {
            archive: { path: opened.archive.path, bytes: archiveBytes, resumed: opened.resumed },
          }),
    });
  }
}
