// @ts-check
/**
 * Mutation testing of the migrator's runner (`pnpm test:mutation`, README → Testing). Its
 * command-line front end is left out: its tests spawn the esbuild bundle, which no mutant reaches.
 * Each mutant runs only the tests that cover it (perTest), two at a time: the tests share a
 * PostgreSQL server (TEST_DATABASE_URL) and two cores. Static mutants are left out: code the
 * harness runs while it migrates each test file's database, before any test, is covered by no
 * test in particular, so each such mutant would need the whole suite (41 % of the mutants, 77 %
 * of the time, measured); they are reported as ignored, outside the score.
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export default {
  // By path: under pnpm the runner plugin is not resolvable from Stryker's own folder.
  plugins: [import.meta.resolve("@stryker-mutator/vitest-runner")],
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  coverageAnalysis: "perTest",
  ignoreStatic: true,
  mutate: ["src/migrator/*.ts", "!src/migrator/*.test.ts"],
  concurrency: 2,
  timeoutMS: 60_000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/migrator.html" },
  jsonReporter: { fileName: "reports/mutation/migrator.json" },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
