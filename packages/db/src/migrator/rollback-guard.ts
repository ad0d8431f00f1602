import type { DroppedTable, RollbackPlan } from "./rollback.ts";

export interface RollbackGuardOptions {
  /** The operator's explicit yes (`--yes`). */
  confirmed: boolean;
  /** `NODE_ENV=production` (any case), read by `loadConfig`. */
  production: boolean;
}

const rowsOf = (table: DroppedTable): string =>
  `${table.name} (${table.rows.toLocaleString("en-US")} row${table.rows === 1 ? "" : "s"})`;

/**
 * The tables of the audit trail itself that the plan would drop with rows in them. Rollups are
 * left out: they are derived from jobs and job_stages and migrate rebuilds them.
 */
export const auditRowsAtRisk = (plan: RollbackPlan): DroppedTable[] =>
  plan.droppedTables.filter((table) => !table.derived && table.rows > 0);

/**
 * Why this rollback must not run, or null when it may. Under NODE_ENV=production a rollback
 * that would drop a table holding audit rows is refused whatever the flags: the audit trail
 * loses nothing by accident. Anything else that changes the schema needs the explicit yes.
 * A plan that undoes nothing needs neither.
 */
export function rollbackRefusal(plan: RollbackPlan, options: RollbackGuardOptions): string | null {
  if (plan.migrations.length === 0) return null;
  const atRisk = auditRowsAtRisk(plan);
  if (options.production && atRisk.length > 0) {
    // `--to` the newest migration that would drop one keeps it and everything older applied.
    const keep = atRisk.reduce((newest, table) =>
      plan.migrations.indexOf(table.droppedBy) < plan.migrations.indexOf(newest.droppedBy)
        ? table
        : newest,
    );
    return [
      `rollback would drop ${atRisk.map(rowsOf).join(" and ")}: refused under NODE_ENV=production.`,
      `To keep the data, leave ${keep.droppedBy} applied: --to ${keep.droppedBy} rolls back only what is newer.`,
      "If the rows really must go, export them first (forus-audit export -o audit.jsonl, or pg_dump) and run the rollback from a shell without NODE_ENV=production.",
    ].join(" ");
  }
  if (!options.confirmed) {
    return "rollback changes the schema (see what it undoes above); run it again with --yes to confirm, or with --dry-run to see its SQL";
  }
  return null;
}

/** How the plan's dropped tables are listed: `jobs (200 rows), bot_job_totals (5 rows, derived)`. */
export function describeDroppedTables(plan: RollbackPlan): string {
  return plan.droppedTables
    .map((table) =>
      table.derived
        ? `${rowsOf(table).slice(0, -1)}, derived: migrate rebuilds it)`
        : rowsOf(table),
    )
    .join(", ");
}
