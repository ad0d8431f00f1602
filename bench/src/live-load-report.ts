import type { LiveLoadFigures, LiveLoadRun } from "./measure-live-load.ts";

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The live-load figures of the summary JSON line. */
export function liveLoadJson(live: LiveLoadFigures): Record<string, number> {
  return {
    liveWriters: live.writers,
    liveSeconds: live.seconds,
    liveEventsPerSec: live.withRollups.eventsPerSec,
    liveNoRollupsEventsPerSec: live.withoutRollups.eventsPerSec,
    liveRollupsKeepPercent: live.rollupsKeepPercent,
    liveControlEventsPerSec: live.control.eventsPerSec,
    liveControlPercent: live.controlPercent,
    liveP50Ms: round(live.withRollups.p50Ms),
    liveP99Ms: round(live.withRollups.p99Ms),
    liveNoRollupsP99Ms: round(live.withoutRollups.p99Ms),
    liveBesideIngestEventsPerSec: live.besideIngest.eventsPerSec,
    liveBesideIngestP50Ms: round(live.besideIngest.p50Ms),
    liveBesideIngestP99Ms: round(live.besideIngest.p99Ms),
    liveBesideIngestIngestedEvents: live.besideIngest.ingestEvents,
    liveNotStored: notStored(live),
  };
}

const notStored = (live: LiveLoadFigures): number =>
  live.withRollups.notStored +
  live.withoutRollups.notStored +
  live.control.notStored +
  live.besideIngest.notStored;

const row = (label: string, run: LiveLoadRun) =>
  `| ${label.padEnd(44)} | ${String(run.eventsPerSec).padStart(8)} | ${`${round(run.p50Ms)} ms`.padStart(9)} | ${`${round(run.p99Ms)} ms`.padStart(9)} |`;

/** The live-load table of the human-readable report. */
export function formatLiveLoad(live: LiveLoadFigures): string {
  return [
    `| ${`live load: ${live.writers} recorders, ${live.bots} bots, ${live.seconds} s each`.padEnd(44)} | events/s |       p50 |       p99 |`,
    `|${"-".repeat(46)}|----------|-----------|-----------|`,
    row("with the rollup triggers", live.withRollups),
    row("without them (triggers dropped)", live.withoutRollups),
    row("control: with them, a second database", live.control),
    row("with them, beside a running ingest", live.besideIngest),
    `  the rollups keep ${live.rollupsKeepPercent} % of the live path's events/s; the control, alike but for chance, ${live.controlPercent} % of the first (the comparison's noise); the ingest beside it wrote ${live.besideIngest.ingestEvents} events; calls not stored: ${notStored(live)}`,
  ].join("\n");
}
