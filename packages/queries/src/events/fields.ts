import { type JsonObject, jobStages, jobs } from "@forusbots/db/schema";
import { createInsertSchema } from "drizzle-zod";
import { z } from "zod";
import { isInStorableYears, parseZonedTimestamp, STORABLE_YEARS } from "../contract/index.ts";

/**
 * Field schemas shared by the events, derived from the tables where the column says enough
 * (`job_id` is a uuid, `bot_id` and `stage_name` are text) and written here where the event
 * says more than the column (timestamps arrive as ISO strings, JSON columns hold objects).
 */
const jobColumns = createInsertSchema(jobs).shape;
const stageColumns = createInsertSchema(jobStages).shape;

const NUL = "\u0000";
const NUL_MESSAGE = "contains a NUL character (\\u0000), which PostgreSQL cannot store";

/** True when no string in the value (keys included) holds NUL: text and jsonb both refuse it. */
function hasNoNul(value: unknown): boolean {
  if (typeof value === "string") return !value.includes(NUL);
  if (Array.isArray(value)) return value.every(hasNoNul);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).every(([key, item]) => !key.includes(NUL) && hasNoNul(item));
  }
  return true;
}

/** Text stored in a column: PostgreSQL refuses NUL, and one such row would abort a whole batch. */
const storableText = <T extends z.ZodString>(schema: T) =>
  schema.refine(hasNoNul, { message: NUL_MESSAGE });

/** UUIDs are compared as PostgreSQL prints them (lower case), so replays in any case match. */
export const jobIdSchema = jobColumns.jobId.transform((id) => id.toLowerCase());

export const botIdSchema = storableText(jobColumns.botId.min(1, "must not be empty"));

export const stageNameSchema = storableText(stageColumns.stageName.min(1, "must not be empty"));

export const errorMessageSchema = storableText(z.string());

export const TIMESTAMP_MESSAGE =
  "not an ISO 8601 timestamp with a time zone (e.g. 2024-05-01T12:00:00.000Z)";

/** A valid `Date` (copied: the caller may change theirs), or the instant a zoned ISO text names. */
function instantOf(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : new Date(value);
  return typeof value === "string" ? parseZonedTimestamp(value) : undefined;
}

/**
 * A point in time: a `Date`, or an ISO 8601 string with `Z` or an offset (the contract's grammar,
 * `parseZonedTimestamp`): a time without a zone would depend on the machine's, and relative times
 * mean nothing in a record. Stored to the millisecond, the precision of `Date`, so a value read
 * back and replayed is the same value.
 */
export const timestampSchema = z.custom<Date | string>().transform((value, context): Date => {
  if (value === undefined) {
    context.addIssue({ code: "custom", message: "required" });
    return z.NEVER;
  }
  const date = instantOf(value);
  if (date === undefined) {
    context.addIssue({ code: "custom", message: TIMESTAMP_MESSAGE });
    return z.NEVER;
  }
  // The years an ISO string can spell; a Date can reach far beyond what PostgreSQL stores.
  if (!isInStorableYears(date)) {
    context.addIssue({
      code: "custom",
      message: `out of range (years ${STORABLE_YEARS.first} to ${STORABLE_YEARS.last})`,
    });
    return z.NEVER;
  }
  return date;
});

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};

/** What a value that JSON cannot hold is, for the message: `a Date`, `undefined`, `NaN`. */
function describeNonJson(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "number") return String(value);
  if (typeof value === "object" && value !== null)
    return `a ${value.constructor?.name ?? "object"}`;
  return `a ${typeof value}`;
}

interface JsonProblem {
  path: (string | number)[];
  message: string;
}

/**
 * The first place where `value` is not JSON that jsonb can store, or undefined when it is all
 * JSON: plain objects, arrays, strings, finite numbers, booleans and null, with no NUL character
 * in any string or key. One walk over the value, where z.json() and a separate NUL check took two
 * and cost a third of the validation of a whole event.
 */
function jsonProblem(value: unknown, path: (string | number)[]): JsonProblem | undefined {
  switch (typeof value) {
    case "string":
      return value.includes(NUL) ? { path: [], message: NUL_MESSAGE } : undefined;
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value)
        ? undefined
        : { path, message: `not a JSON value (${describeNonJson(value)})` };
  }
  if (value === null) return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = jsonProblem(value[index], [...path, index]);
      if (problem) return problem;
    }
    return undefined;
  }
  if (isPlainObject(value)) {
    for (const key in value) {
      if (key.includes(NUL)) return { path: [], message: NUL_MESSAGE };
      const problem = jsonProblem(value[key], [...path, key]);
      if (problem) return problem;
    }
    return undefined;
  }
  return { path, message: `not a JSON value (${describeNonJson(value)})` };
}

/**
 * The `meta`, `result` and `error` columns hold JSON objects (`JsonObject` in the schema). A NUL
 * anywhere is reported on the field itself; any other problem at the path where it lies.
 */
export const jsonObjectSchema = z.custom<JsonObject>().superRefine((value, context) => {
  if (!isPlainObject(value)) {
    context.addIssue({ code: "custom", message: "must be a JSON object" });
    return;
  }
  const problem = jsonProblem(value, []);
  if (problem) context.addIssue({ code: "custom", path: problem.path, message: problem.message });
});

/** `created_by`: who asked for the job, { name, role, at } as the seed describes it. */
export const createdBySchema = z.strictObject({
  name: storableText(z.string().min(1, "must not be empty")),
  role: storableText(z.string().min(1, "must not be empty")),
  // Kept as written: it is part of the job's JSON, not a column.
  at: z.string().refine((value) => parseZonedTimestamp(value) !== undefined, TIMESTAMP_MESSAGE),
});

/** Optional fields accept null as well as absence, since JSON producers often write null. */
export const optionalField = <T extends z.ZodType>(schema: T) => schema.nullish();
