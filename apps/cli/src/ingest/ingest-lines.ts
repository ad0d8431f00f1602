import type { BatchItem, BatchReport, EventBatch, RejectedEvent } from "@forusbots/queries";
import type { Line } from "./read-lines.ts";

/** A refused line: one that is not a JSON object, or an event `writeEvents` refused. */
export type Rejection = Pick<RejectedEvent, "position" | "reason">;

export interface IngestSummary {
  /** Non-blank lines read, each one event. */
  events: number;
  stored: number;
  unchanged: number;
  rejected: number;
}

/** The events of up to `batchSize` lines, and the lines among them that were not events. */
export interface LineBatch extends EventBatch {
  items: BatchItem[];
  unparsed: Rejection[];
}

export interface IngestOptions {
  /** Events per batch at most. */
  batchSize: number;
  /**
   * Bytes of lines per batch at most (a batch holds at least one line): a batch of large events
   * is cut before its statements' JSON reaches what PostgreSQL takes in one value.
   */
  batchBytes: number;
  /**
   * Writes the batches in order and calls back with each one's report (`writeEventBatches` of
   * @forusbots/queries, which reads the next batch while the previous one is written).
   */
  writeBatches: (
    batches: AsyncIterable<LineBatch>,
    onWritten: (batch: LineBatch, report: BatchReport) => void,
  ) => Promise<void>;
  /** Called once per bad line, in line order. */
  onRejected: (rejection: Rejection) => void;
  onProgress?: (line: Line, summary: IngestSummary) => void;
}

/** The lines a batch holds: its events and the lines that were not events alike. */
export const linesIn = (batch: LineBatch): number => batch.items.length + batch.unparsed.length;

/** The line-format checks; what an event must contain is `writeEvents`' to say. */
function parseLine(text: string): { event: unknown } | { reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8 quotes a piece of the line around the fault (`Unexpected token 'o', ..."token": tok-…"
    // is not valid JSON`): the line is an event's payload, which no message repeats.
    const why = (error as Error).message.replace(/, (?:\.\.\.)?".*$/s, "");
    return { reason: `not valid JSON: ${why}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const got = value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
    return { reason: `not a JSON object (got ${got})` };
  }
  return { event: value };
}

/**
 * Reads events line by line and writes them in batches. The writer pulls a batch only when the
 * one before the last is written, so memory holds two batches whatever the file size, and a
 * line may refer to a job accepted on any earlier line. Only counters survive a batch.
 */
export async function ingestLines(
  lines: AsyncIterable<Line>,
  options: IngestOptions,
): Promise<IngestSummary> {
  const summary: IngestSummary = { events: 0, stored: 0, unchanged: 0, rejected: 0 };

  async function* batches(): AsyncGenerator<LineBatch> {
    let batch: LineBatch = { items: [], unparsed: [] };
    let batchBytes = 0;
    for await (const line of lines) {
      if ("text" in line && line.text.trim() === "") continue;
      summary.events++;
      const parsed = "text" in line ? parseLine(line.text) : { reason: line.unreadable };
      if ("reason" in parsed) batch.unparsed.push({ position: line.number, reason: parsed.reason });
      else {
        batch.items.push({ position: line.number, event: parsed.event });
        batchBytes += line.bytes;
      }
      if (linesIn(batch) >= options.batchSize || batchBytes >= options.batchBytes) {
        yield batch;
        batch = { items: [], unparsed: [] };
        batchBytes = 0;
      }
      options.onProgress?.(line, summary);
    }
    if (linesIn(batch) > 0) yield batch;
  }

  await options.writeBatches(batches(), (batch, report) => {
    summary.stored += report.stored;
    summary.unchanged += report.unchanged;
    const rejected: Rejection[] = [...batch.unparsed, ...report.rejected].sort(
      (a, b) => a.position - b.position,
    );
    summary.rejected += rejected.length;
    for (const rejection of rejected) options.onRejected(rejection);
  });
  return summary;
}
