import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type DatabaseHandle, type DatabaseTarget, openDatabase } from "@forusbots/db";
import { ROLLUP_TRIGGER_FUNCTIONS } from "@forusbots/db/schema";
import { createAuditRecorder, type WriteOutcome } from "@forusbots/queries";
import { sql } from "drizzle-orm";
import type { DatasetShape } from "./generate-jobs.ts";
import {
  INGEST_PROCESS_ARGUMENTS,
  type IngestProcessArguments,
} from "./ingest-process-arguments.ts";
import { type LivePathRun, summarizeLivePath } from "./measure-recorder.ts";
import { recordTimedJob } from "./timed-job.ts";

/** Bots the live writers record for: a handful, so that writers share rollup rows. */
const LIVE_BOTS = 5;

export interface LiveLoadOptions {
  writers: number;
  seconds: number;
  batchSize: number;
}

export interface LiveLoadRun extends LivePathRun {
  /** Calls that did not answer "stored": 0 when every event of every job was written. */
  notStored: number;
}

export interface LiveLoadFigures {
  writers: number;
  seconds: number;
  bots: number;
  /** The rollup triggers in place, as migrated. */
  withRollups: LiveLoadRun;
  /** The same on a database whose rollup trigger functions (and so triggers) were dropped. */
  withoutRollups: LiveLoadRun;
  /** With the rollups, while `writeEventBatches` ingests into the same database. */
  besideIngest: LiveLoadRun & { ingestEvents: number };
  /**
   * A second database with the rollups, recorded in the same rounds as the other two: it differs
   * from `withRollups` only by chance, so how far it lands from it is the comparison's own noise.
   */
  control: LiveLoadRun;
  /** withRollups ÷ withoutRollups, in %: what the rollup triggers leave of the live path. */
  rollupsKeepPercent: number;
  /** control ÷ withRollups, in %: 100 but for the noise of the machine over the rounds. */
  controlPercent: number;
}

/**
 * One writer: its own connection and recorder, as a bot process has, recording whole jobs
 * (accept, start, three stages, finish; every call timed and awaited) until `deadline`.
 */
async function recordUntil(
  handle: DatabaseHandle,
  writer: number,
  deadline: number,
  latencies: number[],
  outcomes: WriteOutcome[],
): Promise<void> {
  const audit = createAuditRecorder(handle.db, { enabled: true });
  const botId = `live-bot-${writer % LIVE_BOTS}`;
  for (let n = 0; performance.now() < deadline; n++) {
    await recordTimedJob(
      audit,
      { botId, base: Date.now(), meta: { writer, n } },
      latencies,
      outcomes,
    );
  }
}

/**
 * Rounds the comparison is cut into, the databases taken in turn and in reverse order every other
 * round (with, without, control; control, without, with; …): a drift of the machine over the run
 * (a checkpoint, another process) then weighs on all of them alike. Even so, two databases alike
 * differed by up to 8 % in one run (an A/A test, BENCHMARKS.md): the control shows how far in
 * each.
 */
const ALTERNATING_ROUNDS = 4;

/** What the writers of one database recorded, over one or more rounds. */
interface Recorded {
  latencies: number[];
  outcomes: WriteOutcome[];
  milliseconds: number;
}

/** W writers, each on its own connection, as W bot processes have. */
const openWriters = (target: DatabaseTarget, writers: number): Promise<DatabaseHandle[]> =>
  Promise.all(Array.from({ length: writers }, () => openDatabase(target, { maxConnections: 1 })));

/** One round: every writer records whole jobs for `seconds`, into `recorded`. */
async function recordRound(
  handles: DatabaseHandle[],
  seconds: number,
  recorded: Recorded,
): Promise<void> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    handles.map((handle, writer) =>
      recordUntil(handle, writer, deadline, recorded.latencies, recorded.outcomes),
    ),
  );
  recorded.milliseconds += performance.now() - started;
}

/** Events/s and per-call latency over all the rounds recorded. */
const summarizeRecorded = ({ latencies, outcomes, milliseconds }: Recorded): LiveLoadRun => ({
  ...summarizeLivePath(latencies, milliseconds),
  notStored: outcomes.filter((outcome) => outcome !== "stored").length,
});

const nothingRecorded = (): Recorded => ({ latencies: [], outcomes: [], milliseconds: 0 });

async function closeAll(handles: DatabaseHandle[]): Promise<void> {
  await Promise.all(handles.map((handle) => handle.close()));
}

/**
 * How long new writers record before they are measured. A new connection plans the recorder's
 * statements and the trigger functions' on first use, and Node compiles the recorder's code on
 * the first calls: without this, the variant measured first (the one with the rollups) carried
 * that cost alone. The same code kept 81–83 % of the no-rollup rate when it went first cold, 88 %
 * when it went second, 94 % after a warm-up (10 s rounds, one machine, BENCHMARKS.md).
 */
const WARM_UP_SECONDS = 2;

/** The writers record for WARM_UP_SECONDS, not measured; returns the calls not stored. */
async function warmUp(handles: DatabaseHandle[]): Promise<number> {
  const warmUpRound = nothingRecorded();
  await recordRound(handles, WARM_UP_SECONDS, warmUpRound);
  return summarizeRecorded(warmUpRound).notStored;
}

/** A run's figures, counting the calls its warm-up did not store too. */
const withWarmUp = (run: LiveLoadRun, warmUpNotStored: number): LiveLoadRun => ({
  ...run,
  notStored: run.notStored + warmUpNotStored,
});

/** W writers on W connections for `seconds`; events/s and per-call latency over all of them. */
async function runWriters(target: DatabaseTarget, options: LiveLoadOptions): Promise<LiveLoadRun> {
  const handles = await openWriters(target, options.writers);
  try {
    const warmUpNotStored = await warmUp(handles);
    const recorded = nothingRecorded();
    await recordRound(handles, options.seconds, recorded);
    return withWarmUp(summarizeRecorded(recorded), warmUpNotStored);
  } finally {
    await closeAll(handles);
  }
}

/**
 * The same number of writers on each database, `seconds` on each, in `ALTERNATING_ROUNDS` rounds
 * taken in turn; each database's figures, in the order of `targets`.
 */
async function runWritersAlternating(
  targets: readonly DatabaseTarget[],
  options: LiveLoadOptions,
): Promise<LiveLoadRun[]> {
  const writerSets: DatabaseHandle[][] = [];
  try {
    for (const target of targets) writerSets.push(await openWriters(target, options.writers));
    const runs: { handles: DatabaseHandle[]; recorded: Recorded; warmUpNotStored: number }[] = [];
    for (const handles of writerSets) {
      runs.push({ handles, recorded: nothingRecorded(), warmUpNotStored: await warmUp(handles) });
    }
    const roundSeconds = options.seconds / ALTERNATING_ROUNDS;
    for (let round = 0; round < ALTERNATING_ROUNDS; round++) {
      for (const run of round % 2 === 0 ? runs : [...runs].reverse()) {
        await recordRound(run.handles, roundSeconds, run.recorded);
      }
    }
    return runs.map((run) => withWarmUp(summarizeRecorded(run.recorded), run.warmUpNotStored));
  } finally {
    await closeAll(writerSets.flat());
  }
}

/** Drops the rollup trigger functions, and with them (CASCADE) the triggers that call them. */
async function dropRollupTriggers(target: DatabaseTarget): Promise<void> {
  const handle = await openDatabase(target);
  try {
    for (const name of ROLLUP_TRIGGER_FUNCTIONS) {
      await handle.query(sql`DROP FUNCTION ${sql.identifier(name)}() CASCADE`);
    }
  } finally {
    await handle.close();
  }
}

const INGEST_PROCESS = fileURLToPath(new URL("./ingest-process.ts", import.meta.url));

/**
 * An ingest (`writeEventBatches`, as `forus-audit ingest` sends a file) into the same database,
 * from a process of its own (`ingest-process.ts`), round after round of new jobs; resolves once it
 * has connected. `stop` (once or more) ends it and gives the events it wrote.
 */
async function startIngestProcess(
  args: IngestProcessArguments,
): Promise<{ stop: () => Promise<number> }> {
  // The bench's own Node flags: the sources through tsx, as `pnpm bench` runs main.ts. The
  // arguments go by the environment, not the command line, which any user can list (the URL).
  const child = spawn(process.execPath, [...process.execArgv, INGEST_PROCESS], {
    env: { ...process.env, [INGEST_PROCESS_ARGUMENTS]: JSON.stringify(args) },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = once(child, "exit");
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done) {
      const [status] = await exited;
      throw new Error(`the ingest process ended with status ${status} (its stderr is above)`);
    }
    return line.value;
  };
  if ((await nextLine()) !== "started") throw new Error("the ingest process did not start");
  let stopped: Promise<number> | undefined;
  const stop = async (): Promise<number> => {
    child.stdin.end();
    const { events } = JSON.parse(await nextLine()) as { events: number };
    await exited;
    return events;
  };
  return { stop: () => (stopped ??= stop()) };
}

/** `part` as a share of `whole`, in %, to a tenth. */
const percentOf = (part: number, whole: number): number => Math.round((1000 * part) / whole) / 10;

/**
 * The live write path under load: W recorders for a fixed time on a database with the rollup
 * triggers, on one without them, and on a second one with them as a control (same run, separate
 * databases, the same number of writers, in alternating rounds), and again with them beside a
 * running ingest. The databases are migrated ones of the caller's; the ingest goes into
 * `withRollups` after its own run.
 */
export async function measureLiveLoad(
  databases: {
    withRollups: DatabaseTarget;
    withoutRollups: DatabaseTarget;
    control: DatabaseTarget;
  },
  shape: DatasetShape,
  options: LiveLoadOptions,
): Promise<LiveLoadFigures> {
  await dropRollupTriggers(databases.withoutRollups);
  const [withRollups, withoutRollups, control] = await runWritersAlternating(
    [databases.withRollups, databases.withoutRollups, databases.control],
    options,
  );
  if (!withRollups || !withoutRollups || !control) throw new Error("a live-load run is missing");
  const ingest = await startIngestProcess({
    target: databases.withRollups,
    shape,
    batchSize: options.batchSize,
  });
  const besideIngest = await runWriters(databases.withRollups, options).finally(() =>
    ingest.stop(),
  );
  const ingestEvents = await ingest.stop();
  return {
    writers: options.writers,
    seconds: options.seconds,
    bots: LIVE_BOTS,
    withRollups,
    withoutRollups,
    control,
    besideIngest: { ...besideIngest, ingestEvents },
    rollupsKeepPercent: percentOf(withRollups.eventsPerSec, withoutRollups.eventsPerSec),
    controlPercent: percentOf(control.eventsPerSec, withRollups.eventsPerSec),
  };
}
