import { AuditError } from "@forusbots/db";
import {
  DEFAULT_TIMELINE_BUCKET,
  isOrderedRange,
  type JobState,
  type Parsed,
  parseJobState,
  parseTimeInput,
  parseTimelineBucket,
  parseWholeNumber,
  RANGE_ORDER_PROBLEM,
  type TimelineBucket,
  timelineSpanProblem,
} from "@forusbots/queries/contract";

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

/**
 * The query string of one request, and when it arrived: the `now` of its relative times, so that
 * `from=7d&to=now` spans exactly seven days.
 */
export interface RequestParams {
  query: (name: string) => string | undefined;
  now: Date;
}

/** The parameter's text; an empty one is no parameter. */
export function optionalText({ query }: RequestParams, name: string): string | undefined {
  const text = query(name)?.trim();
  return text === undefined || text === "" ? undefined : text;
}

/** The parameter read with one of the contract's parsers (the rules the CLI reads with). */
function parameter<T>(
  params: RequestParams,
  name: string,
  parse: (text: string) => Parsed<T>,
): T | undefined {
  const text = optionalText(params, name);
  if (text === undefined) return undefined;
  const parsed = parse(text);
  if (!parsed.ok) throw new ParameterError(name, `${parsed.problem} (got "${text}")`);
  return parsed.value;
}

/**
 * A query string decodes "+" as a space, so `from=…T12:00+0100` written by hand arrives as
 * `…T12:00 0100`. A space before an offset's digits can only be that "+"; it is put back.
 */
const restoreOffsetPlus = (text: string): string => text.replace(/ (?=\d{2}:?\d{2}$)/, "+");

export const optionalInstant = (params: RequestParams, name: string): Date | undefined =>
  parameter(params, name, (text) => parseTimeInput(restoreOffsetPlus(text), params.now));

export function requiredInstant(params: RequestParams, name: string): Date {
  const instant = optionalInstant(params, name);
  if (instant === undefined) throw new ParameterError(name, "is required");
  return instant;
}

/** `from` and `to`, checked as the reads check them, but reported as parameters. */
export function checkRange(from: Date | undefined, to: Date | undefined): void {
  if (!isOrderedRange({ from, to })) throw new ParameterError("to", RANGE_ORDER_PROBLEM);
}

/** Optional `from` and `to`, read by the contract's time rules and checked in order. */
export function optionalRange(params: RequestParams): { from?: Date; to?: Date } {
  const from = optionalInstant(params, "from");
  const to = optionalInstant(params, "to");
  checkRange(from, to);
  return { from, to };
}

export const optionalState = (params: RequestParams, name: string): JobState | undefined =>
  parameter(params, name, parseJobState);

export const optionalWholeNumber = (
  params: RequestParams,
  name: string,
  bounds: { min: number; max: number },
): number | undefined => parameter(params, name, (text) => parseWholeNumber(text, bounds));

/** The series' bucket size, by day unless asked. */
export const timelineBucket = (params: RequestParams, name: string): TimelineBucket =>
  parameter(params, name, parseTimelineBucket) ?? DEFAULT_TIMELINE_BUCKET;

export function checkTimelineSpan(bucket: TimelineBucket, from: Date, to: Date): void {
  const problem = timelineSpanProblem(bucket, from, to);
  if (problem !== undefined) throw new ParameterError("to", problem);
}
