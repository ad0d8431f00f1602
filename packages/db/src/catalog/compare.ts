import type { CatalogColumn, CatalogDump, CatalogTable, CatalogView } from "./dump.ts";

/** One way the live schema differs from the expected one, in words an operator can act on. */
export type CatalogDifference = string;

const describeColumn = (column: CatalogColumn): string =>
  [
    column.type,
    column.notNull ? "NOT NULL" : "nullable",
    column.default === null ? null : `DEFAULT ${column.default}`,
    column.generated === null ? null : `GENERATED ALWAYS AS ${column.generated}`,
  ]
    .filter((part) => part !== null)
    .join(" ");

function compareColumns(table: string, expected: CatalogColumn[], actual: CatalogColumn[]) {
  const differences: CatalogDifference[] = [];
  const actualByName = new Map(actual.map((column) => [column.name, column]));
  const expectedNames = new Set(expected.map((column) => column.name));
  for (const want of expected) {
    const have = actualByName.get(want.name);
    if (!have) {
      differences.push(`missing column ${table}.${want.name} (${describeColumn(want)})`);
      continue;
    }
    if (have.type !== want.type) {
      differences.push(`column ${table}.${want.name} has type ${have.type}, expected ${want.type}`);
    }
    if (have.notNull !== want.notNull) {
      differences.push(
        `column ${table}.${want.name} is ${have.notNull ? "NOT NULL" : "nullable"}, expected ${want.notNull ? "NOT NULL" : "nullable"}`,
      );
    }
    if (have.default !== want.default) {
      differences.push(
        `column ${table}.${want.name} has default ${have.default ?? "(none)"}, expected ${want.default ?? "(none)"}`,
      );
    }
    if (have.generated !== want.generated) {
      differences.push(
        `column ${table}.${want.name} is generated as ${have.generated ?? "(not generated)"}, expected ${want.generated ?? "(not generated)"}`,
      );
    }
  }
  for (const have of actual) {
    if (!expectedNames.has(have.name)) {
      differences.push(`extra column ${table}.${have.name} (${describeColumn(have)})`);
    }
  }
  const order = (columns: CatalogColumn[]) =>
    columns
      .map((column) => column.name)
      .filter((name) => actualByName.has(name) && expectedNames.has(name));
  if (differences.length === 0 && order(actual).join() !== order(expected).join()) {
    differences.push(
      `columns of ${table} are in the order ${order(actual).join(", ")}, expected ${order(expected).join(", ")}`,
    );
  }
  return differences;
}

function compareNamed(
  what: "index" | "constraint" | "trigger",
  table: string,
  expected: Record<string, string>,
  actual: Record<string, string>,
): CatalogDifference[] {
  const differences: CatalogDifference[] = [];
  for (const [name, definition] of Object.entries(expected)) {
    const have = actual[name];
    if (have === undefined) differences.push(`missing ${what} ${name} on ${table} (${definition})`);
    else if (have !== definition) {
      differences.push(`${what} ${name} on ${table} is ${have}, expected ${definition}`);
    }
  }
  for (const [name, definition] of Object.entries(actual)) {
    if (!(name in expected)) differences.push(`extra ${what} ${name} on ${table} (${definition})`);
  }
  return differences;
}

function compareTable(expected: CatalogTable, actual: CatalogTable): CatalogDifference[] {
  return [
    ...compareColumns(expected.name, expected.columns, actual.columns),
    ...compareNamed("constraint", expected.name, expected.constraints, actual.constraints),
    ...compareNamed("index", expected.name, expected.indexes, actual.indexes),
    ...compareNamed("trigger", expected.name, expected.triggers, actual.triggers),
  ];
}

function compareView(expected: CatalogView, actual: CatalogView): CatalogDifference[] {
  const columns = (view: CatalogView) =>
    view.columns.map((column) => `${column.name} ${column.type}`).join(", ");
  const differences: CatalogDifference[] = [];
  if (columns(actual) !== columns(expected)) {
    differences.push(
      `view ${expected.name} has columns (${columns(actual)}), expected (${columns(expected)})`,
    );
  }
  if (actual.definition !== expected.definition) {
    differences.push(
      `view ${expected.name} is defined as «${actual.definition}», expected «${expected.definition}»`,
    );
  }
  return differences;
}

function compareByName<T extends { name: string }>(
  what: string,
  expected: T[],
  actual: T[],
  compare: (want: T, have: T) => CatalogDifference[],
): CatalogDifference[] {
  const actualByName = new Map(actual.map((item) => [item.name, item]));
  const expectedNames = new Set(expected.map((item) => item.name));
  return [
    ...expected.flatMap((want) => {
      const have = actualByName.get(want.name);
      return have ? compare(want, have) : [`missing ${what} ${want.name}`];
    }),
    ...actual
      .filter((have) => !expectedNames.has(have.name))
      .map((have) => `extra ${what} ${have.name}`),
  ];
}

/** Every difference between two dumps; empty when the schemas match. */
export function compareCatalogs(expected: CatalogDump, actual: CatalogDump): CatalogDifference[] {
  return [
    ...compareByName("table", expected.tables, actual.tables, compareTable),
    ...compareByName("view", expected.views, actual.views, compareView),
    ...compareByName(
      "sequence",
      expected.sequences.map((name) => ({ name })),
      actual.sequences.map((name) => ({ name })),
      () => [],
    ),
    ...compareByName(
      "function",
      Object.entries(expected.functions).map(([name, definition]) => ({ name, definition })),
      Object.entries(actual.functions).map(([name, definition]) => ({ name, definition })),
      (want, have) =>
        want.definition === have.definition ? [] : [`function ${want.name} has a different body`],
    ),
  ];
}
