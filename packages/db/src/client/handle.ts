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

/** What PGlite's client, and each of its transactions, answers: rows as arrays. */
export interface EmbeddedClient {
  query<Row>(
    text: string,
    params: unknown[],
    options: { rowMode: "array" },
  ): Promise<{ rows: Row[] }>;
}

/**
 * The PGlite client (or transaction) under `db`, for a read that sends its statement itself;
 * undefined on PostgreSQL. Drizzle passes its own type parsers with every PGlite query, and PGlite
 * copies its table of parsers (one per type and array type, a few hundred) into a new object for
 * any query that brings some: 0.13 ms a query, a fifth of a small read (BENCHMARKS.md). A read
 * sent here gets PGlite's default parsers instead, the same values as Drizzle's for every type but
 * the dates and intervals Drizzle keeps as text: such a read selects those as text itself.
 */
export const embeddedClientOf = (db: AuditDb): EmbeddedClient | undefined =>
  isEmbedded(db) ? (Reflect.get(db._.session, "client") as EmbeddedClient) : undefined;
