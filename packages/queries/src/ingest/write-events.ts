import type { AuditDb } from "@forusbots/db";
import {
  ConflictError,
  databaseErrorCode,
  type EventError,
  NotFoundError,
  translateDatabaseError,
  ValidationError,
} from "../errors.ts";
import { safeParseAuditEvent } from "../events/parse.ts";
import type { AuditEvent } from "../events/schemas.ts";
import type { PositionedEvent } from "../recorder/apply.ts";
import { applyEvents, type EventOutcome } from "../recorder/apply-events.ts";
import { LIFECYCLE_ORDER } from "../recorder/phases.ts";

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

/** A deadlock between two batches touching the same jobs in another order: try the batch again. */
const RETRYABLE_CODES = new Set(["40P01", "40001"]);
const ATTEMPTS = 3;

/**
 * A data error the checks before the write did not foresee (class 22 data exception, class 23
 * integrity violation) aborts the whole statement; the batch is then written one event at a time
 * to find the culprit, so that every other event is still stored.
 */
const isDataError = (code: string | undefined): boolean =>
  code !== undefined && (code.startsWith("22") || code.startsWith("23"));

const isEventError = (error: unknown): error is EventError =>
  error instanceof ValidationError ||
  error instanceof NotFoundError ||
  error instanceof ConflictError;

async function writeInTransaction(
  db: AuditDb,
  events: readonly PositionedEvent<AuditEvent>[],
): Promise<Map<number, EventOutcome>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((tx) => applyEvents(tx, events));
    } catch (error) {
      const code = databaseErrorCode(error);
      if (RETRYABLE_CODES.has(code ?? "") && attempt < ATTEMPTS) continue;
      if (isDataError(code)) return writeOneByOne(db, events);
      throw translateDatabaseError(error);
    }
  }
}

async function writeOneByOne(
  db: AuditDb,
  events: readonly PositionedEvent<AuditEvent>[],
): Promise<Map<number, EventOutcome>> {
  const ordered = [...events].sort(
    (a, b) => LIFECYCLE_ORDER[a.event.type] - LIFECYCLE_ORDER[b.event.type] || a.index - b.index,
  );
  const outcomes = new Map<number, EventOutcome>();
  for (const positioned of ordered) {
    try {
      const single = await applyEvents(db, [positioned]);
      for (const [index, outcome] of single) outcomes.set(index, outcome);
    } catch (error) {
      const translated = translateDatabaseError(error);
      if (!isEventError(translated)) throw translated;
      outcomes.set(positioned.index, translated);
    }
  }
  return outcomes;
}

/**
 * The bulk path: validates every event, writes the valid ones in one transaction with one
 * statement per event kind (a batch costs a handful of round trips, not one per event), and
 * reports each invalid or refused event with its position and reason; those never stop the
 * others from being stored. Events of one job may share a batch: acceptances are written
 * first, then starts, stages and finishes. Size batches to taste (the CLI uses a few thousand):
 * the statements take their rows from one JSON parameter, so no count limit applies.
 */
export async function writeEvents(db: AuditDb, items: readonly BatchItem[]): Promise<BatchReport> {
  const outcomes = new Map<number, EventOutcome>();
  const valid: PositionedEvent<AuditEvent>[] = [];
  items.forEach((item, index) => {
    const parsed = safeParseAuditEvent(item.event);
    if (parsed.ok) valid.push({ index, event: parsed.value });
    else outcomes.set(index, parsed.error);
  });
  if (valid.length > 0) {
    for (const [index, outcome] of await writeInTransaction(db, valid)) {
      outcomes.set(index, outcome);
    }
  }

  const report: BatchReport = { stored: 0, unchanged: 0, rejected: [] };
  items.forEach((item, index) => {
    const outcome = outcomes.get(index);
    if (outcome === undefined) throw new Error(`no outcome for the event at ${item.position}`);
    if (outcome === "stored") report.stored++;
    else if (outcome === "unchanged") report.unchanged++;
    else report.rejected.push({ position: item.position, reason: outcome.message, error: outcome });
  });
  return report;
}
