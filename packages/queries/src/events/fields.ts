import { jobStages, jobs } from "@forusbots/db/schema";
import { createInsertSchema } from "drizzle-zod";
import { z } from "zod";

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

const isoTimestamp = z.iso.datetime({ offset: true });
export const TIMESTAMP_MESSAGE =
  "not an ISO 8601 timestamp with a time zone (e.g. 2024-05-01T12:00:00.000Z)";

/**
 * A point in time: a `Date`, or an ISO 8601 string with `Z` or an offset (a time without a zone
 * would depend on the machine's). Stored to the millisecond, the precision of `Date`, so a value
 * read back and replayed is the same value.
 */
export const timestampSchema = z.custom<Date | string>().transform((value, context): Date => {
  if (value === undefined) {
    context.addIssue({ code: "custom", message: "required" });
    return z.NEVER;
  }
  const valid =
    (value instanceof Date && !Number.isNaN(value.getTime())) ||
    (typeof value === "string" && isoTimestamp.safeParse(value).success);
  if (!valid) {
    context.addIssue({ code: "custom", message: TIMESTAMP_MESSAGE });
    return z.NEVER;
  }
  const date = new Date(value);
  // The years an ISO string can spell; a Date can reach far beyond what PostgreSQL stores.
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) {
    context.addIssue({ code: "custom", message: "out of range (years 1 to 9999)" });
    return z.NEVER;
  }
  return date;
});

/** The `meta`, `result` and `error` columns hold JSON objects (`JsonObject` in the schema). */
export const jsonObjectSchema = z
  .record(z.string(), z.json(), { error: "must be a JSON object" })
  .refine(hasNoNul, { message: NUL_MESSAGE });

/** `created_by`: who asked for the job, { name, role, at } as the seed describes it. */
export const createdBySchema = z.strictObject({
  name: storableText(z.string().min(1, "must not be empty")),
  role: storableText(z.string().min(1, "must not be empty")),
  // Kept as written: it is part of the job's JSON, not a column.
  at: z.string().refine((value) => isoTimestamp.safeParse(value).success, TIMESTAMP_MESSAGE),
});

/** Optional fields accept null as well as absence, since JSON producers often write null. */
export const optionalField = <T extends z.ZodType>(schema: T) => schema.nullish();
