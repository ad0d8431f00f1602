import { randomBytes } from "node:crypto";
import { NO_OWNER, type SpoolOwner } from "./owner.ts";

/**
 * A spool segment's file name says when it was created and who holds it:
 * `events-<ms since epoch, 13 digits>-<8 hex>.<pid>-<process start>.jsonl`. The first part (its
 * id) never changes, and segments replay in its order; the owner part changes by `rename`, the
 * one atomic step that hands a segment from a process that ended to the one replaying it.
 */
export interface SegmentName {
  /** `<created>-<random>`: sorts as the segments were created. */
  id: string;
  createdMs: number;
  owner: SpoolOwner;
}

const SEGMENT = /^events-(\d{13})-([0-9a-f]{8})\.(\d+)-(\d+)\.jsonl$/;

export function newSegmentName(owner: SpoolOwner, now = Date.now()): SegmentName {
  const created = String(now).padStart(13, "0");
  return {
    id: `${created}-${randomBytes(4).toString("hex")}`,
    createdMs: now,
    owner,
  };
}

export const segmentFileName = (name: SegmentName): string =>
  `events-${name.id}.${name.owner.pid}-${name.owner.start}.jsonl`;

export const withOwner = (name: SegmentName, owner: SpoolOwner): SegmentName => ({
  ...name,
  owner,
});

export const released = (name: SegmentName): SegmentName => withOwner(name, NO_OWNER);

export function parseSegmentName(file: string): SegmentName | undefined {
  const match = SEGMENT.exec(file);
  if (!match) return undefined;
  const [, created = "", random = "", pid = "", start = ""] = match;
  return {
    id: `${created}-${random}`,
    createdMs: Number(created),
    owner: { pid: Number(pid), start },
  };
}

/** Events the database refused on replay, kept for the operator: `rejected-<id>.jsonl`. */
export const rejectedFileName = (now = Date.now()): string =>
  `rejected-${String(now).padStart(13, "0")}-${randomBytes(4).toString("hex")}.jsonl`;

export const isRejectedFile = (file: string): boolean => /^rejected-.*\.jsonl$/.test(file);
