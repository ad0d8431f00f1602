import type { SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { maskUrl } from "../config.ts";
import { ConnectionError } from "../errors.ts";
import * as schema from "../schema/index.ts";
import type { AuditDb, DatabaseHandle } from "./handle.ts";

export interface PostgresOptions {
  /** Pool size. The migrator uses 1 so its session-level advisory lock covers every statement. */
  maxConnections?: number;
  connectTimeoutSeconds?: number;
}

interface PostgresErrorLike {
  code?: string;
  message?: string;
}

/** Says why a connection failed in words a user can act on, without the password. */
export function explainConnectionFailure(url: string, error: unknown): ConnectionError {
  const masked = maskUrl(url);
  const { code, message } = (error ?? {}) as PostgresErrorLike;
  const parsed = new URL(url);
  const where = `${parsed.hostname || "localhost"}:${parsed.port || "5432"}`;
  const user = decodeURIComponent(parsed.username || "postgres");
  const database = decodeURIComponent(parsed.pathname.slice(1) || user);
  const reasons: Record<string, string> = {
    ECONNREFUSED: `cannot connect to PostgreSQL at ${where}: connection refused (is the server running?)`,
    ENOTFOUND: `cannot connect to PostgreSQL: host "${parsed.hostname}" not found`,
    EAI_AGAIN: `cannot connect to PostgreSQL: host "${parsed.hostname}" could not be resolved`,
    ETIMEDOUT: `cannot connect to PostgreSQL at ${where}: timed out`,
    CONNECT_TIMEOUT: `cannot connect to PostgreSQL at ${where}: timed out`,
    "28P01": `PostgreSQL at ${where} rejected the password for user "${user}"`,
    "28000": `PostgreSQL at ${where} refused user "${user}" (not allowed by pg_hba.conf or no such role)`,
    "3D000": `database "${database}" does not exist on PostgreSQL at ${where}`,
  };
  const reason =
    (code && reasons[code]) ??
    `cannot connect to PostgreSQL at ${where}: ${(message ?? String(error)).replaceAll(url, masked)}`;
  return new ConnectionError(reason, { cause: error });
}

export async function openPostgres(
  url: string,
  options: PostgresOptions = {},
): Promise<DatabaseHandle> {
  const poolSize = options.maxConnections ?? 10;
  const sql = postgres(url, {
    max: poolSize,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    // NOTICEs (e.g. "relation already exists, skipping") are not for the operator's terminal.
    onnotice: () => {},
    connection: { application_name: "forusbots-audit" },
  });
  try {
    await sql`SELECT 1`;
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw explainConnectionFailure(url, error);
  }
  const typedDb = drizzle(sql, { schema });
  const db: AuditDb = typedDb;
  return {
    db,
    driver: { engine: "postgres", sql },
    engine: "postgres",
    poolSize,
    description: `PostgreSQL ${maskUrl(url)}`,
    query: async <Row extends Record<string, unknown>>(statement: SQL) =>
      Array.from(await typedDb.execute<Row>(statement)) as Row[],
    close: () => sql.end({ timeout: 5 }),
  };
}
