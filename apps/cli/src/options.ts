import { InvalidArgumentError } from "commander";

/**
 * Argument parsers shared by the commands. Commander reports what they throw as
 * `option '--jobs <n>' argument 'x' is invalid. <reason>` and the CLI exits with the usage status.
 */

export function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError("expected a whole number of at least 1");
  }
  return number;
}

/** A date (`2026-03-01`, midnight UTC) or an ISO 8601 timestamp with a time zone. */
export function parseTimestamp(value: string): Date {
  const text = value.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const date = new Date(dateOnly ? `${text}T00:00:00Z` : text);
  if ((!dateOnly && !zoned) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError(
      "expected a date (2026-03-01) or an ISO timestamp with a zone (2026-03-01T12:00:00Z)",
    );
  }
  return date;
}
