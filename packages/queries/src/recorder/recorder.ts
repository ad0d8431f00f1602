import {
  type AuditConfig,
  type AuditDb,
  type DatabaseHandle,
  openDatabase,
  type PostgresOptions,
} from "@forusbots/db";
import {
  type AcceptJobInput,
  acceptJob,
  type FinishJobInput,
  finishJob,
  type RecordStageInput,
  recordStage,
  type StartJobInput,
  startJob,
  type WriteOutcome,
} from "./record-event.ts";

/** "disabled": auditing is off and nothing was written, nor validated, nor sent anywhere. */
export type RecordOutcome = WriteOutcome | "disabled";

/** What a bot runner holds: one method per event of a job's life. */
export interface AuditRecorder {
  readonly enabled: boolean;
  acceptJob(input: AcceptJobInput): Promise<RecordOutcome>;
  startJob(input: StartJobInput): Promise<RecordOutcome>;
  recordStage(input: RecordStageInput): Promise<RecordOutcome>;
  finishJob(input: FinishJobInput): Promise<RecordOutcome>;
}

export type AuditRecorderOptions =
  | { enabled: true; db: AuditDb }
  | { enabled: false; db?: AuditDb };

const disabled = async (): Promise<RecordOutcome> => "disabled";

/**
 * The audit database is off by default (the seed's `AUDIT_DB=1` turns it on; `loadConfig` reads
 * it into `auditEnabled`). Off, every method resolves "disabled" without touching `db`, so a bot
 * runner calls the recorder unconditionally and pays nothing when auditing is off.
 */
export function createAuditRecorder(options: AuditRecorderOptions): AuditRecorder {
  if (!options.enabled) {
    return {
      enabled: false,
      acceptJob: disabled,
      startJob: disabled,
      recordStage: disabled,
      finishJob: disabled,
    };
  }
  const { db } = options;
  if (!db) throw new Error("createAuditRecorder: an enabled recorder needs a database");
  return {
    enabled: true,
    acceptJob: (input) => acceptJob(db, input),
    startJob: (input) => startJob(db, input),
    recordStage: (input) => recordStage(db, input),
    finishJob: (input) => finishJob(db, input),
  };
}

export interface OpenedAuditRecorder extends AuditRecorder {
  /** Closes the database the recorder opened; nothing to do when it is disabled. */
  close(): Promise<void>;
}

/**
 * A recorder for the configuration: when auditing is off no database is opened at all (no
 * PGlite start-up, no connection); when on, the configured database is opened and `close` closes it.
 */
export async function openAuditRecorder(
  config: Pick<AuditConfig, "auditEnabled" | "database">,
  options: PostgresOptions = {},
): Promise<OpenedAuditRecorder> {
  if (!config.auditEnabled) {
    return { ...createAuditRecorder({ enabled: false }), close: async () => {} };
  }
  const handle: DatabaseHandle = await openDatabase(config.database, options);
  return { ...createAuditRecorder({ enabled: true, db: handle.db }), close: () => handle.close() };
}
