import { getTableName, sql } from "drizzle-orm";
import type { DatabaseHandle } from "./client/handle.ts";
import { RefusedError } from "./errors.ts";
import { TRACKING_SCHEMA } from "./migrator/tracking.ts";
import {
  botJobHourly,
  botJobTotals,
  jobStages,
  jobs,
  ROLLUP_HELPER_FUNCTIONS,
  ROLLUP_TRIGGER_FUNCTIONS,
  stageTotals,
} from "./schema/index.ts";

const AUDIT_TABLES = [jobStages, jobs, botJobHourly, botJobTotals, stageTotals];

export interface ResetOptions {
  /** The caller's explicit yes (the CLI's `--yes`); without it nothing is dropped. */
  confirmed: boolean;
  /** True under NODE_ENV=production, where reset always refuses. */
  production: boolean;
}

const DISPOSABLE_DATABASE_NAME = /_(test|dev)$/;

/**
 * Why resetting this target is refused, or null when it is allowed. The seed's 004_reset_schema
 * drops every table; run by mistake against production it destroys the audit trail, so it only
 * touches the embedded database or a database whose name says it is disposable.
 */
export async function resetRefusal(
  handle: DatabaseHandle,
  options: ResetOptions,
): Promise<string | null> {
  if (options.production) return "reset is refused when NODE_ENV=production";
  if (handle.engine === "postgres") {
    const [row] = await handle.query<{ name: string }>(sql`SELECT current_database() AS name`);
    const name = row?.name ?? "";
    if (!DISPOSABLE_DATABASE_NAME.test(name)) {
      return `reset is refused on database "${name}": only the embedded database or a database whose name ends in _test or _dev can be reset`;
    }
  }
  if (!options.confirmed)
    return "reset drops every audit table and its data; confirm it explicitly";
  return null;
}

/**
 * Drops the audit schema — views, tables and the migration history — in one transaction, so a
 * following migrate rebuilds it from scratch. Other objects in the database are left alone.
 */
export async function resetDatabase(handle: DatabaseHandle, options: ResetOptions): Promise<void> {
  const refusal = await resetRefusal(handle, options);
  if (refusal) throw new RefusedError(refusal);
  const tables = AUDIT_TABLES.map((table) => sql.identifier(getTableName(table)));
  const functions = [
    ...ROLLUP_TRIGGER_FUNCTIONS.map((name) => sql`${sql.identifier(name)}()`),
    ...ROLLUP_HELPER_FUNCTIONS.map((signature) => sql.raw(signature)),
  ];
  await handle.db.transaction(async (tx) => {
    // CASCADE takes the views (and aliases) that select from the tables, and their triggers.
    await tx.execute(sql`DROP TABLE IF EXISTS ${sql.join(tables, sql`, `)} CASCADE`);
    await tx.execute(sql`DROP FUNCTION IF EXISTS ${sql.join(functions, sql`, `)}`);
    await tx.execute(sql`DROP SCHEMA IF EXISTS ${sql.identifier(TRACKING_SCHEMA)} CASCADE`);
  });
}
