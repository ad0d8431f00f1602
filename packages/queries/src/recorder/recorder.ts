import {
  type AuditConfig,
  type AuditDb,
  type RecorderSettings,
  resolveRecorderSettings,
} from "@forusbots/db";
import type { AuditRecorder, OpenedAuditRecorder } from "./audit-recorder.ts";
import { type DurableRecorderOptions, openDurableRecorder } from "./durable-recorder.ts";
import { withJobWrapper } from "./job-wrapper.ts";
import { acceptJob, finishJob, recordStage, startJob, type WriteOutcome } from "./record-event.ts";

export interface AuditRecorderOptions {
  /** `AuditConfig.auditEnabled`, i.e. `AUDIT_DB=1`, or an explicit choice. */
  enabled: boolean;
}

/** Nothing changed: a disabled recorder neither validates nor sends anything anywhere. */
const unchanged = async (): Promise<WriteOutcome> => "unchanged";

/** Off: `job` still runs the bot's work, and records nothing. */
const DISABLED: AuditRecorder = withJobWrapper({
  enabled: false,
  acceptJob: unchanged,
  startJob: unchanged,
  recordStage: unchanged,
  finishJob: unchanged,
});

/**
 * A recorder straight on a database the caller opened: every call waits for the database and
 * throws what it says (no bound, no spool). For tools and tests; a bot runs `openAuditRecorder`.
 * The audit database is off by default (the seed's `AUDIT_DB=1` turns it on; `loadConfig` reads
 * it into `auditEnabled`). Off, every method resolves "unchanged" without touching `db` (which
 * may then be null), so a bot runner calls the recorder unconditionally and pays nothing.
 */
export function createAuditRecorder(
  db: AuditDb | null,
  options: AuditRecorderOptions,
): AuditRecorder {
  if (!options.enabled) return DISABLED;
  if (!db) throw new Error("createAuditRecorder: an enabled recorder needs a database");
  return withJobWrapper({
    enabled: true,
    acceptJob: (input) => acceptJob(db, input),
    startJob: (input) => startJob(db, input),
    recordStage: (input) => recordStage(db, input),
    finishJob: (input) => finishJob(db, input),
  });
}

/**
 * The recorder for the configuration. When auditing is off no database is opened at all (no
 * PGlite start-up, no connection). When on, it is the durable recorder (`openDurableRecorder`):
 * calls bounded by `AUDIT_WRITE_TIMEOUT_MS`, the local spool in `AUDIT_SPOOL_DIR` for what the
 * database does not take in time, and `close` waits for the spool to drain (bounded by
 * `AUDIT_CLOSE_TIMEOUT_MS`). `recorder` defaults to the environment's defaults.
 */
export async function openAuditRecorder(
  config: Pick<AuditConfig, "auditEnabled" | "database"> & { recorder?: RecorderSettings },
  options: DurableRecorderOptions = {},
): Promise<OpenedAuditRecorder> {
  if (!config.auditEnabled) return { ...DISABLED, close: async () => {} };
  return openDurableRecorder(
    config.database,
    config.recorder ?? resolveRecorderSettings({}),
    options,
  );
}
