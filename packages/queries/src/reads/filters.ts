import { type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import { botIdSchema, timestampSchema } from "../events/fields.ts";

/**
 * Filters shared by the reads. Ranges are half-open, [from, to): `from` inclusive, `to`
 * exclusive, so consecutive ranges never count a job twice. Both take a `Date` or an ISO string.
 */
export const rangeShape = {
  botId: botIdSchema.optional(),
  from: timestampSchema.optional(),
  to: timestampSchema.optional(),
};

export const rangeIsOrdered = (range: { from?: Date; to?: Date }): boolean =>
  range.from === undefined || range.to === undefined || range.from < range.to;

export const RANGE_ORDER_ISSUE = { message: "must be after from", path: ["to"] };

export const rangeFilterSchema = z
  .strictObject(rangeShape)
  .refine(rangeIsOrdered, RANGE_ORDER_ISSUE);
export type RangeFilter = z.input<typeof rangeFilterSchema>;

/** The conditions of a range filter on `column` (undefined entries are dropped by `and`). */
export const rangeConditions = (
  column: PgColumn,
  range: { from?: Date; to?: Date },
): (SQL | undefined)[] => [
  range.from === undefined ? undefined : sql`${column} >= ${range.from.toISOString()}`,
  range.to === undefined ? undefined : sql`${column} < ${range.to.toISOString()}`,
];

/**
 * Text sorted byte-wise: PGlite and a PostgreSQL server may have different default collations,
 * and the same rows must come back in the same order on both.
 */
export const byteOrder = (column: PgColumn): SQL => sql`${column} COLLATE "C"`;
