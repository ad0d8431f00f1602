import { type SQL, sql } from "drizzle-orm";

/**
 * A numeric SQL value read as a JavaScript number, its NULL kept: drizzle passes NULL by without
 * decoding it, but `mapWith(Number)` alone would type the result as never null.
 */
export const nullableNumber = (value: SQL<number | null>): SQL<number | null> =>
  sql<number | null>`${value}`.mapWith(Number);
