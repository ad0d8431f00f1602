import type { DatabaseHandle } from "../../client/handle.ts";
import { ruleShape } from "./equivalent-rules.ts";
import type { LiveConstraint, LiveIndex } from "./live-details.ts";
import { qualified, quoteIdentifier, type StepChanges } from "./plan-types.ts";
import { findViolatingRows, type RowKey } from "./row-violations.ts";

export interface ConstraintInputs {
  table: string;
  want: LiveConstraint[];
  have: LiveConstraint[];
  /** The live table's indexes: a unique index can become our unique constraint. */
  haveIndexes: LiveIndex[];
  key: RowKey;
  dropOperatorObjects: boolean;
}

const KIND_WORD: Record<string, string> = {
  p: "primary key",
  u: "unique key",
  c: "check",
  f: "foreign key",
};

const sameColumns = (a: LiveConstraint, b: LiveConstraint) => a.columns.join() === b.columns.join();

/** The condition under which a row breaks a constraint (for a key: shares it with another row). */
function breakingCondition(constraint: LiveConstraint): string {
  if (constraint.kind === "c") return `NOT (${constraint.definition.replace(/^CHECK /, "")})`;
  if (constraint.kind === "u" || constraint.kind === "p") {
    const columns = constraint.columns.map(quoteIdentifier).join(", ");
    return `(${columns}) IN (SELECT ${columns} FROM ${qualified(constraint.table)} GROUP BY ${columns} HAVING count(*) > 1)`;
  }
  // Our only foreign key: a stage whose job is not stored.
  const reference = /^FOREIGN KEY \((.+)\) REFERENCES (\w+)\((.+)\)/.exec(constraint.definition);
  if (!reference) throw new Error(`unexpected foreign key ${constraint.definition}`);
  const [, columns, parent, parentColumns] = reference;
  return `(${columns}) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${qualified(parent ?? "")} AS parent WHERE (parent.${parentColumns}) = (${columns}))`;
}

/** ADD … NOT VALID, then VALIDATE: the rule binds new rows at once and is then proved on old ones. */
function addValidated(
  table: string,
  constraint: LiveConstraint,
  reason: string,
  changes: StepChanges,
) {
  const name = quoteIdentifier(constraint.name);
  changes.late.push(
    {
      sql: `ALTER TABLE ${qualified(table)} ADD CONSTRAINT ${name} ${constraint.definition} NOT VALID`,
      why: `${reason}; NOT VALID so that adding it does not scan, and it binds every write from here on`,
    },
    {
      sql: `ALTER TABLE ${qualified(table)} VALIDATE CONSTRAINT ${name}`,
      why: `proves ${constraint.name} on every stored row (none broke it when counted); a row that broke it since stops the whole adoption, changing nothing`,
    },
  );
}

/**
 * Matches our constraints to the live ones by what they enforce, not their names: the same rule
 * under another name is renamed; the same rule written against VARCHAR (casts PostgreSQL cannot
 * drop on its own) is replaced by ours; a missing rule is added once no stored row breaks it.
 * Constraints of no rule of ours are kept (or dropped with `--drop-operator-objects`).
 */
export async function planConstraints(
  handle: DatabaseHandle,
  inputs: ConstraintInputs,
  changes: StepChanges,
): Promise<void> {
  const { table, want, have } = inputs;
  const claimed = new Set<string>();
  const wantedNames = new Set(want.map((constraint) => constraint.name));
  const unclaimed = (kind: string) =>
    have.filter((live) => live.kind === kind && !claimed.has(live.name));
  const tableName = qualified(table);

  // A live constraint under one of our names that is not ours moves aside, to be kept.
  for (const live of have) {
    const ours = want.find((wanted) => wanted.name === live.name);
    if (ours && ruleShape(ours.definition) !== ruleShape(live.definition)) {
      const aside = `${live.name}_legacy`.slice(0, 63);
      changes.renames.push({
        sql: `ALTER TABLE ${tableName} RENAME CONSTRAINT ${quoteIdentifier(live.name)} TO ${quoteIdentifier(aside)}`,
        why: `the name is ours but the rule (${live.definition}) is not; it moves aside, kept, so ours can take the name`,
      });
      live.name = aside;
    }
  }

  for (const wanted of want) {
    const word = KIND_WORD[wanted.kind] ?? "constraint";
    const equivalent =
      have.find((live) => live.name === wanted.name && live.definition === wanted.definition) ??
      unclaimed(wanted.kind).find(
        (live) =>
          sameColumns(live, wanted) && ruleShape(live.definition) === ruleShape(wanted.definition),
      );
    if (equivalent) {
      claimed.add(equivalent.name);
      if (equivalent.definition !== wanted.definition) {
        changes.early.push({
          sql: `ALTER TABLE ${tableName} DROP CONSTRAINT ${quoteIdentifier(equivalent.name)}`,
          why: `${equivalent.name} is our ${wanted.name} written against VARCHAR (${equivalent.definition}); ours replaces it below, in this transaction, so the rule never lapses`,
        });
        addValidated(
          table,
          wanted,
          `the ${word} ${wanted.name} replaces ${equivalent.name}`,
          changes,
        );
      } else if (equivalent.name !== wanted.name) {
        changes.renames.push({
          sql: `ALTER TABLE ${tableName} RENAME CONSTRAINT ${quoteIdentifier(equivalent.name)} TO ${quoteIdentifier(wanted.name)}`,
          why: `${equivalent.name} enforces exactly our ${word} ${wanted.name} (${wanted.definition}); renaming changes only the catalog${wanted.kind === "p" || wanted.kind === "u" ? ", its index is renamed with it" : ""}`,
        });
      }
      continue;
    }
    const broken = await findViolatingRows(
      handle,
      `${word} ${wanted.name} ${wanted.definition}`,
      table,
      breakingCondition(wanted),
      inputs.key,
    );
    if (broken) {
      changes.violations.push(broken);
      continue;
    }
    if (wanted.kind === "u" || wanted.kind === "p") {
      const index = inputs.haveIndexes.find(
        (live) =>
          live.unique &&
          live.constraint === null &&
          live.definition.endsWith(`(${wanted.columns.join(", ")})`) &&
          wanted.definition.endsWith(`(${wanted.columns.join(", ")})`),
      );
      if (index) {
        claimed.add(index.name);
        changes.late.push({
          sql: `ALTER TABLE ${tableName} ADD CONSTRAINT ${quoteIdentifier(wanted.name)} ${wanted.kind === "p" ? "PRIMARY KEY" : "UNIQUE"} USING INDEX ${quoteIdentifier(index.name)}`,
          why: `the unique index ${index.name} already enforces our ${word} ${wanted.name}; the constraint takes it over (and its name) without building anything`,
        });
      } else {
        changes.late.push({
          sql: `ALTER TABLE ${tableName} ADD CONSTRAINT ${quoteIdentifier(wanted.name)} ${wanted.definition}`,
          why: `our ${word} ${wanted.name} is missing; no two stored rows share its columns (counted before planning)`,
        });
      }
      continue;
    }
    const sameColumnsKey =
      wanted.kind === "f" ? unclaimed("f").find((live) => sameColumns(live, wanted)) : undefined;
    if (sameColumnsKey) {
      claimed.add(sameColumnsKey.name);
      changes.early.push({
        sql: `ALTER TABLE ${tableName} DROP CONSTRAINT ${quoteIdentifier(sameColumnsKey.name)}`,
        why: `${sameColumnsKey.name} (${sameColumnsKey.definition}) is the same reference as our ${wanted.name} with other actions; ours replaces it below, in this transaction`,
      });
    }
    addValidated(
      table,
      wanted,
      `our ${word} ${wanted.name} is ${sameColumnsKey ? `stated differently here` : "missing"}`,
      changes,
    );
  }

  for (const live of have.filter((constraint) => !claimed.has(constraint.name))) {
    if (wantedNames.has(live.name)) continue;
    if (inputs.dropOperatorObjects && live.kind !== "p") {
      changes.dropped.push({
        sql: `ALTER TABLE ${tableName} DROP CONSTRAINT ${quoteIdentifier(live.name)}`,
        why: `${live.name} (${live.definition}) is none of ours, and --drop-operator-objects asks for it to go`,
      });
    } else {
      changes.kept.push({
        kind: "constraint",
        table,
        name: live.name,
        definition: live.definition,
      });
    }
  }
}
