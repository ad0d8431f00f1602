import type { JsonObject } from "@forusbots/db/schema";
import type {
  AcceptJobInput,
  FinishJobInput,
  RecordStageInput,
  StartJobInput,
  WriteOutcome,
} from "./record-event.ts";

/** What the bot says about the job it is about to run; the id is minted for it. */
export interface JobOptions {
  botId: string;
  meta?: JsonObject | null;
  createdBy?: AcceptJobInput["createdBy"];
}

export interface StageOptions {
  /** Stored with the stage (e.g. which page, how many rows). */
  meta?: JsonObject | null;
}

/** What `work` gets: the job's id and the way to run a recorded stage. */
export interface JobContext {
  /** The minted job id (a UUID), e.g. for the bot's own logs. */
  readonly id: string;
  readonly botId: string;
  /**
   * Runs `run` as the stage `name`: its start and end times, `succeed` when it resolves, `fail`
   * with the error's name and message when it throws (and the error is rethrown as it was).
   */
  stage<T>(name: string, run: () => T | Promise<T>, options?: StageOptions): Promise<T>;
}

/** The four calls, one per event of a job's life. */
export interface AuditRecorderCalls {
  /** False when auditing is off: every method then resolves "unchanged" and writes nothing. */
  readonly enabled: boolean;
  acceptJob(input: AcceptJobInput): Promise<WriteOutcome>;
  startJob(input: StartJobInput): Promise<WriteOutcome>;
  recordStage(input: RecordStageInput): Promise<WriteOutcome>;
  finishJob(input: FinishJobInput): Promise<WriteOutcome>;
}

/** What a bot runner holds: the four calls, and `job`, which makes them for it. */
export interface AuditRecorder extends AuditRecorderCalls {
  /**
   * Runs `work` as one recorded job: mints its id, records its acceptance and start, each
   * `job.stage(…)` with its timing and outcome, and its finish (see `runJob`). Resolves what
   * `work` resolves; rethrows what it throws, once recorded. Off, it runs `work` and records
   * nothing.
   */
  job<T>(options: JobOptions, work: (job: JobContext) => Promise<T>): Promise<T>;
}

export interface OpenedAuditRecorder extends AuditRecorder {
  /**
   * Waits (at most the close timeout) for the spool to reach the database, leaves what remains
   * on disk for the next recorder or `forus-audit spool flush`, and closes the database. Nothing
   * to do when the recorder is disabled. Calls made after it throw.
   */
  close(): Promise<void>;
}
