import type { LockOptions } from "../migrate.ts";
import {
  type FlagRule,
  JSON_FLAG,
  LOCK_FLAGS,
  type LockFlagValues,
  lockOptionsOf,
} from "./flags.ts";

/** `forus-audit adopt`: the migrator's lock flags, since the reconciliation runs like a migration. */
export const ADOPT_FLAGS: readonly FlagRule[] = [
  {
    name: "dry-run",
    description: "print the plan (SQL with a reason per statement); change nothing",
  },
  {
    name: "drop-operator-objects",
    description:
      "drop the indexes, checks, triggers and views that are none of ours instead of keeping them (columns and tables are always kept)",
  },
  ...LOCK_FLAGS,
  JSON_FLAG,
];

export interface AdoptFlagValues extends LockFlagValues {
  dropOperatorObjects?: boolean;
}

/** The options of `adoptLegacyDatabase` (in drift, a layer above: hence spelled out here). */
export interface AdoptFlagOptions extends LockOptions {
  dryRun: boolean;
  dropOperatorObjects: boolean;
}

export function adoptOptionsOf(values: AdoptFlagValues): AdoptFlagOptions {
  return {
    ...lockOptionsOf(values),
    dryRun: values.dryRun === true,
    dropOperatorObjects: values.dropOperatorObjects === true,
  };
}
