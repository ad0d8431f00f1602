/** One statement of an adoption plan, with the reason it is there (printed above it). */
export interface PlannedStatement {
  sql: string;
  why: string;
}

export type KeptObjectKind =
  | "table"
  | "column"
  | "index"
  | "constraint"
  | "trigger"
  | "view"
  | "sequence"
  | "function";

/**
 * Something in the live schema that none of our migrations makes: an operator added it, or the
 * seed's scripts made it under a name and shape ours do not use. It is kept as it is (never
 * dropped without `--drop-operator-objects`, columns and tables never), recorded with its
 * definition so `check` knows it for the operator's and not for drift.
 */
export interface KeptObject {
  kind: KeptObjectKind;
  /** The table it belongs to (column, index, constraint, trigger); null for the others. */
  table: string | null;
  name: string;
  definition: string;
}

/** Stored rows that break a rule the plan would add; the plan stops before changing anything. */
export interface RowViolation {
  rule: string;
  table: string;
  count: number;
  /** What the keys are: the primary key's column(s), e.g. `job_id`. */
  keyLabel: string;
  /** Primary keys of the first of them (at most `VIOLATION_SAMPLE`). */
  keys: string[];
}

export const VIOLATION_SAMPLE = 20;

/** A difference the plan cannot reconcile without changing data or guessing. */
export interface Obstacle {
  what: string;
}

export interface StepChanges {
  /** Run first, before any column changes type (legacy checks re-parsed by ALTER TYPE). */
  early: PlannedStatement[];
  renames: PlannedStatement[];
  columns: PlannedStatement[];
  /** Constraints and indexes added once the columns have their final type. */
  late: PlannedStatement[];
  kept: KeptObject[];
  dropped: PlannedStatement[];
  violations: RowViolation[];
  obstacles: Obstacle[];
}

export const emptyChanges = (): StepChanges => ({
  early: [],
  renames: [],
  columns: [],
  late: [],
  kept: [],
  dropped: [],
  violations: [],
  obstacles: [],
});

/** Quotes an identifier for SQL text the plan prints and runs (names come from the catalogs). */
export const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

export const qualified = (table: string): string => `public.${quoteIdentifier(table)}`;
