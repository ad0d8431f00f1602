import type { AuditDb } from "@forusbots/db";
import type { SQL } from "drizzle-orm";

/**
 * Rows of a hand-written statement as plain objects: postgres.js returns an array, PGlite an
 * object holding `rows`, and drizzle's `execute` passes either through. Select only columns whose
 * JavaScript value is the same on both drivers this way (integer, double precision, text, uuid);
 * timestamps go through the typed builder, which decodes them per column.
 */
export async function queryRows<Row extends Record<string, unknown>>(
  db: AuditDb,
  statement: SQL,
): Promise<Row[]> {
  const result: unknown = await db.execute(statement);
  if (Array.isArray(result)) return Array.from(result) as Row[];
  return (result as { rows: Row[] }).rows;
}

/** Values as one JSON parameter, for statements that read a relation of N rows from it. */
export const jsonParameter = (value: unknown): string => JSON.stringify(value);
