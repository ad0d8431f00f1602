// @ts-check
/**
 * Mutation testing of the job state machine (`write-engine/transitions.ts`) and the batch write
 * engine (the rest of `write-engine/`): `pnpm test:mutation`, README → Testing. Each mutant runs
 * only the tests that cover it (perTest), two at a time: the tests share a PostgreSQL server
 * (TEST_DATABASE_URL) and two cores. The state machine's tables are module constants, so its
 * mutants are static: they run the whole suite of `vitest.mutation.config.ts`, and are kept.
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export default {
  // By path: under pnpm the runner plugin is not resolvable from Stryker's own folder.
  plugins: [import.meta.resolve("@stryker-mutator/vitest-runner")],
  testRunner: "vitest",
  // vitest.mutation.config.ts imports the test kit's config, a .ts file of another workspace,
  // which the runner's Node loads only through tsx (`pnpm test` passes --configLoader runner).
  testRunnerNodeArgs: ["--import", "tsx"],
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  coverageAnalysis: "perTest",
  mutate: ["src/write-engine/*.ts", "!src/write-engine/*.test.ts"],
  concurrency: 2,
  timeoutMS: 60_000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/write-engine.html" },
  jsonReporter: { fileName: "reports/mutation/write-engine.json" },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
