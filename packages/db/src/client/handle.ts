import type { PGlite } from "@electric-sql/pglite";
import { entityKind, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Sql } from "postgres";
import type * as schema from "../schema/index.ts";

/** The typed Drizzle database, the same type on PostgreSQL and on PGlite. */
export type AuditDb = PgDatabase<PgQueryResultHKT, typeof schema>;

/** The driver underneath, for the few things Drizzle does not do (COPY, listing notices). */
export type AuditDriver = { engine: "postgres"; sql: Sql } | { engine: "pglite"; client: PGlite };

export interface DatabaseHandle {
  readonly db: AuditDb;
  readonly driver: AuditDriver;
  readonly engine: AuditDriver["engine"];
  /** The target as it may be printed: masked URL or data directory. */
  readonly description: string;
  /** Connections in the pool; 1 means every statement shares one session (locks, SET). */
  readonly poolSize: number;
  /**
   * Runs SQL and returns its rows as plain objects, whichever the driver. `Row` is the caller's
   * statement of what the SQL selects; nothing checks it at run time.
   */
  query<Row extends Record<string, unknown>>(statement: SQL): Promise<Row[]>;
  /**
   * Resolves when the database answers a trivial query; otherwise throws what the driver said,
   * translated (`ConnectionError` when it is down or gone).
   */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Whether `db` (or a transaction of it) runs on embedded PGlite, for the few reads that shape
 * their results per engine. Asked of Drizzle's session by its entity kind, not by `instanceof`
 * against drizzle-orm/pglite, whose import would load PGlite into every PostgreSQL process.
 */
export const isEmbedded = (db: AuditDb): boolean =>
  Reflect.get(db._.session.constructor, entityKind) === "PgliteSession";
