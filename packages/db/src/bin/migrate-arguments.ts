import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import type { MigrateOptions } from "../migrator/index.ts";

export const MIGRATE_USAGE = `Usage: pnpm db:migrate [options]

Applies pending migrations to DATABASE_URL (or the embedded database when it is unset), each in its
own transaction, under an advisory lock so that concurrent deploys are safe.

Options:
  --dry-run                 print the SQL that would run; change nothing
  --to NAME                 stop after migration NAME (e.g. 0002_alias_views)
  --lock-timeout MS         lock_timeout of each migration (default 5000)
  --statement-timeout MS    statement_timeout of each statement (default 600000; 0 = none)
  --retries N               attempts after a lock timeout, with exponential backoff (default 5)
  --help                    show this text`;

function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    throw new UsageError(
      `--${flag} takes a whole number of ${flag === "retries" ? "attempts" : "milliseconds"} (got "${value}")`,
    );
  }
  return Number(value);
}

export type MigrateCommand = { help: true } | { help: false; options: MigrateOptions };

/** Reads `db:migrate`'s flags; a wrong one is a usage error naming the flag. */
export function parseMigrateArguments(args: string[]): MigrateCommand {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split("\n")[0]} (see --help)`);
  }
  const { values } = parsed;
  if (values.help) return { help: true };
  return {
    help: false,
    options: {
      dryRun: values["dry-run"] ?? false,
      ...(values.to === undefined ? {} : { to: values.to }),
      lockTimeoutMs: wholeNumber("lock-timeout", values["lock-timeout"]),
      statementTimeoutMs: wholeNumber("statement-timeout", values["statement-timeout"]),
      retries: wholeNumber("retries", values.retries),
    },
  };
}

const parse = (args: string[]) =>
  parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      "dry-run": { type: "boolean" },
      to: { type: "string" },
      "lock-timeout": { type: "string" },
      "statement-timeout": { type: "string" },
      retries: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
