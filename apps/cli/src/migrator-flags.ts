import type { Command } from "@commander-js/extra-typings";
import type { CommandOutput, FlagRule } from "@forusbots/db/migrator/command-line";
import type { CliContext } from "./context.ts";

/**
 * Registers the migrator's flags, written once in `@forusbots/db` for this CLI and for
 * `pnpm db:migrate`, on a commander command.
 */
export function addFlagRules(command: Command, rules: readonly FlagRule[]): void {
  for (const rule of rules) {
    const spelled = `--${rule.name}${rule.value ? ` <${rule.value.toLowerCase()}>` : ""}`;
    if (rule.parse) command.option(spelled, rule.description, rule.parse);
    else command.option(spelled, rule.description);
  }
}

/** The migrator commands' output: this CLI's stdout, green and yellow on a terminal. */
export function commandOutput(cli: CliContext): CommandOutput {
  return {
    print: (text) => cli.print(text),
    printJson: (value) => cli.printJson(value),
    paint: { good: cli.out.green, warn: cli.out.yellow },
  };
}
