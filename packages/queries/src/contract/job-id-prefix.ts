import { accepted, type Parsed, refused } from "./parsed.ts";

/** Fewest hex digits a job id prefix may have: shorter ones match too many jobs to be useful. */
export const MIN_JOB_ID_PREFIX = 4;

/** The job ids a prefix stands for, as the first and last UUID of that range. */
export interface JobIdRange {
  /** The prefix as typed, lower case, hyphens kept where the user put them. */
  prefix: string;
  first: string;
  last: string;
}

const asUuid = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/**
 * A job id prefix (the 8 characters the CLI and the console show, or more) as a range of UUIDs.
 * A range, not `LIKE 'f5c7%'`, so the lookup is an index range scan on the primary key: UUIDs sort
 * by their bytes, which is the order of their hex digits.
 */
export function parseJobIdPrefix(text: string): Parsed<JobIdRange> {
  const prefix = text.trim().toLowerCase();
  const hex = prefix.replaceAll("-", "");
  if (!/^[0-9a-f]*$/.test(hex) || hex.length < MIN_JOB_ID_PREFIX || hex.length > 32) {
    return refused(
      `expected a job id, or its first ${MIN_JOB_ID_PREFIX} or more hex digits (as \`recent\` shows them)`,
    );
  }
  return accepted({
    prefix,
    first: asUuid(hex.padEnd(32, "0")),
    last: asUuid(hex.padEnd(32, "f")),
  });
}
