import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "../../client/handle.ts";
import type { LiveConstraint } from "./live-details.ts";
import { qualified, quoteIdentifier, type RowViolation, VIOLATION_SAMPLE } from "./plan-types.ts";

/** How a row of a table is named in a report: SQL for the value, and what the value is. */
export interface RowKey {
  expression: string;
  label: string;
}

/** A row's primary key, or its physical place when the table has none. */
export function rowKeyOf(table: string, constraints: LiveConstraint[]): RowKey {
  const primaryKey = constraints.find(
    (constraint) => constraint.table === table && constraint.kind === "p",
  );
  if (!primaryKey) return { expression: "ctid::text", label: "ctid" };
  return {
    expression: `concat_ws(',', ${primaryKey.columns.map(quoteIdentifier).join(", ")})`,
    label: primaryKey.columns.join(","),
  };
}

/**
 * Counts the rows of `table` for which `breaks` (an SQL condition from our own catalog, never from
 * input) holds, and names the first of them; null when there are none.
 */
export async function findViolatingRows(
  handle: DatabaseHandle,
  rule: string,
  table: string,
  breaks: string,
  key: RowKey,
): Promise<RowViolation | null> {
  const rows = await handle.query<{ key: string; total: number }>(sql`
    SELECT ${sql.raw(key.expression)} AS key, count(*) OVER ()::int AS total
    FROM ${sql.raw(qualified(table))}
    WHERE ${sql.raw(breaks)}
    ORDER BY 1
    LIMIT ${VIOLATION_SAMPLE}`);
  const total = rows[0]?.total ?? 0;
  return total === 0
    ? null
    : { rule, table, count: total, keyLabel: key.label, keys: rows.map((row) => row.key) };
}
