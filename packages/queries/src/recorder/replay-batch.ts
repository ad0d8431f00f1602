import { type AuditDb, classifyDriverError } from "@forusbots/db";
import {
  ConflictError,
  NotFoundError,
  translateDatabaseError,
  ValidationError,
} from "../errors.ts";
import type { AuditEvent } from "../events/schemas.ts";
import { type EventOutcome, executeWritePlan, planWrites } from "../write-engine/index.ts";

const isEventError = (error: unknown): error is ValidationError | NotFoundError | ConflictError =>
  error instanceof ValidationError ||
  error instanceof NotFoundError ||
  error instanceof ConflictError;

/**
 * Replays spooled events through the write engine's batch path, in one transaction: the writes
 * are idempotent, so events the database already holds (a write that answered after its call had
 * spooled it, a segment replayed again after a crash) come back "unchanged" and nothing is
 * written twice. Data the database refuses outright aborts the statement; the batch is then
 * replayed one event at a time so that the culprit costs only itself. Anything else (the
 * connection, a timeout) is thrown: the flusher keeps the batch and tries again.
 */
export async function replayBatch(
  db: AuditDb,
  events: readonly AuditEvent[],
): Promise<EventOutcome[]> {
  const positioned = events.map((event, index) => ({ index, event }));
  try {
    const outcomes = await db.transaction((tx) => executeWritePlan(tx, planWrites(positioned)));
    return positioned.map(({ index }) => outcomes.get(index) ?? missingOutcome());
  } catch (error) {
    if (classifyDriverError(error)?.kind !== "data") throw translateDatabaseError(error);
  }
  const outcomes: EventOutcome[] = [];
  for (const one of positioned) {
    try {
      outcomes.push(
        (await executeWritePlan(db, planWrites([one]))).get(one.index) ?? missingOutcome(),
      );
    } catch (error) {
      const translated = translateDatabaseError(error);
      if (!isEventError(translated)) throw translated;
      outcomes.push(translated);
    }
  }
  return outcomes;
}

function missingOutcome(): never {
  throw new Error("the write engine reported no outcome for a replayed event");
}
