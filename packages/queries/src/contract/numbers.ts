import { accepted, type Parsed, refused } from "./parsed.ts";

/** A whole number written in digits, from `min` to `max`: a count, a page size, a limit. */
export function parseWholeNumber(
  text: string,
  bounds: { min: number; max: number },
): Parsed<number> {
  const digits = text.trim();
  const value = Number(digits);
  if (
    !/^\d+$/.test(digits) ||
    !Number.isSafeInteger(value) ||
    value < bounds.min ||
    value > bounds.max
  ) {
    return refused(
      bounds.max === Number.MAX_SAFE_INTEGER
        ? `expected a whole number of at least ${bounds.min}`
        : `expected a whole number from ${bounds.min} to ${bounds.max}`,
    );
  }
  return accepted(value);
}
