import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "../client/handle.ts";
import { normalizeViewDefinition } from "./normalize.ts";

export interface CatalogColumn {
  name: string;
  /** As `format_type` prints it, e.g. `timestamp with time zone`. */
  type: string;
  notNull: boolean;
  default: string | null;
  /** Expression of a STORED generated column. */
  generated: string | null;
}

export interface CatalogTable {
  name: string;
  /** In column order. */
  columns: CatalogColumn[];
  /** Name → `pg_get_constraintdef` (primary key, unique, check, foreign key). */
  constraints: Record<string, string>;
  /** Name → `pg_get_indexdef`, including the indexes behind constraints. */
  indexes: Record<string, string>;
  /** Name → `pg_get_triggerdef` (user triggers only, not the ones behind foreign keys). */
  triggers: Record<string, string>;
}

export interface CatalogView {
  name: string;
  columns: { name: string; type: string }[];
  /** `pg_get_viewdef`, normalised so PostgreSQL 15 and PGlite (17) print the same text. */
  definition: string;
}

/** What the migrations are responsible for in one schema; the same function dumps every side. */
export interface CatalogDump {
  tables: CatalogTable[];
  views: CatalogView[];
  sequences: string[];
  /** `name(arguments)` → `pg_get_functiondef` with whitespace folded (trigger functions). */
  functions: Record<string, string>;
}

interface ColumnRow extends Record<string, unknown> {
  relation: string;
  name: string;
  type: string;
  not_null: boolean;
  default_expression: string | null;
  generated: string;
}

/**
 * Reads tables, columns, constraints, indexes, triggers, views, sequences and functions of
 * `schema` (default public).
 */
export async function dumpCatalog(handle: DatabaseHandle, schema = "public"): Promise<CatalogDump> {
  const relations = await handle.query<{
    name: string;
    kind: string;
    definition: string | null;
  }>(sql`
    SELECT c.relname AS name, c.relkind::text AS kind,
           CASE WHEN c.relkind = 'v' THEN pg_get_viewdef(c.oid, true) END AS definition
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${schema} AND c.relkind IN ('r', 'p', 'v', 'S')
    ORDER BY c.relname`);
  const columns = await handle.query<ColumnRow>(sql`
    SELECT c.relname AS relation, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
           a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default_expression,
           a.attgenerated::text AS generated
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = ${schema} AND c.relkind IN ('r', 'p', 'v') AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY c.relname, a.attnum`);
  const constraints = await handle.query<{
    relation: string;
    name: string;
    definition: string;
  }>(sql`
    SELECT c.relname AS relation, k.conname AS name, pg_get_constraintdef(k.oid, true) AS definition
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${schema}
      -- PostgreSQL 18 lists NOT NULL as constraints too; columns' notNull says it on
      -- every version.
      AND k.contype <> 'n'
    ORDER BY c.relname, k.conname`);
  const indexes = await handle.query<{ relation: string; name: string; definition: string }>(sql`
    SELECT t.relname AS relation, i.relname AS name, pg_get_indexdef(i.oid) AS definition
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = ${schema}
    ORDER BY t.relname, i.relname`);
  const triggers = await handle.query<{ relation: string; name: string; definition: string }>(sql`
    SELECT c.relname AS relation, t.tgname AS name, pg_get_triggerdef(t.oid) AS definition
    FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${schema} AND NOT t.tgisinternal
    ORDER BY c.relname, t.tgname`);
  const functions = await handle.query<{ signature: string; definition: string }>(sql`
    SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS signature,
           pg_get_functiondef(p.oid) AS definition
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = ${schema} AND p.prokind = 'f'
    ORDER BY 1`);

  const columnsOf = (relation: string) => columns.filter((column) => column.relation === relation);
  const byName = (
    rows: { relation: string; name: string; definition: string }[],
    relation: string,
  ) =>
    Object.fromEntries(
      rows.filter((row) => row.relation === relation).map((row) => [row.name, row.definition]),
    );

  const tableNames = relations
    .filter((relation) => relation.kind === "r" || relation.kind === "p")
    .map((relation) => relation.name);
  return {
    tables: relations
      .filter((relation) => relation.kind === "r" || relation.kind === "p")
      .map((relation) => ({
        name: relation.name,
        columns: columnsOf(relation.name).map((column) => ({
          name: column.name,
          type: column.type,
          notNull: column.not_null,
          // A generated column keeps its expression in pg_attrdef too: report it once.
          default: column.generated === "" ? column.default_expression : null,
          generated: column.generated === "" ? null : column.default_expression,
        })),
        constraints: byName(constraints, relation.name),
        indexes: byName(indexes, relation.name),
        triggers: byName(triggers, relation.name),
      })),
    views: relations
      .filter((relation) => relation.kind === "v")
      .map((relation) => ({
        name: relation.name,
        columns: columnsOf(relation.name).map((column) => ({
          name: column.name,
          type: column.type,
        })),
        definition: normalizeViewDefinition(relation.definition ?? "", tableNames),
      })),
    sequences: relations
      .filter((relation) => relation.kind === "S")
      .map((relation) => relation.name),
    functions: Object.fromEntries(
      functions.map((row) => [row.signature, row.definition.replace(/\s+/g, " ").trim()]),
    ),
  };
}
