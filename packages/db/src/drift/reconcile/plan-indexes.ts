import { indexShape } from "./equivalent-rules.ts";
import type { LiveIndex } from "./live-details.ts";
import { quoteIdentifier, type StepChanges } from "./plan-types.ts";

/**
 * Our plain indexes (constraints' indexes go with their constraints): one found under another
 * name is renamed, one missing is built. A live index under one of our names that indexes
 * something else moves aside; indexes of no rule of ours are kept, or dropped with
 * `--drop-operator-objects`.
 */
export function planIndexes(
  table: string,
  want: LiveIndex[],
  have: LiveIndex[],
  claimedByConstraints: Set<string>,
  replacedColumns: string[],
  dropOperatorObjects: boolean,
  changes: StepChanges,
): void {
  const wanted = want.filter((index) => index.constraint === null);
  const candidates = have.filter(
    (index) => index.constraint === null && !claimedByConstraints.has(index.name),
  );
  // An index on a column dropped and added again goes with the column: ours are built again as
  // missing ones, the others exactly as they were.
  const readsReplaced = (index: LiveIndex) =>
    replacedColumns.some((column) => new RegExp(`\\b${column}\\b`).test(index.definition));
  const live = candidates.filter((index) => !readsReplaced(index));
  for (const index of candidates.filter(readsReplaced)) {
    if (dropOperatorObjects) continue;
    if (wanted.some((ours) => indexShape(ours.definition) === indexShape(index.definition)))
      continue;
    changes.late.push({
      sql: index.definition,
      why: `${index.name} is none of ours and went with the column it indexes: built again as it was`,
    });
    changes.kept.push({ kind: "index", table, name: index.name, definition: index.definition });
  }
  const claimed = new Set<string>();
  for (const index of live) {
    const ours = wanted.find((candidate) => candidate.name === index.name);
    if (ours && indexShape(ours.definition) !== indexShape(index.definition)) {
      const aside = `${index.name}_legacy`.slice(0, 63);
      changes.renames.push({
        sql: `ALTER INDEX public.${quoteIdentifier(index.name)} RENAME TO ${quoteIdentifier(aside)}`,
        why: `the name is ours but the index (${index.definition}) is not; it moves aside, kept, so ours can take the name`,
      });
      index.name = aside;
    }
  }
  for (const ours of wanted) {
    const same =
      live.find((index) => index.name === ours.name && !claimed.has(index.name)) ??
      live.find(
        (index) =>
          !claimed.has(index.name) && indexShape(index.definition) === indexShape(ours.definition),
      );
    if (same && indexShape(same.definition) === indexShape(ours.definition)) {
      claimed.add(same.name);
      if (same.name !== ours.name) {
        changes.renames.push({
          sql: `ALTER INDEX public.${quoteIdentifier(same.name)} RENAME TO ${quoteIdentifier(ours.name)}`,
          why: `${same.name} is our ${ours.name} under another name (same columns, order and method); renaming changes only the catalog`,
        });
      }
      continue;
    }
    changes.late.push({
      sql: ours.definition,
      why: `${ours.name} is missing; built here in the transaction (it holds the tables locked anyway), so a failure leaves no half-built index`,
    });
  }
  for (const index of live.filter((candidate) => !claimed.has(candidate.name))) {
    if (dropOperatorObjects) {
      changes.dropped.push({
        sql: `DROP INDEX public.${quoteIdentifier(index.name)}`,
        why: `${index.name} (${index.definition}) is none of ours, and --drop-operator-objects asks for it to go`,
      });
    } else {
      changes.kept.push({ kind: "index", table, name: index.name, definition: index.definition });
    }
  }
}
