import { type FileHandle, mkdir, open, readdir, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { SpoolFullError, SpoolWriteError } from "../../errors.ts";
import type { AuditEvent } from "../../events/schemas.ts";
import { syncDirectory } from "../../files/sync-directory.ts";
import { ownerRuns, THIS_PROCESS } from "./owner.ts";
import { encodeRecord, readSegmentChunk, type SegmentChunk, scanSegment } from "./segment-file.ts";
import {
  newSegmentName,
  parseSegmentName,
  released,
  type SegmentName,
  segmentFileName,
  withOwner,
} from "./segment-name.ts";

/** A writer moves to a new segment past this size, so that replayed files can be deleted. */
const SEGMENT_BYTES = 16 * 1024 * 1024;

/**
 * Segment files held by the recorders open in this process. Two recorders of one process share
 * its PID and start time, so a segment named for this process is another recorder's only while
 * it is listed here.
 */
const HELD_HERE = new Set<string>();

interface Segment {
  name: SegmentName;
  path: string;
  /** Bytes written and synced: complete lines only. */
  size: number;
  /** Bytes already replayed into the database. */
  flushed: number;
  /** Lines already replayed (line numbers in messages). */
  line: number;
  /** Lines not yet replayed. */
  events: number;
}

export interface SpoolBatch extends SegmentChunk {
  segment: Segment;
}

interface PendingLine {
  text: string;
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const errorCode = (error: unknown): string =>
  (error as NodeJS.ErrnoException | undefined)?.code ?? "I/O error";

/**
 * One recorder's local spool: the events the database did not take, in the order they came,
 * appended to JSON Lines segments that only this recorder writes and synced to disk before
 * `append` resolves. Appends that arrive while a sync runs are written together by the next one
 * (one fsync for a group), so a burst of spooled calls does not queue behind one fsync each.
 *
 * Segments left by processes that ended (or by recorders that closed before the database took
 * everything) are claimed by renaming them to this process's name: the rename succeeds for one
 * claimant only, so two processes never replay one file.
 */
export class Spool {
  private readonly segments: Segment[] = [];
  private writer: { handle: FileHandle; segment: Segment } | null = null;
  private pending: PendingLine[] = [];
  private pendingBytes = 0;
  private writing: Promise<void> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  /** Bytes waiting for the database, those being synced included. */
  get waitingBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.size - s.flushed, 0) + this.pendingBytes;
  }

  get waitingEvents(): number {
    return this.segments.reduce((sum, s) => sum + s.events, 0) + this.pending.length;
  }

  /** Nothing waits: a new event may go straight to the database without overtaking one. */
  get empty(): boolean {
    return this.writing === null && this.waitingBytes === 0;
  }

  /** Calls `listener` whenever an append is synced (the flusher's wake-up). */
  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the event is on disk; throws `SpoolFullError` or `SpoolWriteError` otherwise. */
  append(event: AuditEvent): Promise<void> {
    const text = encodeRecord(event);
    const bytes = Buffer.byteLength(text);
    if (this.waitingBytes + bytes > this.maxBytes) {
      return Promise.reject(new SpoolFullError(this.dir, this.maxBytes));
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ text, bytes, resolve, reject });
      this.pendingBytes += bytes;
      this.writing ??= this.writePending();
    });
  }

  private async writePending(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const group = this.pending.splice(0);
        const bytes = group.reduce((sum, line) => sum + line.bytes, 0);
        try {
          const writer = await this.openWriter();
          await writer.handle.appendFile(group.map((line) => line.text).join(""));
          await writer.handle.datasync();
          writer.segment.size += bytes;
          writer.segment.events += group.length;
          this.pendingBytes -= bytes;
          for (const line of group) line.resolve();
          if (writer.segment.size >= SEGMENT_BYTES) await this.closeWriter();
        } catch (error) {
          this.pendingBytes -= bytes;
          // What was synced before stays; the torn end of this write is never read (no newline
          // is synced after it: the next write goes to a new segment).
          await this.closeWriter().catch(() => {});
          const failure = new SpoolWriteError(this.dir, errorCode(error), { cause: error });
          for (const line of group) line.reject(failure);
        }
        for (const listener of this.listeners) listener();
      }
    } finally {
      this.writing = null;
    }
  }

  private async openWriter(): Promise<{ handle: FileHandle; segment: Segment }> {
    if (this.writer) return this.writer;
    await mkdir(this.dir, { recursive: true });
    const name = newSegmentName(THIS_PROCESS);
    const file = segmentFileName(name);
    HELD_HERE.add(file);
    const path = join(this.dir, file);
    const handle = await open(path, "a");
    await syncDirectory(this.dir);
    const segment: Segment = { name, path, size: 0, flushed: 0, line: 0, events: 0 };
    this.segments.push(segment);
    this.writer = { handle, segment };
    return this.writer;
  }

  private async closeWriter(): Promise<void> {
    const writer = this.writer;
    this.writer = null;
    await writer?.handle.close();
  }

  /**
   * Claims the segments nobody holds any more (their process ended, or their recorder closed
   * with events still waiting) and queues them, oldest first, with this recorder's own.
   * Returns how many events were claimed.
   */
  async claimAbandoned(): Promise<number> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch (error) {
      if (errorCode(error) === "ENOENT") return 0;
      throw error;
    }
    let claimed = 0;
    for (const file of files.sort()) {
      const name = parseSegmentName(file);
      if (!name || HELD_HERE.has(file)) continue;
      const ours = name.owner.pid === THIS_PROCESS.pid && name.owner.start === THIS_PROCESS.start;
      if (!ours && ownerRuns(name.owner)) continue;
      const mine = withOwner(name, THIS_PROCESS);
      const path = join(this.dir, segmentFileName(mine));
      HELD_HERE.add(segmentFileName(mine));
      try {
        await rename(join(this.dir, file), path);
      } catch (error) {
        HELD_HERE.delete(segmentFileName(mine));
        // Another process claimed it first.
        if (errorCode(error) === "ENOENT") continue;
        throw error;
      }
      const scan = await scanSegment(path);
      if (scan.lines === 0) {
        await this.remove({ name: mine, path, size: 0, flushed: 0, line: 0, events: 0 });
        continue;
      }
      this.segments.push({
        name: mine,
        path,
        size: scan.bytes,
        flushed: 0,
        line: 0,
        events: scan.lines,
      });
      claimed += scan.lines;
    }
    // Oldest first across processes: a job's events replay in the order they were spooled.
    this.segments.sort((a, b) => (a.name.id < b.name.id ? -1 : a.name.id > b.name.id ? 1 : 0));
    return claimed;
  }

  /** The next events to replay, oldest first; null when nothing synced is waiting. */
  async nextBatch(limits: { maxEvents: number; maxBytes: number }): Promise<SpoolBatch | null> {
    for (const segment of this.segments) {
      if (segment.flushed >= segment.size) continue;
      const chunk = await readSegmentChunk(
        segment.path,
        segment.flushed,
        segment.size,
        segment.line,
        limits,
      );
      return { ...chunk, segment };
    }
    return null;
  }

  /** Marks a batch as in the database; a segment replayed to its end is deleted. */
  async commit(batch: SpoolBatch): Promise<void> {
    const { segment } = batch;
    segment.flushed = batch.end;
    segment.line += batch.lines;
    segment.events = Math.max(0, segment.events - batch.lines);
    if (segment.flushed < segment.size) return;
    if (this.writer?.segment === segment) {
      // The writer's own segment, replayed up to what is synced: start a new one at the next
      // append unless one is being written now.
      if (this.writing !== null) return;
      await this.closeWriter();
    }
    await this.remove(segment);
  }

  private async remove(segment: Segment): Promise<void> {
    await unlink(segment.path).catch((error: unknown) => {
      if (errorCode(error) !== "ENOENT") throw error;
    });
    const at = this.segments.indexOf(segment);
    if (at >= 0) this.segments.splice(at, 1);
    HELD_HERE.delete(segmentFileName(segment.name));
  }

  /**
   * Lets go of the spool (the recorder closes): replayed segments are deleted, the others renamed
   * to no owner, for the next recorder or `forus-audit spool flush`. A segment partly replayed is
   * replayed whole next time; the writes are idempotent, so its first events only come back
   * "unchanged". Returns the events left waiting.
   */
  async release(): Promise<number> {
    while (this.writing) await this.writing;
    await this.closeWriter();
    let left = 0;
    for (const segment of [...this.segments]) {
      if (segment.flushed >= segment.size) {
        await this.remove(segment);
        continue;
      }
      left += segment.events;
      await rename(segment.path, join(this.dir, segmentFileName(released(segment.name))));
      this.segments.splice(this.segments.indexOf(segment), 1);
      HELD_HERE.delete(segmentFileName(segment.name));
    }
    return left;
  }
}
