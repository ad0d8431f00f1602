import type { AuditDb } from "@forusbots/db";
import type { AuditEvent } from "../events/schemas.ts";
import { type EventOutcome, planWrites, writeInTransaction } from "../write-engine/index.ts";

/**
 * Replays spooled events through the write engine's batch path (the one ingest uses): the writes
 * are idempotent, so events the database already holds (a write that answered after its call had
 * spooled it, a segment replayed again after a crash) come back "unchanged" and nothing is
 * written twice; an event whose data the database refuses costs only itself. Anything else (the
 * connection, a timeout) is thrown: the flusher keeps the batch and tries again.
 */
export async function replayBatch(
  db: AuditDb,
  events: readonly AuditEvent[],
): Promise<EventOutcome[]> {
  const positioned = events.map((event, index) => ({ index, event }));
  const outcomes = await writeInTransaction(db, planWrites(positioned), {});
  return positioned.map(({ index }) => {
    const outcome = outcomes.get(index);
    if (outcome === undefined) {
      throw new Error("the write engine reported no outcome for a replayed event");
    }
    return outcome;
  });
}
