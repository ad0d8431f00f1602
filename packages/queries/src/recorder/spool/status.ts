import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { ownerRuns } from "./owner.ts";
import { scanSegment } from "./segment-file.ts";
import { isRejectedFile, parseSegmentName } from "./segment-name.ts";

export interface SpoolSegmentStatus {
  file: string;
  events: number;
  bytes: number;
  /** The PID of the running process that holds it (its recorder replays it), or null: waiting for the next recorder or `spool flush`. */
  heldByPid: number | null;
}

export interface SpoolStatus {
  dir: string;
  /** Events in the segments, waiting for the database. */
  events: number;
  bytes: number;
  /** When the oldest of them was spooled; null when none waits. */
  oldestSpooledAt: Date | null;
  segments: SpoolSegmentStatus[];
  /** Events the database refused on replay, kept in `rejected-*.jsonl` for the operator. */
  rejected: { files: string[]; events: number };
}

const spooledAtOf = (line: string | undefined): Date | null => {
  if (line === undefined) return null;
  try {
    const record: unknown = JSON.parse(line);
    const at =
      typeof record === "object" && record !== null && "spooledAt" in record
        ? new Date(String(record.spooledAt))
        : null;
    return at && !Number.isNaN(at.getTime()) ? at : null;
  } catch {
    return null;
  }
};

/**
 * What waits in a spool directory, read from the files alone (no database needed). A running
 * recorder's current segment may still list a few events it has just replayed: it deletes the
 * segment when it has replayed all of it.
 */
export async function readSpoolStatus(dir: string): Promise<SpoolStatus> {
  const status: SpoolStatus = {
    dir,
    events: 0,
    bytes: 0,
    oldestSpooledAt: null,
    segments: [],
    rejected: { files: [], events: 0 },
  };
  let files: string[];
  try {
    files = (await readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return status;
    throw error;
  }
  for (const file of files) {
    const path = join(dir, file);
    if (isRejectedFile(file)) {
      status.rejected.files.push(path);
      status.rejected.events += (await scanSegment(path)).lines;
      continue;
    }
    const name = parseSegmentName(file);
    if (!name) continue;
    const scan = await scanSegment(path).catch(() => null);
    // Claimed and deleted between the listing and the read: nothing waits in it any more.
    if (scan === null) continue;
    status.segments.push({
      file,
      events: scan.lines,
      bytes: scan.bytes,
      heldByPid: ownerRuns(name.owner) ? name.owner.pid : null,
    });
    status.events += scan.lines;
    status.bytes += scan.bytes;
    const spooledAt = spooledAtOf(scan.firstLine);
    if (spooledAt && (!status.oldestSpooledAt || spooledAt < status.oldestSpooledAt)) {
      status.oldestSpooledAt = spooledAt;
    }
  }
  return status;
}
