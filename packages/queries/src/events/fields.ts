import {
  type JsonObject,
  jobStages,
  jobs,
  MAX_BOT_ID_LENGTH,
  MAX_STAGE_NAME_LENGTH,
  STAGE_STATUSES,
  type StageStatus,
} from "@forusbots/db/schema";
import { createInsertSchema } from "drizzle-zod";
import { z } from "zod";
import { isInStorableYears, parseZonedTimestamp, STORABLE_YEARS } from "../contract/index.ts";
import { MAX_JSON_DEPTH } from "./limits.ts";

/**
 * Field schemas shared by the events, derived from the tables where the column says enough
 * (`job_id` is a uuid, `bot_id` and `stage_name` are text) and written here where the event
 * says more than the column (timestamps arrive as ISO strings, JSON columns hold objects).
 */
const jobColumns = createInsertSchema(jobs).shape;
const stageColumns = createInsertSchema(jobStages).shape;

const NUL = "\u0000";
const NUL_MESSAGE = "contains a NUL character (\\u0000), which PostgreSQL cannot store";

/** Text stored in a column: PostgreSQL refuses NUL, and one such row would abort a whole batch. */
const storableText = <T extends z.ZodString>(schema: T) =>
  schema.refine((text) => !text.includes(NUL), { message: NUL_MESSAGE });

/** Characters as PostgreSQL's `char_length` counts them: code points, not UTF-16 units. */
function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * A name the database indexes, at most `limit` characters (the table's CHECK says the same): a
 * longer one would make PostgreSQL refuse the whole statement, not just its event.
 */
const indexedName = (column: z.ZodString, limit: number) =>
  storableText(column.min(1, "must not be empty")).superRefine((text, context) => {
    // A string of at most `limit` UTF-16 units has at most `limit` characters: no need to count.
    if (text.length <= limit) return;
    const characters = characterCount(text);
    if (characters > limit) {
      context.addIssue({
        code: "custom",
        message: `${characters} characters, longer than the ${limit} a name may have`,
      });
    }
  });

/** UUIDs are compared as PostgreSQL prints them (lower case), so replays in any case match. */
export const jobIdSchema = jobColumns.jobId.transform((id) => id.toLowerCase());

export const botIdSchema = indexedName(jobColumns.botId, MAX_BOT_ID_LENGTH);

export const stageNameSchema = indexedName(stageColumns.stageName, MAX_STAGE_NAME_LENGTH);

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

/** An array or object being walked: where it is, and which of its items comes next. */
interface Container {
  value: unknown[] | Record<string, unknown>;
  /** The object's keys; undefined for an array. */
  keys: string[] | undefined;
  next: number;
  /** 1 for the column's own object. */
  depth: number;
  parent: Container | undefined;
  /** Its key or index in the parent. */
  key: string | number | undefined;
}

const pathOf = (container: Container, key?: string | number): (string | number)[] => {
  const path = key === undefined ? [] : [key];
  for (let at: Container | undefined = container; at?.key !== undefined; at = at.parent) {
    path.unshift(at.key);
  }
  return path;
};

const DEPTH_MESSAGE = `nested deeper than ${MAX_JSON_DEPTH} levels`;

/**
 * The first place, in document order, where `root` (a plain object) is not JSON that jsonb can
 * store, or undefined when it is all JSON: plain objects, arrays, strings, finite numbers,
 * booleans and null, no NUL character in any string or key, and no deeper than MAX_JSON_DEPTH.
 * One walk over the value, with a stack of its own rather than the call stack: a value nested
 * thousands deep is refused here, where recursion (this walk's, JSON.stringify's) would overflow.
 */
function jsonProblem(root: Record<string, unknown>): JsonProblem | undefined {
  let top: Container | undefined = {
    value: root,
    keys: Object.keys(root),
    next: 0,
    depth: 1,
    parent: undefined,
    key: undefined,
  };
  while (top !== undefined) {
    const container: Container = top;
    const { keys } = container;
    const length = keys === undefined ? (container.value as unknown[]).length : keys.length;
    if (container.next === length) {
      top = container.parent;
      continue;
    }
    const key = keys === undefined ? container.next : (keys[container.next] as string);
    container.next++;
    if (typeof key === "string" && key.includes(NUL)) return { path: [], message: NUL_MESSAGE };
    const value = (container.value as Record<string | number, unknown>)[key];
    switch (typeof value) {
      case "string":
        if (value.includes(NUL)) return { path: [], message: NUL_MESSAGE };
        continue;
      case "boolean":
        continue;
      case "number":
        if (Number.isFinite(value)) continue;
        return {
          path: pathOf(container, key),
          message: `not a JSON value (${describeNonJson(value)})`,
        };
    }
    if (value === null) continue;
    const isArray = Array.isArray(value);
    if (!isArray && !isPlainObject(value)) {
      return {
        path: pathOf(container, key),
        message: `not a JSON value (${describeNonJson(value)})`,
      };
    }
    if (container.depth === MAX_JSON_DEPTH)
      return { path: pathOf(container, key), message: DEPTH_MESSAGE };
    top = {
      value,
      keys: isArray ? undefined : Object.keys(value),
      next: 0,
      depth: container.depth + 1,
      parent: container,
      key,
    };
  }
  return undefined;
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
  const problem = jsonProblem(value);
  if (problem) context.addIssue({ code: "custom", path: problem.path, message: problem.message });
});

/**
 * The job's words for a stage's outcome, taken as the stage's: a bot that says a stage
 * "succeeded" means what the column spells "succeed". Stored in the stage's spelling only.
 */
const STAGE_STATUS_ALIASES: Readonly<Record<string, StageStatus>> = {
  succeeded: "succeed",
  failed: "fail",
};

/**
 * A stage's outcome: `succeed` or `fail`, or the job's words `succeeded` / `failed` for them.
 * Anything else is refused with both spellings named, so the difference is explained.
 */
export const stageStatusSchema = z
  .custom<StageStatus | "succeeded" | "failed">()
  .transform((value, context): StageStatus => {
    if (typeof value === "string") {
      if ((STAGE_STATUSES as readonly string[]).includes(value)) return value as StageStatus;
      const alias = STAGE_STATUS_ALIASES[value];
      if (alias !== undefined) return alias;
    }
    context.addIssue({
      code: "custom",
      message:
        value === undefined
          ? `required (one of ${STAGE_STATUSES.join(", ")})`
          : `must be one of ${STAGE_STATUSES.join(", ")} (a stage's words; the job's succeeded and failed are taken for them)`,
    });
    return z.NEVER;
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
