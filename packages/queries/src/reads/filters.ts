import { type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import { isOrderedRange, RANGE_ORDER_PROBLEM } from "../contract/index.ts";
import { botIdSchema, timestampSchema } from "../events/fields.ts";

/**
 * Filters shared by the reads. Ranges are half-open, [from, to), and ordered (the contract's
 * `isOrderedRange`). Both ends take a `Date` or an ISO string with a zone; relative and zone-less
 * times are for people, and the CLI and the console turn them into a `Date` before calling.
 */
export const rangeShape = {
  botId: botIdSchema.optional(),
  from: timestampSchema.optional(),
  to: timestampSchema.optional(),
};

export const RANGE_ORDER_ISSUE = { message: RANGE_ORDER_PROBLEM, path: ["to"] };

export const rangeFilterSchema = z
  .strictObject(rangeShape)
  .refine(isOrderedRange, RANGE_ORDER_ISSUE);
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
