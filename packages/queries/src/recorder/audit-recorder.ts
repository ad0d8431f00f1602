import type {
  AcceptJobInput,
  FinishJobInput,
  RecordStageInput,
  StartJobInput,
  WriteOutcome,
} from "./record-event.ts";

/** What a bot runner holds: one method per event of a job's life. */
export interface AuditRecorder {
  /** False when auditing is off: every method then resolves "unchanged" and writes nothing. */
  readonly enabled: boolean;
  acceptJob(input: AcceptJobInput): Promise<WriteOutcome>;
  startJob(input: StartJobInput): Promise<WriteOutcome>;
  recordStage(input: RecordStageInput): Promise<WriteOutcome>;
  finishJob(input: FinishJobInput): Promise<WriteOutcome>;
}

export interface OpenedAuditRecorder extends AuditRecorder {
  /**
   * Waits (at most the close timeout) for the spool to reach the database, leaves what remains
   * on disk for the next recorder or `forus-audit spool flush`, and closes the database. Nothing
   * to do when the recorder is disabled. Calls made after it throw.
   */
  close(): Promise<void>;
}
