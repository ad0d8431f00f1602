import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "../../client/handle.ts";
import type { LiveConstraint } from "./live-details.ts";
import { qualified, quoteIdentifier, type RowViolation, VIOLATION_SAMPLE } from "./plan-types.ts";

/** How a row of `table` is named in a report: its primary key, or its physical place without one. */
export function rowKeyExpression(table: string, constraints: LiveConstraint[]): string {
  const primaryKey = constraints.find(
    (constraint) => constraint.table === table && constraint.kind === "p",
  );
  if (!primaryKey) return "ctid::text";
  return primaryKey.columns.length === 1
    ? `${quoteIdentifier(primaryKey.columns[0] ?? "")}::text`
    : `concat_ws(',', ${primaryKey.columns.map(quoteIdentifier).join(", ")})`;
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
  keyExpression: string,
): Promise<RowViolation | null> {
  const rows = await handle.query<{ key: string; total: number }>(sql`
    SELECT ${sql.raw(keyExpression)} AS key, count(*) OVER ()::int AS total
    FROM ${sql.raw(qualified(table))}
    WHERE ${sql.raw(breaks)}
    ORDER BY 1
    LIMIT ${VIOLATION_SAMPLE}`);
  const total = rows[0]?.total ?? 0;
  return total === 0 ? null : { rule, table, count: total, keys: rows.map((row) => row.key) };
}
