/**
 * The import graph's rules, checked by `pnpm lint` (dependency-cruiser over every workspace's
 * sources and tests, type-only imports included: a circle of types is still a circle).
 *
 * Layers, lowest first; a file may import its own layer and those below, never one above:
 *   workspaces   tooling ← packages/db ← packages/queries ← apps/cli, apps/console,
 *                apps/example-bot, bench
 *   packages/db  schema, errors, config, output ← failures ← client ← catalog ← migrator
 *                ← drift, reset, roles
 *                ← bin, testing (entry points and test support)
 *   queries      contract, errors.ts, query-rows.ts, seeded-random.ts ← events ← write-engine
 *                ← recorder, ingest;
 *                reads sit on events and below, beside the write side
 *   console      web never imports server (the browser bundle holds no server code)
 */

/** A path regex for each of the given folders (relative to the repository root). */
const under = (...folders) => `^(${folders.join("|")})/`;

/**
 * One rule per layer: nothing in it imports a layer above it. `layers` lists regexes of paths,
 * lowest first; each entry may be one regex or a list of siblings (same layer). Within a
 * package, a test may use what sits above the code it tests (the harness, the package's entry);
 * across workspaces, tests keep the layers too.
 */
function layerRules(name, layers, { exceptTests = true } = {}) {
  return layers.flatMap((layer, index) => {
    const above = layers.slice(index + 1).flat();
    if (above.length === 0) return [];
    return [
      {
        name: `${name}-layer-${index}`,
        comment: `${name}: ${[layer].flat().join(", ")} must not import a higher layer (${above.join(", ")})`,
        severity: "error",
        from: exceptTests ? { path: [layer].flat(), pathNot: TEST_CODE } : { path: [layer].flat() },
        to: { path: above },
      },
    ];
  });
}

/** Siblings of one layer that must not import each other. */
function siblingRules(name, siblings) {
  return siblings.flatMap((from) =>
    siblings
      .filter((to) => to !== from)
      .map((to) => ({
        name: `${name}-siblings`,
        comment: `${name}: ${from} must not import its sibling ${to}`,
        severity: "error",
        from: { path: from, pathNot: TEST_CODE },
        to: { path: to },
      })),
  );
}

const DB = "packages/db/src";
const QUERIES = "packages/queries/src";
const CONSOLE = "apps/console/src";

/** Test files, test-only folders and the harness: what production code must never import. */
const TEST_CODE = [
  "\\.test\\.tsx?$",
  "/testing/",
  "^(apps|packages|tooling)/[^/]+/test/",
  "^bench/test/",
  "(^|/)vitest(\\.mutation)?\\.config\\.ts$",
  "(^|/)stryker\\.config\\.mjs$",
];

/** A workspace's folder, captured as $1 for the rule against relative imports across them. */
const WORKSPACE = "^((?:apps|packages|tooling)/[^/]+|bench)/";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "a circle of imports, types included: give the shared part a home of its own",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-unresolvable",
      comment:
        "an import that resolves to no file: across workspaces only the entries of the package's `exports` map resolve, so a deep import lands here",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "no-relative-import-across-workspaces",
      comment: "another workspace is imported by its package name, through its `exports` map",
      severity: "error",
      from: { path: WORKSPACE },
      to: { dependencyTypes: ["local"], pathNot: "^$1/" },
    },
    {
      name: "no-test-code-in-production",
      comment: "production code must not import a test, a test fixture or the test harness",
      severity: "error",
      from: { pathNot: TEST_CODE },
      to: { path: TEST_CODE },
    },
    {
      name: "write-engine-through-its-index",
      comment: "the write engine is used through write-engine/index.ts only",
      severity: "error",
      from: { pathNot: `^${QUERIES}/write-engine/` },
      to: {
        path: `^${QUERIES}/write-engine/`,
        pathNot: `^${QUERIES}/write-engine/index\\.ts$`,
      },
    },
    ...layerRules(
      "workspaces",
      [
        under("tooling"),
        under("packages/db"),
        under("packages/queries"),
        [under("apps/cli"), under("apps/console"), under("apps/example-bot"), under("bench")],
      ],
      { exceptTests: false },
    ),
    ...siblingRules("workspaces", [
      under("apps/cli"),
      under("apps/console"),
      under("apps/example-bot"),
      under("bench"),
    ]),
    ...layerRules("db", [
      [under(`${DB}/schema`), `^${DB}/errors\\.ts$`, `^${DB}/config\\.ts$`, under(`${DB}/output`)],
      under(`${DB}/failures`),
      under(`${DB}/client`),
      under(`${DB}/catalog`),
      under(`${DB}/migrator`),
      [under(`${DB}/drift`), `^${DB}/reset\\.ts$`, `^${DB}/roles\\.ts$`],
      [under(`${DB}/bin`), under(`${DB}/testing`), `^${DB}/index\\.ts$`],
    ]),
    ...layerRules("queries", [
      [
        under(`${QUERIES}/contract`),
        `^${QUERIES}/errors\\.ts$`,
        `^${QUERIES}/query-rows\\.ts$`,
        `^${QUERIES}/seeded-random\\.ts$`,
      ],
      under(`${QUERIES}/events`),
      [under(`${QUERIES}/write-engine`), under(`${QUERIES}/reads`)],
      [under(`${QUERIES}/recorder`), under(`${QUERIES}/ingest`)],
      [under(`${QUERIES}/testing`), `^${QUERIES}/index\\.ts$`],
    ]),
    ...siblingRules("queries", [under(`${QUERIES}/write-engine`), under(`${QUERIES}/reads`)]),
    ...siblingRules("queries", [under(`${QUERIES}/recorder`), under(`${QUERIES}/ingest`)]),
    {
      name: "contract-without-database",
      comment:
        "the input contract is loaded by the console's page in the browser: it imports nothing but its own files and the state lists (@forusbots/db/states)",
      severity: "error",
      from: { path: under(`${QUERIES}/contract`), pathNot: TEST_CODE },
      to: { pathNot: [under(`${QUERIES}/contract`), `^${DB}/schema/states\\.ts$`] },
    },
    {
      name: "test-processes-through-the-kit",
      comment:
        "tests start child processes through @forusbots/db/testing (runProcess, startProcess): one runner, one list of the variables a child does not inherit (tooling sits below db and keeps its own)",
      severity: "error",
      from: { path: TEST_CODE, pathNot: [`^${DB}/testing/child-process\\.ts$`, under("tooling")] },
      to: { dependencyTypes: ["core"], path: "^(node:)?child_process$" },
    },
    {
      name: "seeded-random-imports-nothing",
      comment:
        "the seeded generator (@forusbots/queries/seeded-random) makes production data (seed, bench): it imports nothing, so every layer may use it",
      severity: "error",
      from: { path: `^${QUERIES}/seeded-random\\.ts$` },
      to: {},
    },
    {
      name: "console-web-not-server",
      comment: "the console's browser code must not import its server's",
      severity: "error",
      from: { path: under(`${CONSOLE}/web`), pathNot: TEST_CODE },
      to: { path: under(`${CONSOLE}/server`) },
    },
  ],
  options: {
    // .stryker-tmp: the sandboxes of a mutation testing run, copies of a workspace.
    exclude: {
      path: [
        "(^|/)node_modules/",
        "(^|/)dist/",
        "^packages/db/migrations/",
        "(^|/)\\.stryker-tmp/",
      ],
    },
    // Workspaces resolve to their real folders and are followed; third-party packages are not.
    doNotFollow: { path: "(^|/)node_modules/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["@forusbots/source", "import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json", ".d.ts"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
