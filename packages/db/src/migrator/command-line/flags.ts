import { parseArgs } from "node:util";
import { UsageError } from "../../errors.ts";
import { DEFAULT_LOCK_RETRY } from "../lock-retry.ts";
import type { LockOptions, MigrateOptions } from "../migrate.ts";
import type { RollbackOptions } from "../rollback.ts";
import { DEFAULT_TIMEOUTS } from "../run-script.ts";

/**
 * The migrate and rollback flags, written once for both command lines: `pnpm db:migrate` reads
 * them with node:util's parseArgs, `forus-audit` registers them with commander. Same names,
 * same values accepted, same words in `--help`.
 */
export interface FlagRule {
  /** As typed, without the dashes: `lock-timeout`. */
  name: string;
  /** The value's name in help (`MS`); none for a switch. */
  value?: string;
  description: string;
  /** Reads the value; throws a `UsageError` naming the flag. */
  parse?: (text: string) => number;
}

/** The largest value PostgreSQL takes for lock_timeout and statement_timeout (INT_MAX ms). */
const MAX_SETTING = 2_147_483_647;

function wholeNumber(flag: string, unit: string): (text: string) => number {
  return (text) => {
    if (!/^\d+$/.test(text)) {
      throw new UsageError(`--${flag} takes a whole number of ${unit} (got "${text}")`);
    }
    const value = Number(text);
    if (value > MAX_SETTING) {
      throw new UsageError(`--${flag} is at most ${MAX_SETTING} ${unit} (got ${text})`);
    }
    return value;
  };
}

export const LOCK_FLAGS: FlagRule[] = [
  {
    name: "lock-timeout",
    value: "MS",
    description: `how long a statement may wait for a lock (default ${DEFAULT_TIMEOUTS.lockTimeoutMs}; 0 = no limit)`,
    parse: wholeNumber("lock-timeout", "milliseconds"),
  },
  {
    name: "statement-timeout",
    value: "MS",
    description: `how long a statement may run (default ${DEFAULT_TIMEOUTS.statementTimeoutMs}; 0 = no limit)`,
    parse: wholeNumber("statement-timeout", "milliseconds"),
  },
  {
    name: "retries",
    value: "N",
    description: `further attempts after a lock timeout, with exponential backoff (default ${DEFAULT_LOCK_RETRY.retries})`,
    parse: wholeNumber("retries", "attempts"),
  },
];

export const JSON_FLAG: FlagRule = {
  name: "json",
  description: "print the result as one JSON document",
};

export const MIGRATE_FLAGS: readonly FlagRule[] = [
  { name: "dry-run", description: "print the SQL that would run; change nothing" },
  { name: "to", value: "NAME", description: "stop after migration NAME (e.g. 0002_alias_views)" },
  ...LOCK_FLAGS,
  JSON_FLAG,
];

export const ROLLBACK_FLAGS: readonly FlagRule[] = [
  { name: "dry-run", description: "print the down scripts that would run; change nothing" },
  {
    name: "to",
    value: "NAME",
    description: "keep migration NAME applied and roll back every newer one",
  },
  {
    name: "all",
    description: "roll back every applied migration: drops every audit table and its rows",
  },
  {
    name: "yes",
    description:
      "confirm the rollback shown (target, migrations, tables dropped with their rows); without it nothing runs",
  },
  ...LOCK_FLAGS,
  JSON_FLAG,
];

export interface LockFlagValues {
  lockTimeout?: number;
  statementTimeout?: number;
  retries?: number;
  json?: boolean;
  dryRun?: boolean;
  to?: string;
}

/** What the migrate flags hold, keyed as commander keys them (`--dry-run` → `dryRun`). */
export type MigrateFlagValues = LockFlagValues;

/** What the rollback flags hold. */
export interface RollbackFlagValues extends LockFlagValues {
  all?: boolean;
  yes?: boolean;
}

/** The flag's key in the values: `lock-timeout` → `lockTimeout`. */
export const flagKey = (name: string): string =>
  name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

export function lockOptionsOf(values: LockFlagValues): LockOptions {
  return {
    ...(values.lockTimeout === undefined ? {} : { lockTimeoutMs: values.lockTimeout }),
    ...(values.statementTimeout === undefined
      ? {}
      : { statementTimeoutMs: values.statementTimeout }),
    ...(values.retries === undefined ? {} : { retries: values.retries }),
  };
}

export function migrateOptionsOf(values: MigrateFlagValues): MigrateOptions {
  return {
    ...lockOptionsOf(values),
    ...(values.to === undefined ? {} : { to: values.to }),
    dryRun: values.dryRun === true,
  };
}

export function rollbackOptionsOf(values: RollbackFlagValues): RollbackOptions {
  if (values.to !== undefined && values.all === true) {
    throw new UsageError("give either --to or --all, not both");
  }
  return {
    ...lockOptionsOf(values),
    ...(values.to === undefined ? {} : { to: values.to }),
    all: values.all === true,
    dryRun: values.dryRun === true,
  };
}

/** `--lock-timeout MS    how long …`: the flags as `--help` lists them. */
export function describeFlags(rules: readonly FlagRule[]): string {
  const spelled = rules.map((rule) => `--${rule.name}${rule.value ? ` ${rule.value}` : ""}`);
  const width = Math.max(...spelled.map((text) => text.length)) + 2;
  return rules
    .map((rule, index) => `  ${(spelled[index] ?? "").padEnd(width)}${rule.description}`)
    .join("\n");
}

/**
 * Reads `args` against `rules` (plus `--help`) with node:util's parseArgs, for a command line
 * without commander. A wrong flag or value is a usage error naming it.
 */
export function parseFlags<Values>(
  rules: readonly FlagRule[],
  args: string[],
): { help: true } | { help: false; values: Values } {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const rule of rules) options[rule.name] = { type: rule.value ? "string" : "boolean" };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split("\n")[0]} (see --help)`);
  }
  if (parsed.values.help === true) return { help: true };
  const values: Record<string, string | number | boolean> = {};
  for (const rule of rules) {
    const given = parsed.values[rule.name];
    if (given === undefined || Array.isArray(given)) continue;
    values[flagKey(rule.name)] =
      rule.parse && typeof given === "string" ? rule.parse(given) : given;
  }
  return { help: false, values: values as Values };
}
