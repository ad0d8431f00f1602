/**
 * `pnpm db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database when
 * it is unset, and prints what it applied. The flags, the lines and the JSON are those of
 * `forus-audit migrate` (migrator/command-line); `--help` lists the flags.
 */
import { loadConfig } from "../config.ts";
import { describeFailure } from "../failures/describe-failure.ts";
import {
  describeFlags,
  MIGRATE_FLAGS,
  type MigrateFlagValues,
  migrateCommand,
  parseFlags,
} from "../migrator/command-line/index.ts";
import { tolerateGoneReader } from "../output/closed-pipe.ts";

const USAGE = `Usage: pnpm db:migrate [options]

Applies pending migrations to DATABASE_URL (or the embedded database when it is unset), each in its
own transaction, under an advisory lock so that concurrent deploys are safe. The same command as
forus-audit migrate.

Options:
${describeFlags([...MIGRATE_FLAGS, { name: "help", description: "show this text" }])}`;

tolerateGoneReader(process.stdout);
tolerateGoneReader(process.stderr);

try {
  const command = parseFlags<MigrateFlagValues>(MIGRATE_FLAGS, process.argv.slice(2));
  if (command.help) {
    console.log(USAGE);
  } else {
    await migrateCommand(loadConfig().database, command.values, {
      print: (text) => console.log(text),
      printJson: (value) => console.log(JSON.stringify(value, null, 2)),
    });
  }
} catch (error) {
  const { message, exitCode } = describeFailure(error);
  console.error(`db:migrate: ${message}`);
  process.exitCode = exitCode;
}
