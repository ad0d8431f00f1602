import {
  AuditError,
  type DatabaseTarget,
  type OpenOptions,
  type RecorderSettings,
} from "@forusbots/db";
import { ConflictError, NotFoundError, SpoolFullError, ValidationError } from "../errors.ts";
import type { AuditEvent } from "../events/schemas.ts";
import type { OpenedAuditRecorder } from "./audit-recorder.ts";
import { RecorderConnection } from "./connection.ts";
import { DEFAULT_BACKOFF, DEFAULT_FLUSH_BATCH, reasonOf, SpoolFlusher } from "./flusher.ts";
import { withJobWrapper } from "./job-wrapper.ts";
import {
  acceptedEvent,
  finishedEvent,
  stageEvent,
  startedEvent,
  type WriteOutcome,
  writeEvent,
} from "./record-event.ts";
import type { RecorderEvent, RecorderEventListener } from "./recorder-events.ts";
import { RejectedLog } from "./spool/rejected-log.ts";
import { Spool } from "./spool/spool.ts";
import { TimedOut, withinMs } from "./time-bound.ts";

export interface DurableRecorderOptions {
  /** Sees spooling, flushing and failures (see `RecorderEvent`); must not throw. */
  onEvent?: RecorderEventListener;
  /** Overrides of how the database is opened (the pool's timeouts come from the settings). */
  database?: OpenOptions;
}

/** The bot's own mistakes: thrown at once whatever the database does. */
const isEventError = (error: unknown): boolean =>
  error instanceof ValidationError ||
  error instanceof NotFoundError ||
  error instanceof ConflictError;

/** Room kept inside the call's bound for syncing the event to the spool when the database fails. */
const spoolMarginMs = (writeTimeoutMs: number): number => Math.min(250, writeTimeoutMs / 4);

/**
 * How long one replayed batch may take: longer than a single call's bound (a batch holds up to
 * 500 events), short enough that a server that stopped answering is given up on quickly.
 */
const flushTimeoutMs = (writeTimeoutMs: number): number => Math.max(5_000, writeTimeoutMs * 2.5);

/**
 * The recorder a bot runs with: every call returns within `writeTimeoutMs` and does not throw
 * because the database is down, slow or restarting. The event goes to the database when it
 * answers in time and nothing waits in the spool; otherwise to the spool (synced to disk before
 * the call returns), which a background flusher replays in order once the database answers.
 * Invalid events, and events the database refuses (conflicts, a job never accepted), still throw.
 */
export async function openDurableRecorder(
  target: DatabaseTarget,
  settings: RecorderSettings,
  options: DurableRecorderOptions = {},
): Promise<OpenedAuditRecorder> {
  const listener = options.onEvent;
  const emit = (event: RecorderEvent): void => {
    try {
      listener?.(event);
    } catch {
      // A hook that throws must not make the recorder lose or refuse an event.
    }
  };
  const flushMs = flushTimeoutMs(settings.writeTimeoutMs);
  const connection = new RecorderConnection(
    target,
    {
      connectTimeoutSeconds: Math.max(1, Math.ceil(settings.writeTimeoutMs / 1000)),
      statementTimeoutMs: flushMs,
      keepAliveSeconds: 30,
      ...options.database,
    },
    settings.writeTimeoutMs,
  );
  const spool = new Spool(settings.spoolDir, settings.spoolMaxBytes);
  const rejected = new RejectedLog(settings.spoolDir);
  const flusher = new SpoolFlusher(spool, connection, rejected, emit, {
    flushTimeoutMs: flushMs,
    batch: DEFAULT_FLUSH_BATCH,
    backoff: DEFAULT_BACKOFF,
  });

  const claimed = await spool.claimAbandoned();
  if (claimed > 0) emit({ type: "claimed", events: claimed });
  // Connected now if the database answers within the bound; otherwise calls spool from the
  // start and the flusher keeps trying. Either way the bot can start.
  await connection.get().catch(() => {});
  if (claimed > 0) flusher.kick();
  // Processes that end while this one runs leave segments too: look for them now and then.
  let claiming: Promise<void> = Promise.resolve();
  const rescan = setInterval(() => {
    claiming = spool
      .claimAbandoned()
      .then((count) => {
        if (count === 0) return;
        emit({ type: "claimed", events: count });
        flusher.kick();
      })
      .catch(() => {});
  }, RESCAN_MS);
  rescan.unref();

  const inFlight = new Set<Promise<unknown>>();
  let closing: Promise<void> | null = null;
  const dbBudgetMs = settings.writeTimeoutMs - spoolMarginMs(settings.writeTimeoutMs);

  async function toSpool(event: AuditEvent, reason: string): Promise<WriteOutcome> {
    try {
      await spool.append(event);
    } catch (error) {
      if (error instanceof SpoolFullError) {
        emit({
          type: "spool-full",
          eventType: event.type,
          jobId: event.jobId,
          waitingBytes: spool.waitingBytes,
        });
      }
      throw error;
    }
    emit({
      type: "spooled",
      eventType: event.type,
      jobId: event.jobId,
      reason,
      waiting: spool.waitingEvents,
    });
    return "spooled";
  }

  async function deliver(event: AuditEvent): Promise<WriteOutcome> {
    const handle = connection.current;
    // Once anything waits in the spool, later events queue behind it rather than overtake it.
    if (!spool.empty) return toSpool(event, "earlier events are waiting in the spool");
    if (!handle) {
      flusher.kick();
      return toSpool(event, "the database is not connected");
    }
    try {
      return await withinMs(writeEvent(handle.db, event), dbBudgetMs);
    } catch (error) {
      if (isEventError(error)) throw error;
      if (
        error instanceof TimedOut ||
        (error instanceof AuditError && error.kind === "connection")
      ) {
        connection.discard();
      }
      return toSpool(event, reasonOf(error));
    }
  }

  function record(build: () => AuditEvent): Promise<WriteOutcome> {
    if (closing) return Promise.reject(new Error("the audit recorder is closed"));
    let call: Promise<WriteOutcome>;
    try {
      call = deliver(build());
    } catch (error) {
      return Promise.reject(error);
    }
    inFlight.add(call);
    return call.finally(() => inFlight.delete(call));
  }

  async function close(): Promise<void> {
    clearInterval(rescan);
    // A claim under way and the calls already made finish first (each call within its bound),
    // so that what they add to the spool is replayed or released with the rest.
    await claiming;
    await Promise.allSettled(inFlight);
    const drained = await flusher.drain(settings.closeTimeoutMs);
    // A replay stuck on a silent server is cut short rather than waited on.
    if (!drained) connection.discard();
    await flusher.stop();
    await rejected.close();
    const left = await spool.release();
    if (left > 0) emit({ type: "left-on-disk", events: left, dir: settings.spoolDir });
    await connection.close();
  }

  return withJobWrapper({
    enabled: true,
    acceptJob: (input) => record(() => acceptedEvent(input)),
    startJob: (input) => record(() => startedEvent(input)),
    recordStage: (input) => record(() => stageEvent(input)),
    finishJob: (input) => record(() => finishedEvent(input)),
    close: () => {
      closing ??= close();
      return closing;
    },
  });
}

/** How often a running recorder looks for segments that ended processes left. */
const RESCAN_MS = 60_000;
