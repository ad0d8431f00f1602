import type { Command } from "@commander-js/extra-typings";
import {
  ADOPT_FLAGS,
  type AdoptFlagValues,
  adoptOptionsOf,
} from "@forusbots/db/migrator/command-line";
import type { CliContext } from "../context.ts";
import { addFlagRules } from "../migrator-flags.ts";
import { escapeControlCharacters } from "../output/terminal-text.ts";

export function registerAdopt(program: Command, cli: CliContext): void {
  const command = program
    .command("adopt")
    .description(
      "take over a database built by the old psql scripts: name the script it reached, reconcile its schema to that migration (one transaction under the migration lock, no stored row changed), record the migrations up to it; refuses, changing nothing, when stored rows break a rule it would add",
    );
  addFlagRules(command, ADOPT_FLAGS);
  command.action(async (values: AdoptFlagValues) => {
    const options = adoptOptionsOf(values);
    const { adoptLegacyDatabase } = await import("@forusbots/db/drift");
    const result = await cli.withDatabase(
      async (handle) => ({
        target: handle.description,
        ...(await adoptLegacyDatabase(handle, options)),
      }),
      { requireSchema: false, maxConnections: 1 },
    );
    if (values.json) {
      cli.printJson({ ...result, recordedNothing: options.dryRun });
      return;
    }
    const text = escapeControlCharacters;
    cli.print(`Database: ${result.target}`);
    cli.print(`The schema has reached the seed's script of migration ${result.baseline}:`);
    for (const evidence of result.evidence) cli.print(`  ${text(evidence)}`);
    cli.print(
      `${options.dryRun ? "Plan" : "Ran"}: ${result.statements.length} statement(s) in one transaction, under the migration lock:`,
    );
    for (const statement of result.statements) {
      cli.print(`-- ${text(statement.why)}`);
      // Line by line, so a multi-line view or check reads as SQL (each line still escaped).
      for (const line of `${statement.sql};`.split("\n")) cli.print(text(line));
    }
    if (result.kept.length > 0) {
      cli.print(
        `Kept, none of ours (${options.dropOperatorObjects ? "columns and tables are never dropped" : "--drop-operator-objects drops the indexes, checks, triggers and views"}):`,
      );
      for (const kept of result.kept) {
        cli.print(
          `  ${kept.kind} ${text(kept.name)}${kept.table === null ? "" : ` on ${text(kept.table)}`}: ${text(kept.definition)}`,
        );
      }
    }
    for (const notice of result.notices) cli.print(`${cli.out.yellow("note")} ${text(notice)}`);
    const { before, after } = result.rowCounts;
    if (options.dryRun || after === null) {
      cli.print(
        `Dry run: nothing changed; would record ${result.recorded.length} migration(s) as applied: ${result.recorded.join(", ")}.`,
      );
      return;
    }
    cli.print(
      `Rows unchanged: jobs ${before.jobs} → ${after.jobs}, job_stages ${before.job_stages} → ${after.job_stages}.`,
    );
    cli.print(
      `Recorded ${result.recorded.length} migration(s) as applied: ${result.recorded.join(", ")}. Run migrate for the rest.`,
    );
  });
}
