import type { Command } from "@commander-js/extra-typings";
import {
  ROLLBACK_FLAGS,
  type RollbackFlagValues,
  rollbackCommand,
} from "@forusbots/db/migrator/command-line";
import type { CliContext } from "../context.ts";
import { addFlagRules, commandOutput } from "../migrator-flags.ts";

export function registerRollback(program: Command, cli: CliContext): void {
  const command = program
    .command("rollback")
    .description(
      "undo the newest applied migration with its hand-written down script (--to: every newer one); shows the target and the rows it would drop, runs only with --yes",
    );
  addFlagRules(command, ROLLBACK_FLAGS);
  command.action(async (options: RollbackFlagValues) => {
    const { production } = cli.config();
    await cli.withDatabase(
      (handle) => rollbackCommand(handle, options, commandOutput(cli), { production }),
      {
        requireSchema: false,
        // One session: the advisory lock must cover every statement of the run.
        maxConnections: 1,
      },
    );
  });
}
