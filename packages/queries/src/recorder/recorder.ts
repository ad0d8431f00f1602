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

/** What a bot runner holds: one method per event of a job's life. */
export interface AuditRecorder {
  /** False when auditing is off: every method then resolves "unchanged" and writes nothing. */
  readonly enabled: boolean;
  acceptJob(input: AcceptJobInput): Promise<WriteOutcome>;
  startJob(input: StartJobInput): Promise<WriteOutcome>;
  recordStage(input: RecordStageInput): Promise<WriteOutcome>;
  finishJob(input: FinishJobInput): Promise<WriteOutcome>;
}

export interface AuditRecorderOptions {
  /** `AuditConfig.auditEnabled`, i.e. `AUDIT_DB=1`, or an explicit choice. */
  enabled: boolean;
}

/** Nothing changed: a disabled recorder neither validates nor sends anything anywhere. */
const unchanged = async (): Promise<WriteOutcome> => "unchanged";

/**
 * The audit database is off by default (the seed's `AUDIT_DB=1` turns it on; `loadConfig` reads
 * it into `auditEnabled`). Off, every method resolves "unchanged" without touching `db` (which
 * may then be null), so a bot runner calls the recorder unconditionally and pays nothing.
 */
export function createAuditRecorder(
  db: AuditDb | null,
  options: AuditRecorderOptions,
): AuditRecorder {
  if (!options.enabled) {
    return {
      enabled: false,
      acceptJob: unchanged,
      startJob: unchanged,
      recordStage: unchanged,
      finishJob: unchanged,
    };
  }
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
    return { ...createAuditRecorder(null, { enabled: false }), close: async () => {} };
  }
  const handle: DatabaseHandle = await openDatabase(config.database, options);
  return {
    ...createAuditRecorder(handle.db, { enabled: true }),
    close: () => handle.close(),
  };
}
