import type { DatabaseHandle } from "../../client/handle.ts";
import { describeServerIdentity, identifyServer } from "../../client/server-identity.ts";
import { type DatabaseTarget, describeTarget } from "../../config.ts";
import { RefusedError } from "../../errors.ts";
import type { MigrateResult } from "../migrate.ts";
import type { RollbackPlan, RollbackResult } from "../rollback.ts";
import { rollbackRefusal } from "../rollback-guard.ts";
import {
  type MigrateFlagValues,
  migrateOptionsOf,
  type RollbackFlagValues,
  rollbackOptionsOf,
} from "./flags.ts";
import {
  headerLine,
  type LinePaint,
  migrateSummaryLine,
  migrationEventLine,
  type ReportStyle,
  rollbackEventLine,
  rollbackPlanLines,
  rollbackSummaryLine,
} from "./report.ts";

/** Where a command line's results go: its standard output. */
export interface CommandOutput {
  /** One line (or block of lines) of text. */
  print(text: string): void;
  /** One JSON document, the whole result, for `--json`. */
  printJson(value: unknown): void;
  /** Colours, when the output is a terminal that wants them. */
  paint?: LinePaint;
}

const reportStyle = (dryRun: boolean, output: CommandOutput): ReportStyle =>
  output.paint === undefined ? { dryRun } : { dryRun, paint: output.paint };

/**
 * `migrate` as both command lines run it: the same flags, lines and JSON document, whichever
 * prints them. The migrator loads here, when a command runs, not when its flags are read.
 */
export async function migrateCommand(
  target: DatabaseTarget,
  values: MigrateFlagValues,
  output: CommandOutput,
): Promise<MigrateResult> {
  const options = migrateOptionsOf(values);
  const style = reportStyle(options.dryRun === true, output);
  const text = values.json !== true;
  const targetName = describeTarget(target);
  if (text) output.print(headerLine("migrate", targetName, style));
  const wouldApply: string[] = [];
  const warnings: string[] = [];
  const { runMigrations } = await import("../migrate.ts");
  const result = await runMigrations(target, {
    ...options,
    onEvent: (event) => {
      if (event.type === "would-apply") wouldApply.push(event.tag);
      if (event.type === "warning") warnings.push(event.message);
      if (text) output.print(migrationEventLine(event, style));
    },
  });
  if (text) {
    output.print(migrateSummaryLine(result, wouldApply, style));
  } else {
    output.printJson({
      target: targetName,
      applied: result.applied,
      ...(style.dryRun ? { wouldApply } : {}),
      alreadyApplied: result.alreadyApplied,
      ...(warnings.length > 0 ? { warnings } : {}),
    });
  }
  return result;
}

/**
 * `rollback` on a single-session handle (the advisory lock must cover every statement), with
 * the lines and JSON of `migrateCommand`. Before anything runs it names the target as the server
 * reports it (database, user, address) and what it will undo, with the rows of each table it
 * would drop; then it runs only with `--yes`, and never drops audit rows under
 * NODE_ENV=production (`rollbackRefusal`). A dry run shows the same and the SQL.
 */
export async function rollbackCommand(
  handle: DatabaseHandle,
  values: RollbackFlagValues,
  output: CommandOutput,
  environment: { production: boolean },
): Promise<RollbackResult> {
  const options = rollbackOptionsOf(values);
  const style = reportStyle(options.dryRun === true, output);
  const text = values.json !== true;
  const server = await identifyServer(handle);
  const targetName = describeServerIdentity(server, handle);
  if (text) output.print(headerLine("rollback", targetName, style));
  const wouldRollBack: string[] = [];
  let reviewed: RollbackPlan | undefined;
  const { rollback } = await import("../rollback.ts");
  const result = await rollback(handle, {
    ...options,
    review: (plan) => {
      reviewed = plan;
      // A dry run is the preview --yes is asked for: it only warns of the production refusal.
      const refusal = rollbackRefusal(plan, {
        confirmed: values.yes === true || options.dryRun === true,
        production: environment.production,
      });
      if (text) {
        for (const line of rollbackPlanLines(plan, style, options.dryRun ? refusal : null)) {
          output.print(line);
        }
      }
      if (refusal !== null && !options.dryRun) throw new RefusedError(refusal);
    },
    onEvent: (event) => {
      if (event.type === "would-roll-back") wouldRollBack.push(event.tag);
      if (text) output.print(rollbackEventLine(event, style));
    },
  });
  if (text) {
    output.print(rollbackSummaryLine(result, wouldRollBack, style));
  } else {
    output.printJson({
      target: handle.description,
      server,
      ...result,
      droppedTables: reviewed?.droppedTables ?? [],
      ...(style.dryRun ? { wouldRollBack } : {}),
    });
  }
  return result;
}
