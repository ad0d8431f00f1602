import type { Line } from "./read-lines.ts";

export interface EventItem {
  position: number;
  event: unknown;
}

export interface Rejection {
  position: number;
  reason: string;
}

/** What `writeEvents` of @forusbots/queries answers for one batch. */
export interface BatchResult {
  stored: number;
  unchanged: number;
  rejected: Rejection[];
}

export interface IngestSummary {
  /** Non-blank lines read, each one event. */
  events: number;
  stored: number;
  unchanged: number;
  rejected: number;
}

export interface IngestOptions {
  batchSize: number;
  write: (items: readonly EventItem[]) => Promise<BatchResult>;
  /** Called once per bad line, in line order. */
  onRejected: (rejection: Rejection) => void;
  onProgress?: (line: Line, summary: IngestSummary) => void;
}

/** The line-format checks; what an event must contain is `writeEvents`' to say. */
function parseLine(text: string): { event: unknown } | { reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { reason: `not valid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const got = value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
    return { reason: `not a JSON object (got ${got})` };
  }
  return { event: value };
}

/**
 * Reads events line by line and writes them in batches: a batch is written before the next is
 * read, so memory holds one batch whatever the file size, and a line may refer to a job
 * accepted on any earlier line. Only counters survive a batch.
 */
export async function ingestLines(
  lines: AsyncIterable<Line>,
  options: IngestOptions,
): Promise<IngestSummary> {
  const summary: IngestSummary = { events: 0, stored: 0, unchanged: 0, rejected: 0 };
  let batch: EventItem[] = [];
  let unparsed: Rejection[] = [];

  const flush = async () => {
    const result =
      batch.length === 0 ? { stored: 0, unchanged: 0, rejected: [] } : await options.write(batch);
    summary.stored += result.stored;
    summary.unchanged += result.unchanged;
    const rejected = [...unparsed, ...result.rejected].sort((a, b) => a.position - b.position);
    summary.rejected += rejected.length;
    for (const rejection of rejected) options.onRejected(rejection);
    batch = [];
    unparsed = [];
  };

  for await (const line of lines) {
    if (line.text.trim() === "") continue;
    summary.events++;
    const parsed = parseLine(line.text);
    if ("reason" in parsed) unparsed.push({ position: line.number, reason: parsed.reason });
    else batch.push({ position: line.number, event: parsed.event });
    if (batch.length + unparsed.length >= options.batchSize) await flush();
    options.onProgress?.(line, summary);
  }
  await flush();
  return summary;
}
