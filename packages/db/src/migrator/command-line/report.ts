import type { MigrateResult, MigrationEvent } from "../migrate.ts";
import type { RollbackEvent, RollbackPlan, RollbackResult } from "../rollback.ts";
import { describeDroppedTables } from "../rollback-guard.ts";

/**
 * The lines both command lines print for the migrator's events, written once. A dry run prints
 * SQL, each script in its transaction, and its own lines are SQL comments: the output is plain
 * SQL to review (`migrate --dry-run > plan.sql`).
 */

/** Colours for a terminal; the plain default prints the text as it is. */
export interface LinePaint {
  good(text: string): string;
  warn(text: string): string;
}

const PLAIN: LinePaint = { good: (text) => text, warn: (text) => text };

export interface ReportStyle {
  dryRun: boolean;
  paint?: LinePaint;
}

const statements = (count: number): string => `${count} statement${count === 1 ? "" : "s"}`;

/** A statement as a script holds it: ended by a semicolon that no trailing comment swallows. */
function terminated(statement: string): string {
  if (statement.endsWith(";")) return statement;
  const lastLine = statement.slice(statement.lastIndexOf("\n") + 1);
  return lastLine.includes("--") ? `${statement}\n;` : `${statement};`;
}

/**
 * A migration or down script as the runner executes it: in a transaction of its own unless it
 * is marked to run without one. The runner's bookkeeping (its lock, the tracking row) is not
 * shown: the script is for reading, not for applying by hand.
 */
function script(title: string, statements: readonly string[], transactional: boolean): string {
  const body = statements.map(terminated).join("\n");
  return transactional
    ? `-- ${title}\nBEGIN;\n${body}\nCOMMIT;\n`
    : `-- ${title} (no transaction)\n${body}\n`;
}

/** A line said between the SQL of a dry run is a comment. */
const note = (text: string, { dryRun }: ReportStyle): string => (dryRun ? `-- ${text}` : text);

type SharedEvent = Extract<
  MigrationEvent | RollbackEvent,
  { type: "waiting-for-lock" | "lock-retry" }
>;

function sharedEventLine(event: SharedEvent, style: ReportStyle): string {
  const paint = style.paint ?? PLAIN;
  switch (event.type) {
    case "waiting-for-lock":
      return note("  another migration run holds the lock; waiting for it to finish", style);
    case "lock-retry":
      return `  ${paint.warn("lock timeout")} in ${event.tag} (attempt ${event.attempt}); retrying in ${event.delayMs} ms`;
  }
}

export function migrationEventLine(event: MigrationEvent, style: ReportStyle): string {
  const paint = style.paint ?? PLAIN;
  switch (event.type) {
    case "applied":
      return `  ${paint.good("applied")} ${event.tag} (${statements(event.statements)}, ${event.milliseconds} ms)`;
    case "would-apply":
      return script(event.tag, event.statements, event.transactional);
    case "warning":
      return `  ${paint.warn("warning")}: ${event.message.replaceAll("\n", "\n    ")}`;
    default:
      return sharedEventLine(event, style);
  }
}

export function rollbackEventLine(event: RollbackEvent, style: ReportStyle): string {
  const paint = style.paint ?? PLAIN;
  switch (event.type) {
    case "rolled-back":
      return `  ${paint.good("rolled back")} ${event.tag} (${statements(event.statements)}, ${event.milliseconds} ms)`;
    case "would-roll-back":
      return script(`${event.tag}.down.sql`, event.statements, event.transactional);
    default:
      return sharedEventLine(event, style);
  }
}

/** The first line: what is about to happen to which database. */
export function headerLine(action: "migrate" | "rollback", target: string, style: ReportStyle) {
  if (style.dryRun) return note(`Dry run against ${target}: nothing is executed`, style);
  return `${action === "migrate" ? "Migrating" : "Rolling back"} ${target}`;
}

/**
 * What a rollback is about to undo, said before it runs (or, in a dry run, before its SQL): the
 * migrations newest first and the tables it drops with their rows. `refusal` is what a dry run
 * says the real run would be told.
 */
export function rollbackPlanLines(
  plan: RollbackPlan,
  style: ReportStyle,
  refusal: string | null,
): string[] {
  if (plan.migrations.length === 0) return [];
  const lines = [
    note(`  undoes, newest first: ${plan.migrations.join(", ")}`, style),
    note(
      plan.droppedTables.length === 0
        ? "  drops no table"
        : `  drops: ${describeDroppedTables(plan)}`,
      style,
    ),
  ];
  if (refusal !== null) lines.push(note(`  without --dry-run: ${refusal}`, style));
  return lines;
}

export function migrateSummaryLine(
  result: MigrateResult,
  wouldApply: readonly string[],
  style: ReportStyle,
): string {
  if (style.dryRun) {
    return note(`Dry run: ${wouldApply.length} migration(s) would be applied.`, style);
  }
  return result.applied.length === 0
    ? `Already up to date (${result.alreadyApplied} migrations applied).`
    : `Applied ${result.applied.length} migration(s); ${result.alreadyApplied + result.applied.length} in all.`;
}

export function rollbackSummaryLine(
  result: RollbackResult,
  wouldRollBack: readonly string[],
  style: ReportStyle,
): string {
  if (style.dryRun) {
    return note(`Dry run: ${wouldRollBack.length} migration(s) would be rolled back.`, style);
  }
  return result.rolledBack.length === 0
    ? "Nothing to roll back: no migration is applied."
    : `Rolled back ${result.rolledBack.length} migration(s); ${result.remaining} still applied.`;
}
