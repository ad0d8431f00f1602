import type { CatalogColumn, CatalogTable } from "../../catalog/dump.ts";
import type { DatabaseHandle } from "../../client/handle.ts";
import { qualified, quoteIdentifier, type StepChanges } from "./plan-types.ts";
import { findViolatingRows, type RowKey } from "./row-violations.ts";

/** `VARCHAR`/`VARCHAR(n)`: the seed's wording for its names and states. */
const VARCHAR = /^character varying(\(\d+\))?$/;

const columnDefinition = (column: CatalogColumn): string =>
  [
    column.type,
    column.generated === null ? null : `GENERATED ALWAYS AS (${column.generated}) STORED`,
    column.default === null ? null : `DEFAULT ${column.default}`,
    column.notNull ? "NOT NULL" : null,
  ]
    .filter((part) => part !== null)
    .join(" ");

/**
 * Turns the live table's columns into the expected ones without touching a stored value: types
 * only where PostgreSQL relabels without a rewrite (VARCHAR → text), defaults, NOT NULL once no
 * row is NULL; a generated column computed another way is computed our way (it stores nothing
 * else). Columns the step does not have are kept; anything else is an obstacle.
 */
export async function planColumns(
  handle: DatabaseHandle,
  want: CatalogTable,
  have: CatalogTable,
  key: RowKey,
  changes: StepChanges,
): Promise<{ retyped: boolean; replaced: string[] }> {
  const table = qualified(want.name);
  const haveByName = new Map(have.columns.map((column) => [column.name, column]));
  let retyped = false;
  /** Generated columns dropped and added again: their indexes go with them. */
  const replaced: string[] = [];
  for (const wanted of want.columns) {
    const live = haveByName.get(wanted.name);
    const column = quoteIdentifier(wanted.name);
    const label = `${want.name}.${wanted.name}`;
    if (!live) {
      const laterPresent = want.columns
        .slice(want.columns.indexOf(wanted) + 1)
        .some((later) => haveByName.has(later.name));
      if (laterPresent) {
        changes.obstacles.push({
          what: `column ${label} is missing before columns the table has: ADD COLUMN would put it last, and only rewriting the table puts it in its place, so it is left to you`,
        });
        continue;
      }
      if (wanted.notNull && wanted.default === null && wanted.generated === null) {
        changes.obstacles.push({
          what: `column ${label} is missing and ours is NOT NULL without a default: its values for the existing rows are not known`,
        });
        continue;
      }
      changes.columns.push({
        sql: `ALTER TABLE ${table} ADD COLUMN ${column} ${columnDefinition(wanted)}`,
        why: `${label} is missing; ${wanted.generated !== null ? "it is computed from the row's own columns" : "existing rows take its default or NULL"}, so no value is invented`,
      });
      continue;
    }
    if (
      live.generated !== null &&
      wanted.generated !== null &&
      live.generated !== wanted.generated
    ) {
      const later = have.columns.slice(have.columns.indexOf(live) + 1);
      if (later.length > 0) {
        changes.obstacles.push({
          what: `column ${label} is generated as ${live.generated}, ours as ${wanted.generated}, and columns follow it: recomputing it means adding it again, last, which only a table rewrite puts back in its place, so it is left to you`,
        });
        continue;
      }
      replaced.push(wanted.name);
      changes.early.push({
        sql: `ALTER TABLE ${table} DROP COLUMN ${column}`,
        why: `${label} is generated as ${live.generated}, ours as ${wanted.generated}; PostgreSQL 15 cannot change a generation expression, and the column holds nothing but what it computes from the row's own columns (its indexes are built again below)`,
      });
      changes.columns.push({
        sql: `ALTER TABLE ${table} ADD COLUMN ${column} ${columnDefinition(wanted)}`,
        why: `${label} as ours computes it, for every stored row (this rewrites ${want.name} under the lock; no other column changes)`,
      });
      continue;
    }
    if (live.generated !== wanted.generated) {
      changes.obstacles.push({
        what: `column ${label} is ${live.generated === null ? "a plain column" : `generated as ${live.generated}`}, ours is ${wanted.generated === null ? "a plain column" : `generated as ${wanted.generated}`}: replacing it would replace its stored values, so it is left to you`,
      });
      continue;
    }
    if (live.type !== wanted.type) {
      if (wanted.type === "text" && VARCHAR.test(live.type)) {
        retyped = true;
        changes.columns.push({
          sql: `ALTER TABLE ${table} ALTER COLUMN ${column} TYPE text`,
          why: `${label} is ${live.type}; text stores the same bytes, so PostgreSQL only relabels the column (no table rewrite, indexes kept)`,
        });
      } else {
        changes.obstacles.push({
          what: `column ${label} has type ${live.type}, ours is ${wanted.type}: converting it could change stored values, so it is left to you`,
        });
        continue;
      }
    }
    if (live.default !== wanted.default && wanted.generated === null) {
      changes.columns.push(
        wanted.default === null
          ? {
              sql: `ALTER TABLE ${table} ALTER COLUMN ${column} DROP DEFAULT`,
              why: `${label} has default ${live.default} and ours has none: writers always give the value`,
            }
          : {
              sql: `ALTER TABLE ${table} ALTER COLUMN ${column} SET DEFAULT ${wanted.default}`,
              why: `${label} has ${live.default === null ? "no default" : `default ${live.default}`}; ours applies to new rows only, stored rows keep their values`,
            },
      );
    }
    if (wanted.notNull && !live.notNull) {
      const nulls = await findViolatingRows(
        handle,
        `${label} NOT NULL`,
        want.name,
        `${column} IS NULL`,
        key,
      );
      if (nulls) changes.violations.push(nulls);
      else {
        changes.columns.push({
          sql: `ALTER TABLE ${table} ALTER COLUMN ${column} SET NOT NULL`,
          why: `${label} is nullable and ours is NOT NULL; no stored row holds a NULL there (counted before planning)`,
        });
      }
    }
    if (!wanted.notNull && live.notNull) {
      changes.columns.push({
        sql: `ALTER TABLE ${table} ALTER COLUMN ${column} DROP NOT NULL`,
        why: `${label} is NOT NULL and ours is nullable: the recorder writes NULL there (a job not yet started)`,
      });
    }
  }
  const wantedNames = new Set(want.columns.map((column) => column.name));
  for (const live of have.columns.filter((column) => !wantedNames.has(column.name))) {
    changes.kept.push({
      kind: "column",
      table: want.name,
      name: live.name,
      definition: columnDefinition(live),
    });
  }
  const shared = (columns: CatalogColumn[]) =>
    columns
      .map((column) => column.name)
      .filter((name) => wantedNames.has(name) && haveByName.has(name))
      .join(", ");
  if (shared(have.columns) !== shared(want.columns)) {
    changes.obstacles.push({
      what: `the columns of ${want.name} are in the order ${shared(have.columns)}, ours ${shared(want.columns)}: only rewriting the table changes that, so it is left to you`,
    });
  }
  return { retyped: retyped || replaced.length > 0, replaced };
}
