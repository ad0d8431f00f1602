import type { SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { maskUrl } from "../config.ts";
import { explainConnectionFailure } from "../failures/connection-failure.ts";
import { classifyDriverError, translateDriverError } from "../failures/translate.ts";
import * as schema from "../schema/index.ts";
import type { AuditDb, DatabaseHandle } from "./handle.ts";

export interface PostgresOptions {
  /** Pool size. The migrator uses 1 so its session-level advisory lock covers every statement. */
  maxConnections?: number;
  connectTimeoutSeconds?: number;
  /**
   * Receives each WARNING the server sends (a migration's `RAISE WARNING`, with its hint on a
   * line of its own). NOTICEs ("relation already exists, skipping") are not for the operator's
   * terminal and are dropped.
   */
  onWarning?: (text: string) => void;
}

export async function openPostgres(
  url: string,
  options: PostgresOptions = {},
): Promise<DatabaseHandle> {
  const poolSize = options.maxConnections ?? 10;
  const sql = postgres(url, {
    max: poolSize,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    onnotice: (notice) => {
      if (notice.severity !== "WARNING" || options.onWarning === undefined) return;
      const hint = typeof notice.hint === "string" ? `\n${notice.hint}` : "";
      options.onWarning(`${String(notice.message)}${hint}`);
    },
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
    ping: async () => {
      try {
        await sql`SELECT 1`;
      } catch (error) {
        // Said as at opening: where the server is, and what to check.
        throw classifyDriverError(error)?.kind === "connection"
          ? explainConnectionFailure(url, error)
          : translateDriverError(error);
      }
    },
    close: () => sql.end({ timeout: 5 }),
  };
}
