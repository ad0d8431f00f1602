import {
  type AuditDb,
  classifyDriverError,
  isTransactionConflict,
  safeMessageOf,
} from "@forusbots/db";
import {
  ConflictError,
  type EventError,
  NotFoundError,
  translateDatabaseError,
  ValidationError,
} from "../errors.ts";
import type { AuditEvent } from "../events/schemas.ts";
import { type EventOutcome, executeWritePlan } from "./execute-plan.ts";
import { LIFECYCLE_ORDER, planWrites, type WritePlan } from "./plan-writes.ts";
import type { PositionedEvent } from "./positioned-event.ts";
import { beginRollupWrites } from "./rollup-writers-lock.ts";

/**
 * Batches never deadlock with each other (they take the rollup writers' lock), but one can with a
 * single-statement writer touching the same jobs, or fail to serialize: try it again.
 */
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

/**
 * Writes a plan in one transaction, under the rollup writers' lock (`beginRollupWrites`), and
 * answers each of its events: a deadlock or serialization failure is tried again, and a refusal of
 * the data splits the batch (see writeInHalves) so that one event never costs the others. The
 * one write path of ingest and of the recorder's spool replay.
 */
export async function writeInTransaction(
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
    await beginRollupWrites(tx, { synchronousCommit: waitForFlush });
    return executeWritePlan(tx, plan);
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
