import { type SQL, sql } from "drizzle-orm";
import type { DatabaseHandle } from "../client/handle.ts";

/**
 * drizzle-orm's own tracking table, so a database migrated by either drizzle-kit or this runner
 * looks migrated to the other. `applied_at` is ours: drizzle's `created_at` is the journal time of
 * the migration, not when it ran. drizzle ignores the extra column and leaves it NULL; it has no
 * default so that adding it to drizzle's table does not stamp old rows with the wrong time.
 */
export const TRACKING_SCHEMA = "drizzle";
export const TRACKING_TABLE = "__drizzle_migrations";

export interface AppliedMigration {
  id: number;
  hash: string;
  createdAt: number;
  appliedAt: Date | null;
}

export async function ensureTrackingTable(handle: DatabaseHandle): Promise<void> {
  await handle.query(sql`CREATE SCHEMA IF NOT EXISTS ${sql.identifier(TRACKING_SCHEMA)}`);
  await handle.query(sql`
    CREATE TABLE IF NOT EXISTS ${sql.identifier(TRACKING_SCHEMA)}.${sql.identifier(TRACKING_TABLE)} (
      id SERIAL PRIMARY KEY,
      hash text NOT NULL,
      created_at bigint
    )`);
  await handle.query(sql`
    ALTER TABLE ${sql.identifier(TRACKING_SCHEMA)}.${sql.identifier(TRACKING_TABLE)}
      ADD COLUMN IF NOT EXISTS applied_at timestamp with time zone`);
}

export async function trackingTableExists(handle: DatabaseHandle): Promise<boolean> {
  const rows = await handle.query<{ present: boolean }>(
    sql`SELECT to_regclass(${`${TRACKING_SCHEMA}.${TRACKING_TABLE}`}) IS NOT NULL AS present`,
  );
  return rows[0]?.present === true;
}

export async function readAppliedMigrations(handle: DatabaseHandle): Promise<AppliedMigration[]> {
  if (!(await trackingTableExists(handle))) return [];
  // A table created by drizzle-orm has no applied_at until this runner migrates once; status and
  // dry runs only read, so they must cope without it.
  const [column] = await handle.query<{ present: boolean }>(sql`
    SELECT EXISTS (
      SELECT 1 FROM pg_attribute
      WHERE attrelid = to_regclass(${`${TRACKING_SCHEMA}.${TRACKING_TABLE}`})
        AND attname = 'applied_at' AND NOT attisdropped
    ) AS present`);
  const appliedAt = column?.present ? sql`applied_at` : sql`NULL::timestamptz AS applied_at`;
  const rows = await handle.query<{
    id: number;
    hash: string;
    created_at: string | number | null;
    applied_at: Date | string | null;
  }>(sql`
    SELECT id, hash, created_at, ${appliedAt}
    FROM ${sql.identifier(TRACKING_SCHEMA)}.${sql.identifier(TRACKING_TABLE)}
    ORDER BY created_at, id`);
  return rows.map((row) => ({
    id: Number(row.id),
    hash: row.hash,
    createdAt: Number(row.created_at),
    appliedAt: row.applied_at === null ? null : new Date(row.applied_at),
  }));
}

/** The row that marks a migration applied; run it inside the migration's transaction. */
export const recordAppliedStatement = (hash: string, createdAt: number): SQL => sql`
  INSERT INTO ${sql.identifier(TRACKING_SCHEMA)}.${sql.identifier(TRACKING_TABLE)}
    (hash, created_at, applied_at)
  VALUES (${hash}, ${createdAt}, now())`;

/** Removes the row of a rolled-back migration; run it inside the down script's transaction. */
export const deleteAppliedStatement = (hash: string, createdAt: number): SQL => sql`
  DELETE FROM ${sql.identifier(TRACKING_SCHEMA)}.${sql.identifier(TRACKING_TABLE)}
  WHERE hash = ${hash} AND created_at = ${createdAt}`;
