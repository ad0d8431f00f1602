import { formatLiveLoad, liveLoadJson } from "./live-load-report.ts";
import { formatRetentionReport, retentionSummaryJson } from "./report-retention.ts";
import type { BenchResult } from "./run-benchmark.ts";
import { table } from "./text-table.ts";
import type { Timing } from "./timing.ts";

const rowsPerSecond = (rows: number, milliseconds: number) =>
  Math.round(rows / (milliseconds / 1000));
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const ms = (value: number | null | undefined) =>
  value === null || value === undefined ? "—" : `${round(value, value < 10 ? 2 : 0)} ms`;

function readP50(result: BenchResult["reads"], key: string) {
  return result.find((read) => read.key === key);
}

/** The summary line other tools parse: the issue's keys, then the rest of the figures. */
export function summaryJson(result: BenchResult): Record<string, unknown> {
  const { batch, copy, reads, pglite, migrations } = result;
  const batchRows = batch.jobRows + batch.stageRows;
  const copyRows = copy.jobRows + copy.stageRows;
  const read = (key: string) => readP50(reads, key);
  const step = (prefix: string) =>
    migrations.dataSteps.find((candidate) => candidate.tag.startsWith(prefix))?.milliseconds ??
    null;
  const ingestRowsPerSec = rowsPerSecond(batchRows, batch.milliseconds);
  const copyRowsPerSec = rowsPerSecond(copyRows, copy.milliseconds);
  const p50 = (timing: Timing | null | undefined) => (timing ? round(timing.p50) : null);
  return {
    jobs: result.options.jobs,
    ingestRowsPerSec,
    copyRowsPerSec,
    metricsP50Ms: p50(read("metrics")?.timing),
    metricsPlainP50Ms: p50(read("metrics")?.baseline),
    recentP50Ms: p50(read("recent")?.timing),
    stageSummaryP50Ms: p50(read("stageSummary")?.timing),
    jobDetailP50Ms: p50(read("jobDetail")?.timing),
    migrateNoopMs: p50(result.migrateNoop),
    drizzleKitMigrateNoopMs: p50(result.drizzleKitMigrateNoop),
    cliStatusMs: p50(result.cli.status),
    cliMetricsJsonMs: p50(result.cli.metricsJson),
    metricsPercentilesP50Ms: p50(read("metricsPercentiles")?.timing),
    metricsPercentilesPlainP50Ms: p50(read("metricsPercentiles")?.baseline),
    stageSummaryPercentilesP50Ms: p50(read("stageSummaryPercentiles")?.timing),
    stageSummaryPercentilesPlainP50Ms: p50(read("stageSummaryPercentiles")?.baseline),
    ...liveLoadJson(result.liveLoad),
    cliMigrateNoopMs: p50(result.cli.migrateNoop),
    ingestToCopyRatio: round(ingestRowsPerSec / copyRowsPerSec, 3),
    ingestEventsPerSec: rowsPerSecond(batch.events, batch.milliseconds),
    ingestRejected: batch.rejected,
    replayAllUnchanged:
      result.replay.stored === 0 && result.replay.unchanged === result.replay.events,
    sameRowsBothPaths: result.sameRows,
    metricsExact: result.exactness.getBotMetrics,
    metricsViewExact: result.exactness.view,
    metricsP95Ms:
      read("metrics")?.timing.p95 === undefined ? null : round(read("metrics")?.timing.p95 ?? 0),
    metricsViewP50Ms: p50(read("metrics")?.view?.timing),
    recentPlainP50Ms: p50(read("recent")?.baseline),
    stageSummaryPlainP50Ms: p50(read("stageSummary")?.baseline),
    stageSummaryViewP50Ms: p50(read("stageSummary")?.view?.timing),
    jobDetailPlainP50Ms: p50(read("jobDetail")?.baseline),
    timeSeriesDayP50Ms: p50(read("timeSeriesDay")?.timing),
    timeSeriesDayPlainP50Ms: p50(read("timeSeriesDay")?.baseline),
    timeSeriesHourP50Ms: p50(read("timeSeriesHour")?.timing),
    timeSeriesHourPlainP50Ms: p50(read("timeSeriesHour")?.baseline),
    timeSeriesHourCutP50Ms: p50(read("timeSeriesHourCut")?.timing),
    timeSeriesHourCutPlainP50Ms: p50(read("timeSeriesHourCut")?.baseline),
    timeSeriesShortP50Ms: p50(read("timeSeriesShort")?.timing),
    timeSeriesShortPlainP50Ms: p50(read("timeSeriesShort")?.baseline),
    migrateEmptyChainMs: Math.round(migrations.emptyChainMs),
    migrate0003DataMs: step("0003"),
    migrate0004DataMs: step("0004"),
    migrate0005DataMs: step("0005"),
    migrate0006DataMs: step("0006"),
    recorderDirectEventsPerSec: result.recorder.direct.eventsPerSec,
    recorderDurableEventsPerSec: result.recorder.durable.eventsPerSec,
    recorderDirectP99Ms: round(result.recorder.direct.p99Ms),
    recorderDurableP99Ms: round(result.recorder.durable.p99Ms),
    recorderLossPercent: result.recorder.lossPercent,
    recorderSpooledHealthy: result.recorder.spooled,
    ...retentionSummaryJson(result.retention),
    pgliteJobs: result.options.pgliteJobs,
    pgliteIngestRowsPerSec: rowsPerSecond(
      pglite.ingest.jobRows + pglite.ingest.stageRows,
      pglite.ingest.milliseconds,
    ),
    pgliteMetricsExact: pglite.exactness.getBotMetrics,
    pgliteMetricsP50Ms: p50(readP50(pglite.reads, "metrics")?.timing),
    pgliteRecentP50Ms: p50(readP50(pglite.reads, "recent")?.timing),
    pgliteStageSummaryP50Ms: p50(readP50(pglite.reads, "stageSummary")?.timing),
    pgliteJobDetailP50Ms: p50(readP50(pglite.reads, "jobDetail")?.timing),
    pgliteRecentPlainP50Ms: p50(readP50(pglite.reads, "recent")?.baseline),
    pgliteTimeSeriesHourP50Ms: p50(readP50(pglite.reads, "timeSeriesHour")?.timing),
    pgliteTimeSeriesHourPlainP50Ms: p50(readP50(pglite.reads, "timeSeriesHour")?.baseline),
    pgliteTimeSeriesDayP50Ms: p50(readP50(pglite.reads, "timeSeriesDay")?.timing),
    pgliteTimeSeriesDayPlainP50Ms: p50(readP50(pglite.reads, "timeSeriesDay")?.baseline),
    pgliteTimeSeriesHourCutP50Ms: p50(readP50(pglite.reads, "timeSeriesHourCut")?.timing),
    pgliteTimeSeriesHourCutPlainP50Ms: p50(readP50(pglite.reads, "timeSeriesHourCut")?.baseline),
    pgliteTimeSeriesShortP50Ms: p50(readP50(pglite.reads, "timeSeriesShort")?.timing),
    pgliteTimeSeriesShortPlainP50Ms: p50(readP50(pglite.reads, "timeSeriesShort")?.baseline),
    sparseJobs: result.options.sparseJobs,
    ...sparseJson("sparse", result.sparse.postgres),
    ...sparseJson("pgliteSparse", result.sparse.pglite),
    load1Start: round(result.machine.load1),
    load1End: round(result.loadAtEnd),
    phaseLoads: result.phaseLoads.map(({ phase, load1 }) => ({ phase, load1: round(load1) })),
  };
}

/** `<prefix>TimeSeriesDayP50Ms` and its `…PlainP50Ms`, for each time series read. */
function sparseJson(prefix: string, reads: BenchResult["reads"]): Record<string, number> {
  const figures: Record<string, number> = {};
  for (const read of reads) {
    const name = `${prefix}${read.key[0]?.toUpperCase()}${read.key.slice(1)}`;
    figures[`${name}P50Ms`] = round(read.timing.p50);
    figures[`${name}PlainP50Ms`] = round(read.baseline.p50);
  }
  return figures;
}

const ratio = (baseline: number, measured: number) => `${round(baseline / measured, 1)}×`;

/** The human-readable report: machine, ingest, reads, migrations, CLI, live load, PGlite, sparse data. */
export function formatReport(result: BenchResult): string {
  const { machine, batch, copy, replay } = result;
  const batchRows = batch.jobRows + batch.stageRows;
  const copyRows = copy.jobRows + copy.stageRows;
  const readRows = (reads: BenchResult["reads"]) =>
    reads.flatMap((read) => [
      [
        read.label,
        ms(read.timing.p50),
        ms(read.timing.p95),
        read.baselineLabel,
        ms(read.baseline.p50),
        ratio(read.baseline.p50, read.timing.p50),
      ],
      ...(read.view
        ? [
            [
              `  ${read.view.label}`,
              ms(read.view.timing.p50),
              ms(read.view.timing.p95),
              "(same baseline)",
              ms(read.baseline.p50),
              ratio(read.baseline.p50, read.view.timing.p50),
            ],
          ]
        : []),
    ]);
  const readHeader = ["read", "p50", "p95", "baseline", "baseline p50", "speed-up"];
  const lines = [
    `Machine: ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.postgres}; load ${round(machine.load1)} at start, ${round(result.loadAtEnd)} at end`,
    `Load (1-min average) as each phase began: ${result.phaseLoads.map(({ phase, load1 }) => `${phase.split(",")[0]} ${round(load1, 1)}`).join("; ")}`,
    `Data set: ${result.options.jobs} jobs, ${result.options.bots} bots, ${result.options.days} days, seed ${result.options.seed}; ${batch.stageRows} stages; ${batch.events} events`,
    "",
    table(
      ["ingest", "rows", "seconds", "rows/s", "vs COPY"],
      [
        [
          `writeEventBatches, batches of ${result.options.batchSize}`,
          String(batchRows),
          String(round(batch.milliseconds / 1000, 1)),
          String(rowsPerSecond(batchRows, batch.milliseconds)),
          `${round((100 * rowsPerSecond(batchRows, batch.milliseconds)) / rowsPerSecond(copyRows, copy.milliseconds), 1)} %`,
        ],
        [
          "COPY jobs, job_stages FROM STDIN",
          String(copyRows),
          String(round(copy.milliseconds / 1000, 1)),
          String(rowsPerSecond(copyRows, copy.milliseconds)),
          "100 %",
        ],
      ],
    ),
    `  generating the data in Node alone: ${round(result.generationMs / 1000, 1)} s (inside both timings)`,
    `  writeEventBatches: ${batch.stored} stored, ${batch.unchanged} unchanged, ${batch.rejected} rejected${batch.firstRejection ? ` (first: ${batch.firstRejection})` : ""}`,
    `  replay of the first ${replay.events} events: ${replay.stored} stored, ${replay.unchanged} unchanged, ${rowsPerSecond(replay.events, replay.milliseconds)} events/s`,
    `  same rows in both databases: ${result.sameRows ? "yes" : "NO"}`,
    "",
    table(readHeader, readRows(result.reads)),
    `  getBotMetrics equals the plain aggregate: ${result.exactness.getBotMetrics ? "yes" : "NO"}; job_metrics_by_bot equals it: ${result.exactness.view ? "yes" : "NO"}${result.exactness.difference ? ` (${result.exactness.difference})` : ""}`,
    "",
    table(
      ["migration", "wall"],
      [
        ["whole chain, empty database (in-process)", ms(result.migrations.emptyChainMs)],
        ...result.migrations.dataSteps.map((step) => [
          `${step.tag} on the data set`,
          ms(step.milliseconds),
        ]),
        [
          `  (0004 removed ${result.migrations.stagesBeforeDedupe - result.migrations.stagesAfterDedupe} duplicate stages)`,
          "",
        ],
        [
          "migrate, nothing pending (node bin/migrate.js: the bundle), p50",
          ms(result.migrateNoop.p50),
        ],
        ["forus-audit migrate, nothing pending, p50", ms(result.cli.migrateNoop?.p50)],
        ["drizzle-kit migrate, nothing pending, p50", ms(result.drizzleKitMigrateNoop.p50)],
      ],
    ),
    "",
    table(
      ["CLI start-up (wall, spawned)", "p50", "p95"],
      [
        ["forus-audit status", ms(result.cli.status?.p50), ms(result.cli.status?.p95)],
        [
          "forus-audit metrics --json",
          ms(result.cli.metricsJson?.p50),
          ms(result.cli.metricsJson?.p95),
        ],
      ],
    ),
    ...(result.cli.note ? [`  ${result.cli.note}`] : []),
    "",
    table(
      [`recorder live path, ${result.recorder.writers} bots at once`, "events/s", "p50", "p99"],
      [
        ["createAuditRecorder (direct, no spool)", result.recorder.direct] as const,
        ["openAuditRecorder (bounded, spool ready)", result.recorder.durable] as const,
      ].map(([label, run]) => [label, String(run.eventsPerSec), ms(run.p50Ms), ms(run.p99Ms)]),
    ),
    `  durable vs direct: ${round(100 - result.recorder.lossPercent, 1)} % of its events/s, a loss of ${result.recorder.lossPercent} % (median of ${result.recorder.rounds} alternating rounds of ${result.recorder.eventsPerRun} events${result.recorder.lossPercent < 0 ? "; negative: the durable path was the faster" : ""}); spooled on a healthy database: ${result.recorder.spooled}`,
    "",
    formatLiveLoad(result.liveLoad),
    ...formatRetentionReport(result.retention, result.reads),
    "",
    `PGlite in memory, ${result.options.pgliteJobs} jobs, loaded through writeEventBatches at ${rowsPerSecond(result.pglite.ingest.jobRows + result.pglite.ingest.stageRows, result.pglite.ingest.milliseconds)} rows/s (${result.pglite.ingest.rejected} rejected)`,
    table(readHeader, readRows(result.pglite.reads)),
    `  getBotMetrics equals the plain aggregate: ${result.pglite.exactness.getBotMetrics ? "yes" : "NO"}; job_metrics_by_bot equals it: ${result.pglite.exactness.view ? "yes" : "NO"}`,
    "",
    `Sparse data: ${result.options.sparseJobs} jobs over the same bots and days, PostgreSQL (COPY, VACUUM ANALYZE)`,
    table(readHeader, readRows(result.sparse.postgres)),
    `Sparse data: ${result.options.sparseJobs} jobs over the same bots and days, PGlite in memory (writeEventBatches)`,
    table(readHeader, readRows(result.sparse.pglite)),
  ];
  return lines.join("\n");
}
