import type { z } from "zod";
import { type FieldIssue, ValidationError } from "../errors.ts";
import { MAX_EVENT_BYTES } from "./limits.ts";
import { AUDIT_EVENT_TYPES, type AuditEvent, auditEventSchema } from "./schemas.ts";

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** A value as JSON where it can be (a BigInt or a cycle cannot), else as text. */
function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const fieldName = (path: readonly PropertyKey[]): string =>
  path.length === 0 ? "event" : path.map(String).join(".");

/** zod's issues in the words of this package: `jobId: not a UUID`, `botId: required`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown): FieldIssue[] {
  return issues.flatMap((issue): FieldIssue[] => {
    const field = fieldName(issue.path);
    const value = valueAt(input, issue.path);
    switch (issue.code) {
      case "invalid_type":
        if (issue.path.length === 0) return [{ field, message: "not a JSON object" }];
        if (value === undefined) return [{ field, message: "required" }];
        return [
          {
            field,
            message: issue.message.startsWith("Invalid input")
              ? `must be a ${issue.expected}`
              : issue.message,
          },
        ];
      case "invalid_union": {
        if (value === undefined) {
          return [{ field, message: `required (one of ${AUDIT_EVENT_TYPES.join(", ")})` }];
        }
        return [
          {
            field,
            message: `unknown event type ${describeValue(value)} (expected one of ${AUDIT_EVENT_TYPES.join(", ")})`,
          },
        ];
      }
      case "invalid_format":
        return [{ field, message: issue.format === "uuid" ? "not a UUID" : issue.message }];
      case "invalid_value":
        return [
          {
            field,
            message:
              value === undefined
                ? "required"
                : `must be one of ${issue.values.map(String).join(", ")}`,
          },
        ];
      case "unrecognized_keys":
        return issue.keys.map((key) => ({
          field: fieldName([...issue.path, key]),
          message: "not a field of this event",
        }));
      default:
        return [{ field, message: issue.message }];
    }
  });
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ValidationError };

/** Validates one event; never throws. */
export function safeParseAuditEvent(input: unknown): ParseResult<AuditEvent> {
  const parsed = auditEventSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, error: new ValidationError(describeIssues(parsed.error.issues, input)) };
}

/**
 * Validates a read's or a command's options against `schema`, throwing `ValidationError` naming
 * each field at fault.
 */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationError(describeIssues(parsed.error.issues, input));
  return parsed.data;
}

/**
 * Validates against one event schema, as `parseOptions` does. An event is also refused when it
 * takes more than MAX_EVENT_BYTES as JSON, the most a line of ingest takes by default: what a bot
 * records can always be exported and ingested again. (Options need no such check, and on a read
 * of a millisecond the JSON text of them was a noticeable part.)
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const data = parseOptions(schema, input);
  // Valid, so no deeper than MAX_JSON_DEPTH: JSON.stringify cannot overflow the stack on it.
  const bytes = Buffer.byteLength(JSON.stringify(data));
  if (bytes > MAX_EVENT_BYTES) {
    throw new ValidationError([
      {
        field: "event",
        message: `${bytes} bytes as JSON, more than an event may take (${MAX_EVENT_BYTES})`,
      },
    ]);
  }
  return data;
}
