import type { AuditEventType } from "../events/schemas.ts";

/**
 * What the recorder tells the bot runner's `onEvent` hook. Reasons are the errors' messages,
 * which never hold an event's payload or a statement's parameters.
 */
export type RecorderEvent =
  /** The database did not take the event within the bound (or others wait before it): on disk now. */
  | { type: "spooled"; eventType: AuditEventType; jobId: string; reason: string; waiting: number }
  /** Segments that ended processes (or closed recorders) left, claimed for replay at start-up. */
  | { type: "claimed"; events: number }
  /** A batch of the spool reached the database. */
  | { type: "flushed"; events: number; waiting: number }
  /** A replay attempt failed; the flusher tries again after `retryInMs`. */
  | { type: "flush-failed"; reason: string; attempt: number; retryInMs: number; waiting: number }
  /** The database refused a spooled event for good; it is kept in `file`. */
  | {
      type: "rejected";
      eventType: AuditEventType | null;
      jobId: string | null;
      reason: string;
      file: string;
    }
  /** A call found the spool full and threw `SpoolFullError`. */
  | { type: "spool-full"; eventType: AuditEventType; jobId: string; waitingBytes: number }
  /** `close()` ran out of time: these events stay on disk for the next recorder or `spool flush`. */
  | { type: "left-on-disk"; events: number; dir: string };

export type RecorderEventListener = (event: RecorderEvent) => void;
