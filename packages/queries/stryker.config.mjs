// @ts-check
import { mutationTestingConfig } from "@forusbots/db/testing/mutation-testing";

/**
 * Mutation testing of the job state machine (`write-engine/transitions.ts`) and the batch write
 * engine (the rest of `write-engine/`). The state machine's tables are module constants, so its
 * mutants are static: they run the whole suite of `vitest.mutation.config.ts`, and are kept.
 */
export default mutationTestingConfig({
  runnerPlugin: import.meta.resolve("@stryker-mutator/vitest-runner"),
  mutate: ["src/write-engine/*.ts", "!src/write-engine/*.test.ts"],
  report: "write-engine",
  // vitest.mutation.config.ts imports the test kit's config, a .ts file of another workspace,
  // which the runner's Node loads only through tsx (`pnpm test` passes --configLoader runner).
  testRunnerNodeArgs: ["--import", "tsx"],
});
