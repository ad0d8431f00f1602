// @ts-check
import { mutationTestingConfig } from "./src/testing/mutation-testing.mjs";

/**
 * Mutation testing of the migrator's runner. Its command-line front end is left out: its tests
 * spawn the esbuild bundle, which no mutant reaches. Static mutants are left out too: code the
 * harness runs while it migrates each test file's database, before any test, is covered by no
 * test in particular, so each such mutant would need the whole suite (41 % of the mutants, 77 %
 * of the time, measured); they are reported as ignored, outside the score.
 */
export default mutationTestingConfig({
  runnerPlugin: import.meta.resolve("@stryker-mutator/vitest-runner"),
  mutate: ["src/migrator/*.ts", "!src/migrator/*.test.ts"],
  report: "migrator",
  ignoreStatic: true,
});
