import { setImmediate } from "node:timers/promises";
import {
  type AuditDb,
  classifyDriverError,
  isTransactionConflict,
  safeMessageOf,
} from "@forusbots/db";
import { sql } from "drizzle-orm";
import {
  ConflictError,
  type EventError,
  NotFoundError,
  translateDatabaseError,
  ValidationError,
  withDatabaseErrors,
} from "../errors.ts";
import { safeParseAuditEvent } from "../events/parse.ts";
import type { AuditEvent } from "../events/schemas.ts";
import {
  type EventOutcome,
  executeWritePlan,
  LIFECYCLE_ORDER,
  type PositionedEvent,
  planWrites,
  type WritePlan,
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

/** A deadlock between two batches touching the same jobs in another order: try it again. */
const ATTEMPTS = 3;

const isEventError = (error: unknown): error is EventError =>
  error instanceof ValidationError ||
  error instanceof NotFoundError ||
  error instanceof ConflictError;

export interface WriteBatchOptions {
  /**
   * False lets the batch's COMMIT return before its WAL reaches the disk (`synchronous_commit =
   * off` for this transaction only). A crash of the server may then lose the last batches written
   * this way, never corrupt anything: `writeEventBatches` uses it for a stream and ends with
   * `waitForCommittedWrites`, so what it reports is on disk when it returns. Default true.
   */
  waitForFlush?: boolean;
}

async function writeInTransaction(
  db: AuditDb,
  plan: WritePlan,
  options: WriteBatchOptions,
): Promise<Map<number, EventOutcome>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transactionOf(db, plan, options);
    } catch (error) {
      if (isTransactionConflict(error) && attempt < ATTEMPTS) continue;
      if (isRefusalOfData(error)) return writeInHalves(db, inLifecycleOrder(plan.events), options);
      throw translateDatabaseError(error);
    }
  }
}

async function transactionOf(
  db: AuditDb,
  plan: WritePlan,
  { waitForFlush = true }: WriteBatchOptions,
): Promise<Map<number, EventOutcome>> {
  return db.transaction(async (tx) => {
    if (waitForFlush) return executeWritePlan(tx, plan);
    // Sent with the batch's statements, not before them: no round trip of its own.
    const [, outcomes] = await Promise.all([
      tx.execute(sql`SET LOCAL synchronous_commit = off`),
      executeWritePlan(tx, plan),
    ]);
    return outcomes;
  });
}

/**
 * What the database says about the data of a statement, not about itself or the session: class
 * 22 (a data exception), 23 (an integrity constraint), 54 (a program limit: an index row or a
 * JSON value too large), and P0, a trigger's RAISE (a rule an operator added in the database).
 * A statement refused for one of these may hold a single culprit among good events.
 */
function isRefusalOfData(error: unknown): boolean {
  const failure = classifyDriverError(error);
  return failure?.kind === "data" || failure?.code?.startsWith(RAISE_CLASS) === true;
}

/** plpgsql's RAISE without an ERRCODE of its own (P0001) and its siblings. */
const RAISE_CLASS = "P0";

/**
 * Events sorted as a batch writes them (acceptances, starts, stages, finishes; each in the
 * caller's order), so that any prefix of the list can be written before the rest: a stage never
 * lands in an earlier part than the acceptance of its job.
 */
const inLifecycleOrder = (
  events: readonly PositionedEvent<AuditEvent>[],
): PositionedEvent<AuditEvent>[] =>
  [...events].sort(
    (a, b) => LIFECYCLE_ORDER[a.event.type] - LIFECYCLE_ORDER[b.event.type] || a.index - b.index,
  );

/**
 * A batch the database refused, written in two halves, each in its own transaction and split
 * again while the database refuses it, until the event it refuses stands alone and is rejected
 * with the database's reason. One bad event among n costs about 2·log2(n) transactions instead
 * of the whole batch, and every other event is stored. Only refusals of the data split a batch:
 * a lost connection, a timeout or a missing table would refuse every half alike.
 */
async function writeInHalves(
  db: AuditDb,
  events: readonly PositionedEvent<AuditEvent>[],
  options: WriteBatchOptions,
): Promise<Map<number, EventOutcome>> {
  const outcomes = new Map<number, EventOutcome>();
  const middle = Math.ceil(events.length / 2);
  for (const part of [events.slice(0, middle), events.slice(middle)]) {
    if (part.length === 0) continue;
    for (const [index, outcome] of await writePart(db, part, options)) {
      outcomes.set(index, outcome);
    }
  }
  return outcomes;
}

async function writePart(
  db: AuditDb,
  events: readonly PositionedEvent<AuditEvent>[],
  options: WriteBatchOptions,
): Promise<Map<number, EventOutcome>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transactionOf(db, planWrites(events), options);
    } catch (error) {
      if (isTransactionConflict(error) && attempt < ATTEMPTS) continue;
      if (!isRefusalOfData(error)) throw translateDatabaseError(error);
      if (events.length > 1) return writeInHalves(db, events, options);
      const [only] = events;
      if (only === undefined) return new Map();
      return new Map([[only.index, refusalOf(error)]]);
    }
  }
}

/** The error an event the database refused is rejected with, naming the field it can. */
function refusalOf(error: unknown): EventError {
  const translated = translateDatabaseError(error);
  if (isEventError(translated)) return translated;
  // A trigger's RAISE: PostgreSQL's message, made safe, is the reason.
  return new ValidationError([
    { field: "event", message: `refused by the database: ${safeMessageOf(error)}` },
  ]);
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
