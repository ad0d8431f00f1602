import type { ReadFigures } from "./measure-reads.ts";
import type { RetentionFigures } from "./measure-retention.ts";
import { table } from "./text-table.ts";

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const perSecond = (rows: number, milliseconds: number) => Math.round(rows / (milliseconds / 1000));
const ms = (value: number | undefined) =>
  value === undefined ? "—" : `${round(value, value < 10 ? 2 : 0)} ms`;
const p50Of = (reads: readonly ReadFigures[], key: string) =>
  reads.find((read) => read.key === key)?.timing.p50;

/** The retention keys of the summary line: the two first, then the comparison. */
export function retentionSummaryJson({
  prune,
  partitioning,
}: RetentionFigures): Record<string, unknown> {
  const { drop, ingest, reads } = partitioning;
  const rate = (copy: typeof ingest.plain) =>
    perSecond(copy.jobRows + copy.stageRows, copy.milliseconds);
  const partitionedCopyRowsPerSec = rate(ingest.partitioned);
  return {
    pruneMonthMs: Math.round(prune.milliseconds),
    pruneLiveP99Ms: round(prune.live.p99Ms),
    pruneJobs: prune.jobs,
    pruneRowsPerSec: prune.rowsPerSec,
    pruneLiveAloneP99Ms: round(prune.liveAlone.p99Ms),
    pruneLiveMaxMs: round(prune.live.maxMs),
    pruneMetricsExact: prune.exactness.getBotMetrics && prune.exactness.view,
    partitionedCopyRowsPerSec,
    partitionedCopyPlainRowsPerSec: rate(ingest.plain),
    partitionedCopyToPlainRatio: round(partitionedCopyRowsPerSec / rate(ingest.plain), 3),
    partitionedMetricsP50Ms: round(p50Of(reads, "metrics") ?? Number.NaN),
    partitionedRecentP50Ms: round(p50Of(reads, "recent") ?? Number.NaN),
    partitionedJobDetailP50Ms: round(p50Of(reads, "jobDetail") ?? Number.NaN),
    partitionedTimeSeriesDayP50Ms: round(p50Of(reads, "timeSeriesDay") ?? Number.NaN),
    partitionDropMonthMs: Math.round(drop.milliseconds),
    partitionDropJobs: drop.jobs,
    partitionDropLiveP99Ms: round(drop.live.p99Ms),
    partitionDropMetricsExact: partitioning.exactness.getBotMetrics && partitioning.exactness.view,
  };
}

/** The retention section of the report: prune vs dropping a partition, and the prototype's reads. */
export function formatRetentionReport(
  { prune, partitioning }: RetentionFigures,
  plainReads: readonly ReadFigures[],
): string[] {
  const { drop, ingest } = partitioning;
  const rate = (copy: typeof ingest.plain) =>
    perSecond(copy.jobRows + copy.stageRows, copy.milliseconds);
  return [
    table(
      ["retention", "jobs", "stages", "wall", "rows/s", "live p50", "live p99", "live max"],
      [
        [
          `pruneJobs before ${prune.before.toISOString().slice(0, 10)}, batches of ${prune.batchSize} (${prune.batches})`,
          String(prune.jobs),
          String(prune.stages),
          ms(prune.milliseconds),
          String(prune.rowsPerSec),
          ms(prune.live.p50Ms),
          ms(prune.live.p99Ms),
          ms(prune.live.maxMs),
        ],
        [
          "  the same live bots with nothing beside them",
          "",
          "",
          "",
          "",
          ms(prune.liveAlone.p50Ms),
          ms(prune.liveAlone.p99Ms),
          ms(prune.liveAlone.maxMs),
        ],
        [
          `partitioned: detach + drop ${drop.month.toISOString().slice(0, 7)}, rollups adjusted`,
          String(drop.jobs),
          String(drop.stages),
          ms(drop.milliseconds),
          String(perSecond(drop.jobs + drop.stages, drop.milliseconds)),
          ms(drop.live.p50Ms),
          ms(drop.live.p99Ms),
          ms(drop.live.maxMs),
        ],
      ],
    ),
    `  live bots: ${prune.live.events} recorder calls during the prune, ${drop.live.events} statements during the drop; metrics exact after the prune: ${prune.exactness.getBotMetrics && prune.exactness.view ? "yes" : "NO"}, after the drop: ${partitioning.exactness.getBotMetrics && partitioning.exactness.view ? "yes" : "NO"}`,
    "",
    table(
      [`partitioned by month (${partitioning.partitions} partitions)`, "partitioned", "plain"],
      [
        [
          `COPY of ${ingest.jobs} jobs with their stages, rows/s`,
          String(rate(ingest.partitioned)),
          String(rate(ingest.plain)),
        ],
        ...partitioning.reads.map((read) => [
          `${read.label}, p50`,
          ms(read.timing.p50),
          ms(p50Of(plainReads, read.key)),
        ]),
      ],
    ),
  ];
}
