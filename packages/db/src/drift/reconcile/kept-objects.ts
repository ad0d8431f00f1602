import { type SQL, sql } from "drizzle-orm";
import type { CatalogDump } from "../../catalog/dump.ts";
import type { DatabaseHandle } from "../../client/handle.ts";
import { TRACKING_SCHEMA } from "../../migrator/tracking.ts";
import type { KeptObject } from "./plan-types.ts";

/**
 * Beside the migration history: the objects `adopt` found and kept (see KeptObject). `check`
 * leaves them out of its comparison, so a kept operator index is not reported as drift forever.
 */
export const KEPT_OBJECTS_TABLE = "kept_operator_objects";

export const CREATE_KEPT_OBJECTS_TABLE = `CREATE TABLE IF NOT EXISTS ${TRACKING_SCHEMA}.${KEPT_OBJECTS_TABLE} (
  kind text NOT NULL,
  table_name text,
  name text NOT NULL,
  definition_when_adopted text NOT NULL,
  kept_at timestamp with time zone NOT NULL DEFAULT now()
)`;

/** One INSERT of the kept objects (none: a no-op SELECT), to run in the adoption's transaction. */
export function recordKeptObjects(kept: KeptObject[]): SQL | null {
  if (kept.length === 0) return null;
  return sql`INSERT INTO ${sql.identifier(TRACKING_SCHEMA)}.${sql.identifier(KEPT_OBJECTS_TABLE)}
    (kind, table_name, name, definition_when_adopted)
    VALUES ${sql.join(
      kept.map(
        (object) => sql`(${object.kind}, ${object.table}, ${object.name}, ${object.definition})`,
      ),
      sql`, `,
    )}`;
}

export async function readKeptObjects(handle: DatabaseHandle): Promise<KeptObject[]> {
  const [present] = await handle.query<{ present: boolean }>(
    sql`SELECT to_regclass(${`${TRACKING_SCHEMA}.${KEPT_OBJECTS_TABLE}`}) IS NOT NULL AS present`,
  );
  if (present?.present !== true) return [];
  return handle.query<KeptObject & Record<string, unknown>>(sql`
    SELECT kind, table_name AS "table", name, definition_when_adopted AS definition
    FROM ${sql.identifier(TRACKING_SCHEMA)}.${sql.identifier(KEPT_OBJECTS_TABLE)}
    ORDER BY kind, table_name, name`);
}

/** The live dump without the kept objects, for comparing with what the migrations make. */
export function withoutKeptObjects(live: CatalogDump, kept: KeptObject[]): CatalogDump {
  const isKept = (kind: KeptObject["kind"], name: string, table: string | null = null) =>
    kept.some((object) => object.kind === kind && object.name === name && object.table === table);
  const without = (named: Record<string, string>, kind: KeptObject["kind"], table: string) =>
    Object.fromEntries(Object.entries(named).filter(([name]) => !isKept(kind, name, table)));
  return {
    tables: live.tables
      .filter((table) => !isKept("table", table.name))
      .map((table) => ({
        ...table,
        columns: table.columns.filter((column) => !isKept("column", column.name, table.name)),
        constraints: without(table.constraints, "constraint", table.name),
        indexes: without(table.indexes, "index", table.name),
        triggers: without(table.triggers, "trigger", table.name),
      })),
    views: live.views.filter((view) => !isKept("view", view.name)),
    sequences: live.sequences.filter((name) => !isKept("sequence", name)),
    functions: Object.fromEntries(
      Object.entries(live.functions).filter(([signature]) => !isKept("function", signature)),
    ),
  };
}
