import { setImmediate } from "node:timers/promises";
import type { AuditDb } from "@forusbots/db";
import { sql } from "drizzle-orm";
import { type EventError, withDatabaseErrors } from "../errors.ts";
import { safeParseAuditEvent } from "../events/parse.ts";
import type { AuditEvent } from "../events/schemas.ts";
import {
  type EventOutcome,
  type PositionedEvent,
  planWrites,
  type WriteBatchOptions,
  type WritePlan,
  writeInTransaction,
} from "../write-engine/index.ts";

/** One event of a batch; `position` is the caller's (the CLI passes the line number). */
export interface BatchItem {
  position: number;
  event: unknown;
}

export interface RejectedEvent {
  position: number;
  /** `field: what is wrong`, the error's message. */
  reason: string;
  error: EventError;
}

export interface BatchReport {
  /** Events that changed the database. */
  stored: number;
  /** Events already reflected in it (idempotent replays). */
  unchanged: number;
  /** Invalid or refused events, in the order of the batch. */
  rejected: RejectedEvent[];
}

/**
 * Returns once every transaction committed so far is on disk: a write transaction committed with
 * `synchronous_commit` on flushes the WAL up to its own commit record, and so everything before
 * it. `pg_current_xact_id()` gives the otherwise empty transaction the id that makes its COMMIT
 * a write.
 */
export async function waitForCommittedWrites(db: AuditDb): Promise<void> {
  await withDatabaseErrors(() =>
    db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_current_xact_id()`);
    }),
  );
}

/**
 * A batch checked against the event schemas and planned (`planWrites`), ready to be written: no
 * database involved yet.
 */
export interface ValidatedBatch {
  items: readonly BatchItem[];
  /** The valid events' writes; `plan.events` holds them, by index in `items`. */
  plan: WritePlan;
  /** The invalid events' errors, by index in `items`. */
  invalid: Map<number, EventError>;
}

/** Events validated between two looks at the event loop, when validation runs beside a write. */
const VALIDATE_BETWEEN_YIELDS = 100;

/**
 * Validates every event of a batch and plans its writes. With `yieldToWrites`, it gives the event
 * loop a turn every hundred events: a write in flight then gets its answers handled (and its
 * next statement sent) within a fraction of a millisecond instead of after the whole batch.
 */
export async function validateBatch(
  items: readonly BatchItem[],
  { yieldToWrites = false } = {},
): Promise<ValidatedBatch> {
  const valid: PositionedEvent<AuditEvent>[] = [];
  const invalid = new Map<number, EventError>();
  for (let index = 0; index < items.length; index++) {
    const parsed = safeParseAuditEvent(items[index]?.event);
    if (parsed.ok) valid.push({ index, event: parsed.value });
    else invalid.set(index, parsed.error);
    if (yieldToWrites && index % VALIDATE_BETWEEN_YIELDS === VALIDATE_BETWEEN_YIELDS - 1) {
      await setImmediate();
    }
  }
  return { items, plan: planWrites(valid), invalid };
}

/** Writes the valid events of a validated batch and reports on every event of it. */
export async function writeValidatedBatch(
  db: AuditDb,
  batch: ValidatedBatch,
  options: WriteBatchOptions = {},
): Promise<BatchReport> {
  const outcomes = new Map<number, EventOutcome>(batch.invalid);
  if (batch.plan.events.length > 0) {
    for (const [index, outcome] of await writeInTransaction(db, batch.plan, options)) {
      outcomes.set(index, outcome);
    }
  }
  const report: BatchReport = { stored: 0, unchanged: 0, rejected: [] };
  batch.items.forEach((item, index) => {
    const outcome = outcomes.get(index);
    if (outcome === undefined) throw new Error(`no outcome for the event at ${item.position}`);
    if (outcome === "stored") report.stored++;
    else if (outcome === "unchanged") report.unchanged++;
    else report.rejected.push({ position: item.position, reason: outcome.message, error: outcome });
  });
  return report;
}

/**
 * The bulk path: validates every event, writes the valid ones in one transaction with one
 * statement per event kind (a batch costs a round trip or two, not one per event), and
 * reports each invalid or refused event with its position and reason; those never stop the
 * others from being stored. Events of one job may share a batch: acceptances are written
 * first, then starts, stages and finishes. Size batches to taste (the CLI uses a few thousand):
 * the statements take their rows from one JSON parameter, so no count limit applies.
 * For a stream of batches, `writeEventBatches` overlaps validating one with writing another.
 */
export async function writeEvents(db: AuditDb, items: readonly BatchItem[]): Promise<BatchReport> {
  return writeValidatedBatch(db, await validateBatch(items));
}
