import { AuditError, safeMessageOf } from "@forusbots/db";
import type { RecorderConnection } from "./connection.ts";
import type { RecorderEventListener } from "./recorder-events.ts";
import { replayBatch } from "./replay-batch.ts";
import type { RejectedLog } from "./spool/rejected-log.ts";
import type { Spool, SpoolBatch } from "./spool/spool.ts";
import { pause, TimedOut, withinMs } from "./time-bound.ts";

export interface FlusherSettings {
  /** The most one batch's replay may take before the connection is given up on. */
  flushTimeoutMs: number;
  /** The largest batch; a replay that times out halves the next one (see `SpoolFlusher`). */
  batch: { maxEvents: number; maxBytes: number };
  /** Exponential backoff between failed attempts: first delay, then doubling up to `maxMs`. */
  backoff: { firstMs: number; maxMs: number };
}

export const DEFAULT_FLUSH_BATCH = { maxEvents: 500, maxBytes: 4 * 1024 * 1024 };
export const DEFAULT_BACKOFF = { firstMs: 100, maxMs: 10_000 };

/** Why an attempt failed, said without payloads (the errors' own messages never hold one). */
export const reasonOf = (error: unknown): string =>
  error instanceof AuditError || error instanceof TimedOut ? error.message : safeMessageOf(error);

/**
 * Replays the spool into the database in the background: oldest batch first, each committed
 * before the next is read, so a job's events reach the database in the order they were recorded.
 * A failed attempt (the database down, slow or restarting) keeps the batch and tries again after
 * an exponential backoff with jitter; events the database refuses for good go to the rejected log.
 *
 * A replay that times out is retried with half as many events, down to one: a server slow enough
 * that the largest batch never fits in the timeout would otherwise be sent that same batch
 * forever, and the spool would never drain. Batches grow back, doubling, after replays that took
 * under a quarter of the timeout.
 */
export class SpoolFlusher {
  private running: Promise<void> | null = null;
  private stopped = false;
  private interruptPause: (() => void) | null = null;
  private attempt = 0;
  private readonly drainedWaiters = new Set<() => void>();
  private batchEvents: number;

  constructor(
    private readonly spool: Spool,
    private readonly connection: RecorderConnection,
    private readonly rejected: RejectedLog,
    private readonly emit: RecorderEventListener,
    private readonly settings: FlusherSettings,
  ) {
    this.batchEvents = settings.batch.maxEvents;
    spool.onAppended(() => this.kick());
  }

  /** Starts the loop if it is not running, and cuts short a backoff pause. */
  kick(): void {
    if (this.stopped) return;
    this.interruptPause?.();
    this.running ??= this.run().finally(() => {
      this.running = null;
      if (!this.stopped && !this.spool.empty) this.kick();
    });
  }

  /** Resolves true once the spool is empty, false if `ms` pass first. */
  async drain(ms: number): Promise<boolean> {
    if (this.spool.empty) return true;
    this.kick();
    let resolveDrained = () => {};
    const drained = new Promise<void>((resolve) => {
      resolveDrained = resolve;
    });
    this.drainedWaiters.add(resolveDrained);
    try {
      await withinMs(drained, ms);
      return true;
    } catch {
      return this.spool.empty;
    } finally {
      this.drainedWaiters.delete(resolveDrained);
    }
  }

  /** Stops the loop once its current step ends (a replay in flight is bounded by its timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.interruptPause?.();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.spool.empty) {
        for (const resolve of this.drainedWaiters) resolve();
        return;
      }
      try {
        const handle = await this.connection.get();
        const batch = await this.spool.nextBatch({
          maxEvents: this.batchEvents,
          maxBytes: this.settings.batch.maxBytes,
        });
        // Events being synced right now: the append wakes this loop when it is done.
        if (batch === null) await this.pauseFor(1_000);
        else await this.replay(handle.db, batch);
      } catch (error) {
        if (this.stopped) return;
        // A pool that did not answer in time is ended; connection errors open a new one too.
        if (
          error instanceof TimedOut ||
          (error instanceof AuditError && error.kind === "connection")
        ) {
          this.connection.discard();
        }
        this.attempt++;
        const { firstMs, maxMs } = this.settings.backoff;
        const delay =
          Math.min(maxMs, firstMs * 2 ** (this.attempt - 1)) * (0.8 + Math.random() * 0.4);
        const retryInMs = Math.round(delay);
        this.emit({
          type: "flush-failed",
          reason: reasonOf(error),
          attempt: this.attempt,
          retryInMs,
          waiting: this.spool.waitingEvents,
        });
        await this.pauseFor(retryInMs);
      }
    }
  }

  private async replay(db: Parameters<typeof replayBatch>[0], batch: SpoolBatch): Promise<void> {
    const { flushTimeoutMs } = this.settings;
    const started = performance.now();
    let outcomes: Awaited<ReturnType<typeof replayBatch>> = [];
    try {
      if (batch.events.length > 0) {
        outcomes = await withinMs(replayBatch(db, batch.events), flushTimeoutMs);
      }
    } catch (error) {
      if (error instanceof TimedOut) {
        this.batchEvents = Math.max(1, Math.floor(batch.lines / 2));
      }
      throw error;
    }
    if (performance.now() - started < flushTimeoutMs / 4) {
      this.batchEvents = Math.min(this.settings.batch.maxEvents, this.batchEvents * 2);
    }
    const refused = outcomes.flatMap((outcome, index) => {
      const event = batch.events[index];
      return typeof outcome === "string" || event === undefined
        ? []
        : [{ reason: outcome.message, event }];
    });
    const unreadable = batch.unreadable.map(({ line, text, reason }) => ({
      reason: `line ${line} of ${batch.segment.path}: ${reason}`,
      line: text,
    }));
    await this.rejected.keep([...refused, ...unreadable]);
    await this.spool.commit(batch);
    this.attempt = 0;
    const file = this.rejected.path ?? "";
    for (const { reason, event } of refused) {
      this.emit({ type: "rejected", eventType: event.type, jobId: event.jobId, reason, file });
    }
    for (const { reason } of unreadable) {
      this.emit({ type: "rejected", eventType: null, jobId: null, reason, file });
    }
    this.emit({ type: "flushed", events: batch.lines, waiting: this.spool.waitingEvents });
  }

  private async pauseFor(ms: number): Promise<void> {
    const { done, interrupt } = pause(ms);
    this.interruptPause = interrupt;
    await done;
    this.interruptPause = null;
  }
}
