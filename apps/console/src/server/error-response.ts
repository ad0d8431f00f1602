import { AuditError, type AuditErrorKind, translateDriverError } from "@forusbots/db";

/** What every failed API call answers: one line a person can act on, and its kind. */
export interface ApiErrorBody {
  error: { kind: AuditErrorKind | "internal"; message: string };
}

export type ApiErrorStatus = 400 | 403 | 404 | 405 | 409 | 500 | 503;

/**
 * The HTTP status of each kind of failure, the console's counterpart of the CLI's exit statuses.
 * The database being down, busy or not migrated is 503: the request was fine, try again later.
 */
const STATUS_BY_KIND: Record<AuditErrorKind | "internal", ApiErrorStatus> = {
  usage: 400,
  validation: 400,
  refused: 403,
  not_found: 404,
  conflict: 409,
  config: 500,
  migration: 500,
  internal: 500,
  connection: 503,
  schema: 503,
  busy: 503,
};

/** Any failure as an answer; a driver error gets its kind from `@forusbots/db`'s translator. */
export function toErrorResponse(error: unknown): { status: ApiErrorStatus; body: ApiErrorBody } {
  const translated = translateDriverError(error);
  if (translated instanceof AuditError) {
    return {
      status: STATUS_BY_KIND[translated.kind],
      body: { error: { kind: translated.kind, message: translated.message } },
    };
  }
  return {
    status: STATUS_BY_KIND.internal,
    body: { error: { kind: "internal", message: "internal error: see the console's log" } },
  };
}
