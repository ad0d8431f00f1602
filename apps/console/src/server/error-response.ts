import { AuditError, type AuditErrorKind } from "@forusbots/db";

/** What every failed API call answers: one line a person can act on, and its kind. */
export interface ApiErrorBody {
  error: { kind: AuditErrorKind | "internal"; message: string };
}

export type ApiErrorStatus = 400 | 404 | 405 | 500 | 503;

const STATUS_BY_KIND: Partial<Record<AuditErrorKind, ApiErrorStatus>> = {
  usage: 400,
  validation: 400,
  not_found: 404,
  connection: 503,
  schema: 503,
  config: 500,
};

interface DriverErrorLike {
  code?: unknown;
  cause?: unknown;
}

/** SQLSTATE 42P01: the tables or views are not there, i.e. the database was never migrated. */
const UNDEFINED_TABLE = "42P01";

/**
 * Socket-level failures from postgres.js once the pool is open (server restarted or gone). The
 * console keeps running and says the database is unreachable until it answers again.
 */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01",
]);

/** Drizzle wraps driver errors (DrizzleQueryError); the SQLSTATE sits on a cause. */
function driverCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const { code, cause } = current as DriverErrorLike;
    if (typeof code === "string") return code;
    current = cause;
  }
  return undefined;
}

export function toErrorResponse(error: unknown): { status: ApiErrorStatus; body: ApiErrorBody } {
  if (error instanceof AuditError) {
    return {
      status: STATUS_BY_KIND[error.kind] ?? 500,
      body: { error: { kind: error.kind, message: error.message } },
    };
  }
  const code = driverCode(error);
  if (code === UNDEFINED_TABLE) {
    return {
      status: 503,
      body: {
        error: {
          kind: "schema",
          message: "the audit database has no tables yet: run `pnpm db:migrate`",
        },
      },
    };
  }
  if (code !== undefined && CONNECTION_CODES.has(code)) {
    return {
      status: 503,
      body: { error: { kind: "connection", message: `lost the audit database (${code})` } },
    };
  }
  return {
    status: 500,
    body: { error: { kind: "internal", message: "internal error: see the console's log" } },
  };
}
