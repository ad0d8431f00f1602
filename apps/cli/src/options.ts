import {
  type JobIdRange,
  MAX_RECENT_JOBS,
  type Parsed,
  parseJobIdPrefix,
  parseTimeInput,
  parseWholeNumber,
} from "@forusbots/queries/contract";
import { InvalidArgumentError } from "commander";

/**
 * Argument parsers shared by the commands, each reading with the rules of
 * `@forusbots/queries/contract` (the console's API reads with the same). Commander reports what
 * they throw as `option '--jobs <n>' argument 'x' is invalid. <reason>` and the CLI exits with
 * the usage status.
 */

function argument<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new InvalidArgumentError(parsed.problem);
  return parsed.value;
}

export const parsePositiveInteger = (value: string): number =>
  argument(parseWholeNumber(value, { min: 1, max: Number.MAX_SAFE_INTEGER }));

/** `--limit` of a page of jobs: at most what one page of the read holds. */
export const parsePageSize = (value: string): number =>
  argument(parseWholeNumber(value, { min: 1, max: MAX_RECENT_JOBS }));

/** A job id, whole or its first hex digits as `recent` shows them. */
export const parseJobIdArgument = (value: string): JobIdRange => argument(parseJobIdPrefix(value));

/**
 * A time option (`--from`, `--to`, `--end`), its relative forms (`24h`, `yesterday`) counted from
 * `now`: the moment the command started, the same for every option of one command.
 */
export const timeArgument =
  (now: Date) =>
  (value: string): Date =>
    argument(parseTimeInput(value, now));

/** What a time option takes, shown after the options in each `--help` that has one. */
export const TIMES_HELP = `
Times: a date (2026-03-01: midnight UTC); an ISO timestamp with Z or an offset
(2026-03-01T12:00:00+01:00 or +0100), or without a zone, then read as UTC
(2026-03-01T12:00); a time ago (30m, 24h, 7d, 2w); now; today or yesterday
(midnight UTC starting that day).`;
