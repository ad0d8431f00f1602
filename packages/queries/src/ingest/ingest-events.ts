import { type AuditDb, AuditError } from "@forusbots/db";
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
import { type EventOutcome, LIFECYCLE_ORDER, writeEvents } from "../recorder/write-events.ts";

export type IngestResult =
  | { status: "stored" }
  | { status: "unchanged" }
  | { status: "rejected"; error: EventError };

export interface RejectedEvent {
  /** Position of the event in the batch (0-based); the caller maps it to a line number. */
  index: number;
  /** `field: what is wrong`, the error's message. */
  reason: string;
  error: EventError;
}

export interface IngestReport {
  stored: number;
  unchanged: number;
  rejected: RejectedEvent[];
  /** One result per input, in input order. */
  results: IngestResult[];
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
      return await db.transaction((tx) => writeEvents(tx, events));
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
      const single = await writeEvents(db, [positioned]);
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
 * The bulk path: validates every input, writes the valid ones in one transaction with one
 * statement per event kind (so a batch costs a handful of round trips, not one per event), and
 * reports what became of each. Invalid and refused events are reported by position with their
 * reason; they never stop the others from being stored. Events of one job may share a batch:
 * acceptances are written first, then starts, stages and finishes.
 */
export async function ingestEvents(db: AuditDb, inputs: readonly unknown[]): Promise<IngestReport> {
  const results: IngestResult[] = new Array(inputs.length);
  const valid: PositionedEvent<AuditEvent>[] = [];
  inputs.forEach((input, index) => {
    const parsed = safeParseAuditEvent(input);
    if (parsed.ok) valid.push({ index, event: parsed.value });
    else results[index] = { status: "rejected", error: parsed.error };
  });

  if (valid.length > 0) {
    const outcomes = await writeInTransaction(db, valid);
    for (const { index } of valid) {
      const outcome = outcomes.get(index);
      if (outcome === undefined) throw new Error(`no outcome for event ${index} of the batch`);
      results[index] =
        outcome instanceof AuditError
          ? { status: "rejected", error: outcome }
          : { status: outcome };
    }
  }

  const report: IngestReport = { stored: 0, unchanged: 0, rejected: [], results };
  results.forEach((result, index) => {
    if (result.status === "rejected") {
      report.rejected.push({ index, reason: result.error.message, error: result.error });
    } else {
      report[result.status]++;
    }
  });
  return report;
}
