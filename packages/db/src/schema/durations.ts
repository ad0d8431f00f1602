import { type SQL, sql } from "drizzle-orm";

/**
 * Expression of a stored generated `duration_ms` column (the seed's 005_ms_durations): whole
 * milliseconds from `from` to `to`, NULL while either is missing. Columns are named bare because a
 * generation expression may only refer to its own row. INTEGER, as the seed asks, holds up to
 * 24.8 days; the recorder refuses longer spans before they reach the table.
 */
export const millisecondsBetween = (from: string, to: string): SQL =>
  sql`(round(EXTRACT(EPOCH FROM (${sql.identifier(to)} - ${sql.identifier(from)})) * 1000))::integer`;

/** Largest duration an INTEGER `duration_ms` column holds. */
export const MAX_DURATION_MS = 2_147_483_647;
