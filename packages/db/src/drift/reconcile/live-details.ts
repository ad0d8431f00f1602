import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "../../client/handle.ts";

/** A constraint with what `pg_get_constraintdef` leaves out: its kind and the columns it covers. */
export interface LiveConstraint {
  table: string;
  name: string;
  /** `p` primary key, `u` unique, `c` check, `f` foreign key. */
  kind: string;
  definition: string;
  columns: string[];
}

export interface LiveIndex {
  table: string;
  name: string;
  definition: string;
  unique: boolean;
  /** The constraint the index enforces (primary key, unique), if any. */
  constraint: string | null;
}

export interface LiveView {
  name: string;
  /** `pg_get_viewdef` as PostgreSQL prints it: SQL that recreates the view as it is. */
  query: string;
}

/** What the adoption plan needs beyond the catalog dump, read from the same schema. */
export interface LiveDetails {
  constraints: LiveConstraint[];
  indexes: LiveIndex[];
  /** In creation order (oid), so recreating them in this order meets each one's dependencies. */
  views: LiveView[];
  /** Which view reads which other view (directly). */
  viewReads: { view: string; reads: string }[];
}

export async function readLiveDetails(
  handle: DatabaseHandle,
  schema = "public",
): Promise<LiveDetails> {
  const constraints = await handle.query<LiveConstraint & Record<string, unknown>>(sql`
    SELECT c.relname AS "table", k.conname AS name, k.contype::text AS kind,
           pg_get_constraintdef(k.oid, true) AS definition,
           ARRAY(SELECT a.attname::text FROM unnest(k.conkey) AS key(attnum)
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = key.attnum
                 ORDER BY a.attname) AS columns
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${schema} AND k.contype IN ('p', 'u', 'c', 'f')
    ORDER BY c.relname, k.conname`);
  const indexes = await handle.query<LiveIndex & Record<string, unknown>>(sql`
    SELECT t.relname AS "table", i.relname AS name, pg_get_indexdef(i.oid) AS definition,
           x.indisunique AS unique, k.conname AS constraint
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    LEFT JOIN pg_constraint k ON k.conindid = i.oid AND k.contype IN ('p', 'u', 'x')
    WHERE n.nspname = ${schema}
    ORDER BY t.relname, i.relname`);
  const views = await handle.query<LiveView & Record<string, unknown>>(sql`
    SELECT c.relname AS name, pg_get_viewdef(c.oid, true) AS query
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${schema} AND c.relkind = 'v'
    ORDER BY c.oid`);
  const viewReads = await handle.query<{ view: string; reads: string }>(sql`
    SELECT DISTINCT dependent.relname AS view, source.relname AS reads
    FROM pg_depend d
    JOIN pg_rewrite r ON r.oid = d.objid
    JOIN pg_class dependent ON dependent.oid = r.ev_class
    JOIN pg_class source ON source.oid = d.refobjid
    JOIN pg_namespace n ON n.oid = dependent.relnamespace
    WHERE n.nspname = ${schema} AND source.relkind = 'v' AND dependent.oid <> source.oid
    ORDER BY 1, 2`);
  return {
    viewReads,
    constraints: constraints.map((row) => ({ ...row, columns: [...row.columns] })),
    indexes,
    views,
  };
}
