import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "./handle.ts";

/** The tables an embedded vacuum went through, by what it did to them. */
export interface EmbeddedVacuumReport {
  /** Vacuumed and analyzed. */
  vacuumed: string[];
  /** Analyzed only: changed enough for new statistics, not enough for a vacuum. */
  analyzed: string[];
}

/** A table of the audit schema and what autovacuum's thresholds say it is due for. */
interface TableDue extends Record<string, unknown> {
  table: string;
  vacuum: boolean;
  analyze: boolean;
}

/** One of autovacuum's settings, as the database has it. */
const setting = (name: string) => sql`current_setting(${name}, true)::float8`;

/**
 * What autovacuum would do now to the embedded database's tables, done in the foreground.
 *
 * PGlite runs no autovacuum: an embedded database never reclaims the row versions its updates
 * leave (a job is updated as it starts and finishes, a rollup row at every write), never gets
 * statistics for its planner, and never marks pages all-visible, so every index read of it (the
 * recent page's stage counts among them) visits the table as well. After a command that wrote
 * many rows, this applies autovacuum's own rule with the database's own settings (a table whose
 * dead rows, inserts since its last vacuum or changes since its last analyze pass `threshold +
 * scale_factor × rows`) and analyzes, or analyzes and vacuums, the tables past it.
 *
 * On PostgreSQL it does nothing and returns null: the server's autovacuum does this, in the
 * background, where a foreground VACUUM would hold up the command that asked for it.
 */
export async function vacuumEmbeddedAsNeeded(
  handle: DatabaseHandle,
): Promise<EmbeddedVacuumReport | null> {
  if (handle.engine !== "pglite") return null;
  // PGlite holds a statement's statistics back for up to a second; this makes the next
  // statement's end send them, so that the counts read below include the last write.
  await handle.query(sql`SELECT pg_stat_force_next_flush()`);
  // reltuples is -1 for a table never vacuumed nor analyzed: no rows known, as autovacuum reads it.
  const rows = sql`greatest(c.reltuples, 0)`;
  const due = await handle.query<TableDue>(sql`
    SELECT s.relname AS "table",
      s.n_dead_tup > least(${setting("autovacuum_vacuum_max_threshold")},
          ${setting("autovacuum_vacuum_threshold")} + ${setting("autovacuum_vacuum_scale_factor")} * ${rows})
        OR s.n_ins_since_vacuum > ${setting("autovacuum_vacuum_insert_threshold")}
          + ${setting("autovacuum_vacuum_insert_scale_factor")} * ${rows} AS vacuum,
      s.n_mod_since_analyze > ${setting("autovacuum_analyze_threshold")}
          + ${setting("autovacuum_analyze_scale_factor")} * ${rows} AS analyze
    FROM pg_stat_user_tables AS s JOIN pg_class AS c ON c.oid = s.relid
    WHERE s.schemaname = current_schema()
    ORDER BY 1`);
  const report: EmbeddedVacuumReport = {
    vacuumed: due.filter((table) => table.vacuum).map(({ table }) => table),
    analyzed: due.filter((table) => table.analyze && !table.vacuum).map(({ table }) => table),
  };
  // Every table first analyzed, then those due vacuumed: on PGlite (0.5.16, measured) a VACUUM
  // straight after the writes marks no page all-visible until an ANALYZE has run since them, and
  // the pages' visibility is what lets index reads skip the table (ingest.test.ts checks it).
  for (const table of [...report.vacuumed, ...report.analyzed]) {
    await handle.query(sql`ANALYZE ${sql.identifier(table)}`);
  }
  for (const table of report.vacuumed) {
    await handle.query(sql`VACUUM ${sql.identifier(table)}`);
  }
  return report;
}
