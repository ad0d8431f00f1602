import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { safeParseAuditEvent } from "../../events/parse.ts";
import type { AuditEvent } from "../../events/schemas.ts";

/**
 * One line of a spool segment: the event in the form `forus-audit ingest` reads, and when it was
 * spooled (the age `spool status` reports). JSON.stringify escapes every newline inside a string,
 * so one record is always one line.
 */
export interface SpoolRecord {
  spooledAt: string;
  event: AuditEvent;
}

export const encodeRecord = (event: AuditEvent, now = new Date()): string =>
  `${JSON.stringify({ spooledAt: now.toISOString(), event } satisfies SpoolRecord)}\n`;

/** A line that is not a spooled event (a damaged file): kept for the operator, never dropped. */
export interface UnreadableLine {
  line: number;
  text: string;
  reason: string;
}

export interface SegmentChunk {
  events: AuditEvent[];
  unreadable: UnreadableLine[];
  /** The byte offset after the chunk's last line: where the next chunk starts. */
  end: number;
  lines: number;
}

/** What a line of a segment holds, validated again: a file may have been edited by hand. */
function decodeLine(
  text: string,
  line: number,
): { event: AuditEvent } | { unreadable: UnreadableLine } {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return { unreadable: { line, text, reason: "not JSON" } };
  }
  const event =
    typeof record === "object" && record !== null && "event" in record ? record.event : undefined;
  const parsed = safeParseAuditEvent(event);
  if (parsed.ok) return { event: parsed.value };
  return { unreadable: { line, text, reason: `not a spooled event: ${parsed.error.message}` } };
}

/**
 * Reads whole lines of a segment from byte `from`, up to `until` (the bytes known to be complete
 * and synced) and about `maxBytes` (at least one line, whatever its length), at most `maxEvents`
 * lines. Bytes at the end without a newline are a write that a crash interrupted before it was
 * synced, so before its call returned: no one was told the event was kept, and they are skipped.
 */
export async function readSegmentChunk(
  path: string,
  from: number,
  until: number,
  firstLine: number,
  limits: { maxEvents: number; maxBytes: number },
): Promise<SegmentChunk> {
  const handle = await open(path, "r");
  try {
    let length = Math.min(limits.maxBytes, until - from);
    for (;;) {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, from);
      const data = buffer.subarray(0, bytesRead);
      const lastNewline = data.lastIndexOf(0x0a);
      if (lastNewline < 0) {
        if (from + bytesRead >= until) return { events: [], unreadable: [], end: until, lines: 0 };
        length = Math.min(length * 2, until - from);
        continue;
      }
      return decodeLines(data.subarray(0, lastNewline + 1), from, firstLine, limits.maxEvents);
    }
  } finally {
    await handle.close();
  }
}

function decodeLines(
  data: Buffer,
  from: number,
  firstLine: number,
  maxEvents: number,
): SegmentChunk {
  const chunk: SegmentChunk = { events: [], unreadable: [], end: from, lines: 0 };
  let start = 0;
  while (start < data.length && chunk.lines < maxEvents) {
    const newline = data.indexOf(0x0a, start);
    const text = data.toString("utf8", start, newline);
    const decoded = decodeLine(text, firstLine + chunk.lines + 1);
    if ("event" in decoded) chunk.events.push(decoded.event);
    else chunk.unreadable.push(decoded.unreadable);
    chunk.lines++;
    start = newline + 1;
  }
  chunk.end = from + start;
  return chunk;
}

export interface SegmentScan {
  bytes: number;
  /** Complete lines: a torn last line (no newline) is not counted. */
  lines: number;
  firstLine: string | undefined;
}

/** Counts a segment's lines and keeps its first one, streaming (a segment may be large). */
export async function scanSegment(path: string): Promise<SegmentScan> {
  const scan: SegmentScan = { bytes: 0, lines: 0, firstLine: undefined };
  const head: Buffer[] = [];
  for await (const piece of createReadStream(path) as AsyncIterable<Buffer>) {
    scan.bytes += piece.length;
    let at = piece.indexOf(0x0a);
    if (scan.lines === 0) {
      head.push(at < 0 ? piece : piece.subarray(0, at));
      if (at >= 0) scan.firstLine = Buffer.concat(head).toString("utf8");
    }
    while (at >= 0) {
      scan.lines++;
      at = piece.indexOf(0x0a, at + 1);
    }
  }
  return scan;
}
