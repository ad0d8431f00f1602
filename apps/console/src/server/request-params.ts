import { AuditError } from "@forusbots/db";
import { JOB_STATES, type JobState } from "@forusbots/db/schema";

/** A query-string parameter the API cannot use, named with what it expected. */
export class ParameterError extends AuditError {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super("validation", `query parameter ${parameter}: ${message}`);
    this.name = "ParameterError";
  }
}

type Query = (name: string) => string | undefined;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A bare date is midnight UTC, so `from=2026-03-01` means the same instant on every server. */
export function optionalInstant(query: Query, name: string): Date | undefined {
  const text = query(name)?.trim();
  if (text === undefined || text === "") return undefined;
  const iso = DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text;
  const instant = new Date(iso);
  if (!(DATE_ONLY.test(text) || DATE_TIME.test(text)) || Number.isNaN(instant.getTime())) {
    throw new ParameterError(
      name,
      `expected a date like 2026-03-01 or 2026-03-01T12:00:00Z (got "${text}")`,
    );
  }
  return instant;
}

export function requiredInstant(query: Query, name: string): Date {
  const instant = optionalInstant(query, name);
  if (instant === undefined) throw new ParameterError(name, "is required");
  return instant;
}

/** `from` and `to` as a half-open range [from, to); an empty or backwards range is a mistake. */
export function checkRange(from: Date | undefined, to: Date | undefined): void {
  if (from !== undefined && to !== undefined && to.getTime() <= from.getTime()) {
    throw new ParameterError("to", "must be later than from");
  }
}

export function optionalText(query: Query, name: string): string | undefined {
  const text = query(name)?.trim();
  return text === undefined || text === "" ? undefined : text;
}

export function optionalState(query: Query, name: string): JobState | undefined {
  const text = optionalText(query, name);
  if (text === undefined) return undefined;
  const state = JOB_STATES.find((candidate) => candidate === text);
  if (state === undefined) {
    throw new ParameterError(name, `expected one of ${JOB_STATES.join(", ")} (got "${text}")`);
  }
  return state;
}

export function optionalWholeNumber(
  query: Query,
  name: string,
  bounds: { min: number; max: number },
): number | undefined {
  const text = optionalText(query, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < bounds.min || value > bounds.max) {
    throw new ParameterError(
      name,
      `expected a whole number from ${bounds.min} to ${bounds.max} (got "${text}")`,
    );
  }
  return value;
}

export function bucketOf(query: Query, name: string): "hour" | "day" {
  const text = optionalText(query, name) ?? "day";
  if (text !== "hour" && text !== "day") {
    throw new ParameterError(name, `expected hour or day (got "${text}")`);
  }
  return text;
}
